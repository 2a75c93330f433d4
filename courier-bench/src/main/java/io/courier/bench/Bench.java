package io.courier.bench;

import io.courier.bench.load.LoadRunner;
import io.courier.bench.load.Measurement;
import io.courier.bench.load.RoundTrip;
import io.courier.bench.load.WrkRunner;
import io.courier.bench.process.ChildProcess;
import io.courier.bench.process.GatewayMain;
import io.courier.bench.process.GatewayProbe;
import io.courier.bench.process.HttpEchoMain;
import io.courier.bench.process.SpringPeerJar;
import io.courier.bench.report.ResultTable;
import io.courier.bench.report.GatewayProfile;
import io.courier.bench.targets.EchoService;
import io.courier.bench.load.HttpRoundTrip;
import io.courier.bench.targets.HttpTarget;
import io.courier.bench.targets.ResultSeed;
import io.courier.bench.targets.KafkaFloorTarget;
import io.courier.bench.targets.Target;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One side-by-side benchmark run: an in-process broker (in this JVM) with the echo responder, then Courier
 * (gateway in its own JVM), the Spring peer (own JVM), the HTTP floor (own JVM) and the Kafka floor (in this
 * JVM) measured by the same {@link LoadRunner}, interleaved round by round, then the stream and body-size
 * scenarios on the same processes, then the instances scenario and the in-flight scenario. Every process it
 * starts is stopped by pid before {@link #run} returns, whatever happens.
 */
public final class Bench {
  private static final Logger LOGGER = LoggerFactory.getLogger(Bench.class);

  static final String ECHO_TOPIC = "bench.echo";
  static final String COURIER_REPLIES = "bench.courier.responses";
  static final String SPRING_REPLIES = "bench.spring.replies";
  static final String FLOOR_REPLIES = "bench.floor.replies";
  static final String SLOW_TOPIC = "bench.slow";
  static final String SLOW_REPLIES = "bench.slow.responses";
  static final String RESULTS_GATEWAY_REPLIES = "bench.courier-results.responses";
  /** The plain echo route's name in the gateway's metrics (service {@code echo}, see GatewayMain). */
  private static final String ECHO_ROUTE = "echo.POST /echo";
  /** Streams measured in the stream scenario, after one to warm up. */
  private static final int STREAMS = 5;
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);
  /**
   * In every JVM the bench starts, as the {@code courier} launcher and the container image run the gateway: no
   * {@code hsperfdata} sampler waking every 50 ms (docs/benchmarks.md, idle CPU).
   */
  static final String NO_PERF_DATA = "-XX:-UsePerfData";
  /** The collector the {@code courier} launcher and the container image run the gateway with. */
  static final String GATEWAY_COLLECTOR = "-XX:+UseParallelGC";
  /**
   * Every Courier gateway the bench starts, with the collector as shipped, and the HTTP floor, which stays the floor
   * of the gateway's HTTP part.
   */
  static final List<String> GATEWAY_JVM = List.of("-Xms256m", "-Xmx512m", GATEWAY_COLLECTOR, NO_PERF_DATA);
  /**
   * The Spring peer: the same heap, on G1, the collector the JVM picks by itself with two cores or more and 1792 MB or
   * more, as here (a Spring Boot app runs with the JVM's defaults unless told otherwise; {@code --peer-jvm-option}
   * tells it).
   */
  static final List<String> PEER_JVM = List.of("-Xms256m", "-Xmx512m", "-XX:+UseG1GC", NO_PERF_DATA);

  private final BenchOptions options;
  private final PrintStream out;
  /** Only the body-size scenario ({@code --only body-sizes}): the targets start as for a full run. */
  private final boolean onlyBodySizes;
  private final Deque<AutoCloseable> started = new ArrayDeque<>();

  private Bench(BenchOptions options, PrintStream out, boolean onlyBodySizes) {
    this.options = options;
    this.out = out;
    this.onlyBodySizes = onlyBodySizes;
  }

  /** Runs everything, prints the tables to {@code out}, writes them to a Markdown file, stops all it started. */
  public static BenchReport run(BenchOptions options, PrintStream out) {
    return run(new Bench(options, out, false), Bench::runAll);
  }

  /**
   * Runs the body-size scenario alone ({@link BodySizeScenario}), with {@code options}' rounds, settle and
   * window; reports as {@link #run} does, with an empty main table.
   */
  public static BenchReport runBodySizes(BenchOptions options, PrintStream out) {
    return run(new Bench(options, out, true), Bench::runAll);
  }

  /**
   * Runs only the instances scenario ({@link InstancesScenario}, up to {@code options.instances()} gateways, or
   * 3 if that is 0), on its own broker and echo service; prints and writes its table like {@link #run}.
   */
  public static BenchReport runInstancesOnly(BenchOptions options, PrintStream out) {
    return run(new Bench(options, out, false), Bench::instancesOnly);
  }

  private static BenchReport run(Bench bench, Function<Bench, BenchReport> body) {
    Thread hook = new Thread(bench::stopAll, "bench-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return body.apply(bench);
    } finally {
      bench.stopAll();
      Runtime.getRuntime().removeShutdownHook(hook);
    }
  }

  private BenchReport runAll() {
    long begin = System.nanoTime();
    Path logs = options.outputDir().resolve("logs");
    out.println("courier bench: starting Kafka and the echo service...");
    EmbeddedKafka kafka = keep(EmbeddedKafka.start());
    String bootstrap = kafka.bootstrapServers();
    for (String topic : List.of(ECHO_TOPIC, SPRING_REPLIES, FLOOR_REPLIES, SLOW_TOPIC)) {
      kafka.createTopic(topic, 1);
    }
    for (String responseTopic : List.of(COURIER_REPLIES, RESULTS_GATEWAY_REPLIES, SLOW_REPLIES)) {
      kafka.createTopic(responseTopic, 1);
      // Gateways that forward replies between instances read <response-topic>.forwards; it must exist.
      kafka.createTopic(responseTopic + ".forwards", 1);
      // ... and <response-topic>.results, for async results and idempotency keys.
      kafka.createTopic(responseTopic + ".results", 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", "3600000"));
    }
    InstancesScenario.createTopics(kafka);
    keep(EchoService.start(bootstrap, ECHO_TOPIC, Duration.ZERO, 1024));
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    keep(() -> clients.close().toCompletionStage().toCompletableFuture().get());

    List<Target> targets = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    out.println("courier bench: starting the targets...");
    targets.add(keep(new HttpTarget(ResultTable.HTTP_FLOOR,
        ChildProcess.start(ResultTable.HTTP_FLOOR, jvm(GATEWAY_JVM), main(HttpEchoMain.class), logs, START_TIMEOUT), clients)));
    targets.add(keep(new KafkaFloorTarget(bootstrap, ECHO_TOPIC, FLOOR_REPLIES)));
    List<String> gatewayJvm = withOptions(GATEWAY_JVM, options.gatewayJvmOptions());
    HttpTarget courier = keep(new HttpTarget(ResultTable.COURIER,
        ChildProcess.start(ResultTable.COURIER, jvm(gatewayJvm),
            main(GatewayMain.class, bootstrap, ECHO_TOPIC, COURIER_REPLIES, "10s", "20000"), logs, START_TIMEOUT),
        clients));
    targets.add(courier);
    // A second gateway process, the same configuration on its own response topic, for other requests: each
    // with a new Idempotency-Key (a claim written and read back before the request), and GET of a kept result
    // (answered from memory). Apart from the first: the results of idempotent requests are kept for their
    // window (60 min), and a process filling its heap with them would not measure plain requests fairly.
    HttpTarget results = keep(new HttpTarget("courier-results",
        ChildProcess.start("courier-results", jvm(GATEWAY_JVM),
            main(GatewayMain.class, bootstrap, ECHO_TOPIC, RESULTS_GATEWAY_REPLIES, "10s", "20000"), logs, START_TIMEOUT),
        clients));
    targets.add(results.variant(ResultTable.COURIER_IDEMPOTENT, HttpRoundTrip.Shape.IDEMPOTENT_ECHO, null));
    targets.add(results.variant(ResultTable.COURIER_RESULT_GET, HttpRoundTrip.Shape.RESULT_LOOKUP,
        ResultSeed.create(results.process().port())));
    SpringPeerJar.find().ifPresentOrElse(
        jar -> targets.add(keep(new HttpTarget(ResultTable.SPRING,
            ChildProcess.start(ResultTable.SPRING, withOptions(PEER_JVM, options.peerJvmOptions()),
                List.of("-jar", jar.toString(), "--spring.kafka.bootstrap-servers=" + bootstrap,
                    "--peer.request-topic=" + ECHO_TOPIC, "--peer.reply-topic=" + SPRING_REPLIES),
                logs, START_TIMEOUT),
            clients))),
        () -> notes.add("spring-peer not run: " + "courier-bench-spring-peer-exec.jar not found; build it with "
            + "`mvn -B -DskipTests -pl courier-bench-spring-peer package`"));
    notes.forEach(note -> out.println("courier bench: " + note));
    if (onlyBodySizes) {
      try (LoadRunner load = new LoadRunner(Payload.json256())) {
        warmUp(load, targets.stream().filter(Bench::wrkDriven).toList());
      }
      BodySizeScenario.Result bodySizes = bodySizes(targets);
      return report(new ResultTable(), null, null,
          BenchReport.bodySizesOnly(options, bodySizes, notes, Duration.ofNanos(System.nanoTime() - begin)));
    }

    WrkRunner wrk =
        options.generator() == BenchOptions.Generator.WRK ? WrkRunner.locate(Payload.json256(), notes::add).orElse(null) : null;
    if (wrk != null) {
      notes.add("closed loops of " + targets.stream().filter(Bench::wrkDriven).map(Target::name).toList()
          + " driven by wrk (-t1, a process of its own); every other run by the Java generator in the bench JVM");
    }
    ResultTable table = new ResultTable();
    GatewayProfile profile = new GatewayProfile();
    List<IdleCpu> idle = new ArrayList<>();
    try (LoadRunner load = new LoadRunner(Payload.json256())) {
      warmUp(load, targets);
      for (int round = 1; round <= options.rounds(); round++) {
        for (int concurrency : options.concurrencies()) {
          for (Target target : targets) {
            if (wrk != null && wrkDriven(target)) {
              HttpTarget http = (HttpTarget) target;
              record(table, round, staged(target, profile, () -> wrk.closedLoop(target.name(), http.process().port(),
                  http.uri(), concurrency, options.settle(), options.measure(), target::cpuSeconds)));
              continue;
            }
            try (RoundTrip roundTrip = target.roundTrip(concurrency)) {
              record(table, round, staged(target, profile, () -> load.closedLoop(target.name(), roundTrip, concurrency,
                  options.settle(), options.measure(), target::cpuSeconds)));
            }
          }
        }
        if (options.openLoopRate() > 0) {
          for (Target target : targets) {
            try (RoundTrip roundTrip = target.roundTrip(64)) {
              record(table, round, staged(target, profile, () -> load.openLoop(target.name(), roundTrip,
                  options.openLoopRate(), options.settle(), options.measure(), target::cpuSeconds)));
            }
          }
        }
      }
    }
    out.printf("courier bench: %d streams of %d items over NDJSON, then as many plain round trips...%n",
        STREAMS, options.streamItems());
    StreamScenario.Result streamed = StreamScenario.run(courier.process().port(), options.streamItems(), STREAMS);
    BodySizeScenario.Result bodySizes = bodySizes(targets);
    if (!options.idle().isZero()) {
      out.printf("courier bench: watching every target idle for %ss...%n", options.idle().toSeconds());
      idle.addAll(IdleCpu.measure(targets, options.idle()));
    }
    targets.forEach(this::stopNow); // the instances and in-flight scenarios get the machine to themselves
    InstancesScenario.Result instances = options.instances() > 0 ? instances(bootstrap, clients, options.instances(), logs) : null;

    InFlightScenario.Result inFlight = null;
    if (options.inFlight() > 0) {
      out.printf("courier bench: %d requests in flight to a service that answers after %d ms...%n",
          options.inFlight(), options.slowServiceDelay().toMillis());
      keep(EchoService.start(bootstrap, SLOW_TOPIC, options.slowServiceDelay(), options.inFlight() + 1000));
      ChildProcess gateway = keep(ChildProcess.start("courier-inflight",
          jvm(List.of("-Xms64m", "-Xmx" + InFlightScenario.HEAP_CAP_MB + "m", GATEWAY_COLLECTOR, NO_PERF_DATA)),
          main(GatewayMain.class, bootstrap, SLOW_TOPIC, SLOW_REPLIES, "60s",
              Integer.toString(options.inFlight() + 1000)),
          logs, START_TIMEOUT));
      inFlight = InFlightScenario.run(gateway, clients, options.inFlight(), options.slowServiceDelay());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - begin);
    String markdown = BenchReport.markdown(options, table, profile, inFlight, streamed, bodySizes, idle, instances, notes, took);
    return report(table, inFlight, instances, markdown);
  }

  private BenchReport instancesOnly() {
    long begin = System.nanoTime();
    out.println("courier bench: starting Kafka and the echo service...");
    EmbeddedKafka kafka = keep(EmbeddedKafka.start());
    kafka.createTopic(ECHO_TOPIC, 1);
    InstancesScenario.createTopics(kafka);
    keep(EchoService.start(kafka.bootstrapServers(), ECHO_TOPIC, Duration.ZERO, 1024));
    Vertx clients = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    keep(() -> clients.close().toCompletionStage().toCompletableFuture().get());
    int max = options.instances() > 0 ? options.instances() : InstancesScenario.MAX_INSTANCES;
    InstancesScenario.Result instances = instances(kafka.bootstrapServers(), clients, max, options.outputDir().resolve("logs"));
    String markdown = BenchReport.instancesOnly(instances, Duration.ofNanos(System.nanoTime() - begin));
    return report(new ResultTable(), null, instances, markdown);
  }

  private InstancesScenario.Result instances(String bootstrap, Vertx clients, int max, Path logs) {
    out.printf("courier bench: 1 to %d gateway instances on one response topic...%n", max);
    return InstancesScenario.run(bootstrap, ECHO_TOPIC, clients, options, max, logs, out);
  }

  private BenchReport report(ResultTable table, InFlightScenario.Result inFlight, InstancesScenario.Result instances,
      String markdown) {
    Path file = write(markdown);
    out.println();
    out.println(markdown);
    out.println("courier bench: results written to " + file);
    return new BenchReport(table, inFlight, instances, markdown, file);
  }

  /** The body-size scenario on the plain {@code POST /echo} of each process: Courier, the Spring peer, the HTTP floor. */
  private BodySizeScenario.Result bodySizes(List<Target> targets) {
    List<Target> echoes = targets.stream().filter(Bench::wrkDriven).toList();
    out.printf("courier bench: bodies of %s at c=%d through %s...%n",
        BodySizeScenario.SIZES.stream().map(BodySizeScenario::label).toList(), BodySizeScenario.CONCURRENCY,
        echoes.stream().map(Target::name).toList());
    return BodySizeScenario.run(echoes, options, out);
  }

  /** Each target at concurrency 16 for the warm-up time, nothing recorded: JIT and first round trips. */
  private void warmUp(LoadRunner load, List<Target> targets) {
    for (Target target : targets) {
      out.printf("courier bench: warming up %s for %ss%n", target.name(), options.warmup().toSeconds());
      try (RoundTrip roundTrip = target.roundTrip(16)) {
        load.closedLoop(target.name(), roundTrip, 16, Duration.ZERO, options.warmup(), target::cpuSeconds);
      }
    }
  }

  /** The plain echo of a process of its own: what wrk drives when asked to. */
  private static boolean wrkDriven(Target target) {
    return target instanceof HttpTarget http && http.plainEcho();
  }

  /** Runs one measurement; for the plain Courier target, with the gateway's own metrics read around it. */
  private Measurement staged(Target target, GatewayProfile profile, Supplier<Measurement> run) {
    if (!target.name().equals(ResultTable.COURIER)) {
      return run.get();
    }
    GatewayProbe gateway = new GatewayProbe(((HttpTarget) target).process().port());
    GatewayProfile.Snapshot before = GatewayProfile.scrape(gateway, ECHO_ROUTE);
    long start = System.nanoTime();
    Measurement measured = run.get();
    profile.add(measured.mode() + " " + measured.generator(), before, GatewayProfile.scrape(gateway, ECHO_ROUTE),
        (System.nanoTime() - start) / 1e9);
    return measured;
  }

  private void record(ResultTable table, int round, Measurement m) {
    table.add(round, m);
    out.printf("  round %d  %-12s %-14s %-4s %8.0f req/s  p50 %7.3f ms  p99 %7.3f ms  errors %d%n", round, m.target(),
        m.mode(), m.generator(), m.requestsPerSecond(), m.p50Millis(), m.p99Millis(), m.errors());
  }

  private Path write(String markdown) {
    Path file = options.outputDir().resolve(
        "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + ".md");
    try {
      Files.createDirectories(options.outputDir());
      Files.writeString(file, markdown, StandardCharsets.UTF_8);
      Files.writeString(options.outputDir().resolve("latest.md"), markdown, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  static List<String> jvm(List<String> flags) {
    List<String> line = new ArrayList<>(flags);
    line.add("-cp");
    line.add(ChildProcess.classPath());
    return line;
  }

  /**
   * {@code flags} and then {@code options} (a later option wins), but for the collector of {@code flags} when
   * {@code options} choose one: the JVM refuses to start with two.
   */
  static List<String> withOptions(List<String> flags, List<String> options) {
    List<String> line = new ArrayList<>(flags);
    if (options.stream().anyMatch(Bench::choosesCollector)) {
      line.removeIf(Bench::choosesCollector);
    }
    line.addAll(options);
    return line;
  }

  private static boolean choosesCollector(String option) {
    return option.matches("-XX:\\+Use(Serial|Parallel|G1|Z|Shenandoah|Epsilon)GC");
  }

  static List<String> main(Class<?> mainClass, String... args) {
    List<String> line = new ArrayList<>();
    line.add(mainClass.getName());
    line.addAll(List.of(args));
    return line;
  }

  private <T extends AutoCloseable> T keep(T resource) {
    synchronized (started) {
      started.push(resource);
    }
    return resource;
  }

  private void stopNow(AutoCloseable resource) {
    synchronized (started) {
      started.remove(resource);
    }
    close(resource);
  }

  /** Stops everything started, newest first; safe to call twice (the shutdown hook and the finally block). */
  private void stopAll() {
    while (true) {
      AutoCloseable next;
      synchronized (started) {
        next = started.poll();
      }
      if (next == null) {
        return;
      }
      close(next);
    }
  }

  private static void close(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      LOGGER.warn("Could not stop resource={} error={}", resource, e.toString());
    }
  }
}
