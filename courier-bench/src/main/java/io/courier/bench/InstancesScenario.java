package io.courier.bench;

import static io.courier.bench.report.ResultTable.fmt;

import io.courier.bench.load.HttpRoundTrip;
import io.courier.bench.load.LoadRunner;
import io.courier.bench.load.Measurement;
import io.courier.bench.load.SpreadRoundTrip;
import io.courier.bench.process.ChildProcess;
import io.courier.bench.process.GatewayMain;
import io.courier.bench.process.GatewayProbe;
import io.courier.bench.report.ResultTable;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * Issue 14, "instances": 1, 2, then 3 gateway instances (each its own JVM, id and port) on one response
 * topic of {@value #PARTITIONS} partitions, in one reply group, in front of the echo service, driven by one
 * closed loop of {@value #CONCURRENCY} requests spread round robin over the instances (a balancer). For each
 * count it measures aggregate throughput and latency, the gateways' CPU summed over their processes, and how
 * many replies were forwarded between instances (from each instance's {@code /metrics}).
 *
 * <p>Each round starts at one instance and adds one at a time. An instance that joins is measured twice: at
 * once, as soon as every instance answers {@code GET /ready} 200 (its partitions may not have moved to it
 * yet: the "joined" phase), and in steady state, once every instance owns partitions and after a warm-up of
 * its cold JVM. At the end of a round the added instances leave (SIGTERM, a graceful close), so every round
 * measures the joins anew.
 */
final class InstancesScenario {
  static final String RESPONSES = "bench.instances.responses";
  static final int PARTITIONS = 6;
  static final int CONCURRENCY = 64;
  /** How many instances the full bench and {@code --only instances} go up to. */
  static final int MAX_INSTANCES = 3;
  static final String STEADY = "steady";
  static final String JOINED = "just joined";
  private static final List<String> JVM = List.of("-Xms64m", "-Xmx256m", Bench.GATEWAY_COLLECTOR, Bench.NO_PERF_DATA);
  private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

  /**
   * One measured window.
   *
   * @param load aggregate throughput, latency, and the gateways' CPU summed (as the target CPU)
   * @param seconds between the two reads of {@code /metrics}: the settle period, the window and the drain
   * @param forwarded {@code courier_forwards_total{result="sent"}}, summed over the instances
   * @param repliesRead {@code courier_replies_total{source="response-topic"}}, summed over the instances
   * @param answeredViaForward {@code courier_replies_total{source="forward-topic",outcome="matched"}}, summed
   */
  record Row(int round, int instances, String phase, Measurement load, double seconds, long forwarded,
      long repliesRead, long answeredViaForward) {
    double forwardsPerSecond() {
      return forwarded / seconds;
    }

    /** Share of the replies read from the response topic that were forwarded, in percent. */
    double forwardedPercent() {
      return repliesRead == 0 ? Double.NaN : 100.0 * forwarded / repliesRead;
    }
  }

  /** Every window of every round. */
  record Result(int maxInstances, int rounds, Duration warmup, Duration measure, List<Row> rows) {
    /** The Markdown section: medians over rounds per instance count and phase, then every window. */
    String markdown() {
      StringBuilder md = new StringBuilder(String.format(Locale.ROOT,
          "%d to %d gateway instances (own JVMs, -Xmx256m) on one response topic of %d partitions, one reply"
              + " group; closed loop at c=%d spread round robin over the instances; %d s windows; %d s warm-up"
              + " after each join (twice that before the first round); %d round(s), medians; \"× 1 instance\" is"
              + " the median of the per-round ratios. Gateway CPU summed over the instances' processes; bench JVM"
              + " = broker + echo service + load generator."
              + " Forwards from each instance's /metrics, read before the load starts and after it drains.%n%n",
          1, maxInstances, PARTITIONS, CONCURRENCY, measure.toSeconds(), warmup.toSeconds(), rounds));
      md.append("| instances | phase | req/s | × 1 instance, same round | p50 ms | p99 ms | errors | gateway CPU,"
          + " cores (sum) | gateway CPU µs/req (sum) | bench JVM CPU, cores | forwards/s | forwarded, % of replies"
          + " read | answered via a forward |\n");
      md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (int n = 1; n <= maxInstances; n++) {
        for (String phase : List.of(JOINED, STEADY)) {
          List<Row> runs = runs(n, phase);
          if (runs.isEmpty()) {
            continue;
          }
          md.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %s |%n",
              n, phase, fmt(median(runs, r -> r.load().requestsPerSecond()), 0), fmt(median(runs, this::relative), 2),
              fmt(median(runs, r -> r.load().p50Millis()), 3), fmt(median(runs, r -> r.load().p99Millis()), 3),
              runs.stream().mapToLong(r -> r.load().errors()).sum(),
              fmt(median(runs, r -> r.load().targetCpuSeconds() / r.load().seconds()), 2),
              fmt(median(runs, r -> r.load().targetCpuMicrosPerRequest()), 1),
              fmt(median(runs, r -> r.load().benchCpuSeconds() / r.load().seconds()), 2),
              fmt(median(runs, Row::forwardsPerSecond), 1), fmt(median(runs, Row::forwardedPercent), 3),
              fmt(median(runs, Row::answeredViaForward), 0)));
        }
      }
      md.append("\n| round | instances | phase | answered | req/s | p99 ms | gateway CPU s | bench JVM CPU s | forwarded"
          + " | replies read |\n");
      md.append("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row r : rows) {
        md.append(String.format(Locale.ROOT, "| %d | %d | %s | %d | %s | %s | %s | %s | %d | %d |%n", r.round(),
            r.instances(), r.phase(), r.load().answered(), fmt(r.load().requestsPerSecond(), 0),
            fmt(r.load().p99Millis(), 3), fmt(r.load().targetCpuSeconds(), 2), fmt(r.load().benchCpuSeconds(), 2),
            r.forwarded(), r.repliesRead()));
      }
      return md.toString();
    }

    /**
     * A row's throughput over that of one instance in the same round: rounds minutes apart drift on a shared
     * machine, the runs of one round much less.
     */
    double relative(Row row) {
      return rows.stream().filter(r -> r.round() == row.round() && r.instances() == 1 && r.phase().equals(STEADY))
          .mapToDouble(r -> row.load().requestsPerSecond() / r.load().requestsPerSecond()).findFirst().orElse(Double.NaN);
    }

    List<Row> runs(int instances, String phase) {
      return rows.stream().filter(r -> r.instances() == instances && r.phase().equals(phase)).toList();
    }

    private static double median(List<Row> runs, ToDoubleFunction<Row> metric) {
      return ResultTable.median(runs.stream().mapToDouble(metric).toArray());
    }
  }

  /** A running gateway instance and its management endpoints. */
  private record Instance(ChildProcess process, GatewayProbe probe) implements AutoCloseable {
    @Override
    public void close() {
      process.close();
    }
  }

  /** Totals of the forwarding counters over all instances at one moment. */
  private record Counters(long at, long forwarded, long repliesRead, long answeredViaForward) {
    static Counters read(List<Instance> instances) {
      long forwarded = 0;
      long read = 0;
      long viaForward = 0;
      for (Instance instance : instances) {
        String metrics = instance.probe().metrics();
        forwarded += (long) GatewayProbe.sum(metrics, "courier_forwards_total", "result=\"sent\"");
        read += (long) GatewayProbe.sum(metrics, "courier_replies_total", "source=\"response-topic\"");
        viaForward += (long) GatewayProbe.sum(metrics, "courier_replies_total", "source=\"forward-topic\"",
            "outcome=\"matched\"");
      }
      return new Counters(System.nanoTime(), forwarded, read, viaForward);
    }
  }

  private final String bootstrap;
  private final String requestTopic;
  private final Vertx clients;
  private final BenchOptions options;
  private final Path logs;
  private final PrintStream out;
  private final List<Instance> running = new ArrayList<>();
  private final List<Row> rows = new ArrayList<>();

  private InstancesScenario(String bootstrap, String requestTopic, Vertx clients, BenchOptions options, Path logs,
      PrintStream out) {
    this.bootstrap = bootstrap;
    this.requestTopic = requestTopic;
    this.clients = clients;
    this.options = options;
    this.logs = logs;
    this.out = out;
  }

  /** The response topic and the two topics every gateway on it needs, which the gateway never creates. */
  static void createTopics(EmbeddedKafka kafka) {
    kafka.createTopic(RESPONSES, PARTITIONS);
    kafka.createTopic(RESPONSES + ".forwards", 1);
    kafka.createTopic(RESPONSES + ".results", 1, Map.of("cleanup.policy", "compact,delete", "retention.ms", "3600000"));
  }

  /**
   * Runs the scenario against the echo service on {@code requestTopic}; stops every gateway it started before
   * it returns. The topics must exist ({@link #createTopics}).
   *
   * @param maxInstances the most instances measured at once, at least 1
   */
  static Result run(String bootstrap, String requestTopic, Vertx clients, BenchOptions options, int maxInstances,
      Path logs, PrintStream out) {
    InstancesScenario scenario = new InstancesScenario(bootstrap, requestTopic, clients, options, logs, out);
    try (LoadRunner load = new LoadRunner(Payload.json256())) {
      scenario.rounds(load, maxInstances);
    } finally {
      scenario.running.forEach(Instance::close);
    }
    return new Result(maxInstances, options.rounds(), options.warmup(), options.measure(), List.copyOf(scenario.rows));
  }

  private void rounds(LoadRunner load, int maxInstances) {
    join(1, 1);
    awaitPartitionsSpread();
    // Twice the usual warm-up: with --only instances the broker, the echo service and the generator start cold too.
    Duration firstWarmup = options.warmup().multipliedBy(2);
    out.printf("courier bench: instances: warming up one gateway for %ss%n", firstWarmup.toSeconds());
    unrecorded(load, firstWarmup);
    for (int round = 1; round <= options.rounds(); round++) {
      for (int n = 1; n <= maxInstances; n++) {
        if (n > 1) {
          join(round, n);
          measure(load, round, JOINED, Duration.ZERO);
          awaitPartitionsSpread();
          unrecorded(load, options.warmup()); // the new JVM's JIT, not counted against any row
        }
        measure(load, round, STEADY, options.settle());
      }
      while (running.size() > 1) {
        running.remove(running.size() - 1).close();
      }
      awaitPartitionsSpread();
    }
  }

  /** Starts instance {@code n} and waits until every instance answers {@code /ready} with 200. */
  private void join(int round, int n) {
    String id = "bench-r" + round + "-i" + n; // a new id per start: a restart under an old id waits for its session
    ChildProcess process = ChildProcess.start("courier-instance-" + n, Bench.jvm(JVM),
        Bench.main(GatewayMain.class, bootstrap, requestTopic, RESPONSES, "10s", "20000", id), logs, START_TIMEOUT);
    running.add(new Instance(process, new GatewayProbe(process.port())));
    awaitAll("every instance ready", () -> running.stream().allMatch(i -> i.probe().ready()));
  }

  /** Waits until each instance owns at least one partition and together they own each once. */
  private void awaitPartitionsSpread() {
    awaitAll("the " + PARTITIONS + " partitions spread over " + running.size() + " instances", () -> {
      Set<Integer> owned = new HashSet<>();
      int total = 0;
      for (Instance instance : running) {
        List<Integer> partitions = instance.probe().ownedPartitions();
        if (partitions.isEmpty()) {
          return false;
        }
        owned.addAll(partitions);
        total += partitions.size();
      }
      return owned.size() == PARTITIONS && total == PARTITIONS;
    });
  }

  private void awaitAll(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("instances scenario: not " + what + " after " + SETTLE_TIMEOUT.toSeconds() + " s");
      }
      LoadRunner.sleep(Duration.ofMillis(50));
    }
  }

  private void measure(LoadRunner load, int round, String phase, Duration settle) {
    List<Instance> now = List.copyOf(running);
    Counters before = Counters.read(now);
    Measurement m;
    try (SpreadRoundTrip spread = spread(now)) {
      m = load.closedLoop("courier x" + now.size(), spread, CONCURRENCY, settle, options.measure(), () -> cpuSeconds(now));
    }
    Counters after = Counters.read(now);
    Row row = new Row(round, now.size(), phase, m, (after.at() - before.at()) / 1e9, after.forwarded() - before.forwarded(),
        after.repliesRead() - before.repliesRead(), after.answeredViaForward() - before.answeredViaForward());
    rows.add(row);
    out.printf(Locale.ROOT, "  round %d  %d instance(s) %-11s %8.0f req/s  p99 %7.3f ms  errors %d  forwarded %d of %d"
            + " replies%n", round, row.instances(), phase, m.requestsPerSecond(), m.p99Millis(), m.errors(),
        row.forwarded(), row.repliesRead());
  }

  private void unrecorded(LoadRunner load, Duration duration) {
    List<Instance> now = List.copyOf(running);
    try (SpreadRoundTrip spread = spread(now)) {
      load.closedLoop("warm-up", spread, CONCURRENCY, Duration.ZERO, duration, () -> Double.NaN);
    }
  }

  private SpreadRoundTrip spread(List<Instance> instances) {
    return new SpreadRoundTrip(
        instances.stream().map(i -> new HttpRoundTrip(clients, i.process().port(), CONCURRENCY)).toList());
  }

  private static double cpuSeconds(List<Instance> instances) {
    return instances.stream().mapToDouble(i -> i.process().cpuSeconds()).sum();
  }
}
