package io.courier.bench;

import static io.courier.bench.report.ResultTable.COURIER;
import static io.courier.bench.report.ResultTable.HTTP_FLOOR;
import static io.courier.bench.report.ResultTable.KAFKA_FLOOR;
import static io.courier.bench.report.ResultTable.SPRING;
import static io.courier.bench.report.ResultTable.fmt;

import io.courier.bench.load.Measurement;
import io.courier.bench.report.ResultTable;
import io.courier.bench.report.GatewayProfile;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a bench run produced: the tables, the in-flight scenario's result, and the Markdown that was printed and
 * written to {@code file}.
 *
 * @param inFlight {@code null} when the scenario was skipped
 * @param instances {@code null} when the instances scenario was skipped
 */
public record BenchReport(ResultTable table, InFlightScenario.Result inFlight, InstancesScenario.Result instances,
    String markdown, Path file) {
  private static final String BODY_SIZES = "## Body size: cost against the request body (issue 14)\n\n";
  private static final String INSTANCES_HEADING = "## Instances: 1 to N gateways on one response topic\n\n";

  static String markdown(BenchOptions o, ResultTable table, GatewayProfile profile, InFlightScenario.Result inFlight,
      StreamScenario.Result streamed, BodySizeScenario.Result bodySizes, List<IdleCpu> idle,
      InstancesScenario.Result instances, List<String> notes, Duration took) {
    StringBuilder md = heading(took);
    md.append(String.format(Locale.ROOT,
        "Settings: body 256 B JSON, POST /echo; warm-up %d s per target; %d round(s), interleaved; per run %d ms"
            + " settle + %d ms window; closed loop at %s; open loop at %d req/s (64 connections, latency from the"
            + " due time); closed-loop generator for the HTTP echo targets: %s.%n%n",
        o.warmup().toSeconds(), o.rounds(), o.settle().toMillis(), o.measure().toMillis(), o.concurrencies(),
        o.openLoopRate(), o.generator().name().toLowerCase(Locale.ROOT)));
    jvms(md, o);
    notes.forEach(note -> md.append("Note: ").append(note).append("\n\n"));
    md.append("## Medians over rounds\n\n").append(table.medians()).append('\n');
    md.append("Target CPU = the target's own process (gateway, Spring app, HTTP echo); for the Kafka floor, its client's"
        + " threads in the bench JVM (the reply thread, which in a closed loop also sends the next request, and the"
        + " producer's sender thread; in the open loop the sends on the generator's thread are not counted)."
        + " Bench JVM CPU = broker + echo responder + load generator + the Kafka floor's client.\n\n");
    md.append("## Courier relative to the others (median of per-round ratios)\n\n").append(table.ratios()).append('\n');
    md.append(table.errorNote());
    if (!profile.isEmpty()) {
      md.append("## Inside the Courier gateway: allocation and GC pauses\n\n");
      md.append("Per run of the plain `courier` target (settle period included), from the gateway JVM's own metrics"
          + " (`bench_jvm_allocated_bytes`, the threads' allocation; `jvm_gc_pause_seconds`), per request produced; medians over rounds."
          + " A GC pause stops every gateway thread: pauses per second of run bound what the tail can be.\n\n");
      md.append(profile.memoryMarkdown()).append('\n');
      md.append("## Where Courier's time goes (the gateway's stage histograms)\n\n");
      md.append("Per run of the plain `courier` target, from the gateway's own `courier_request_stages_seconds` histograms"
          + " (route `POST /echo`), read from its /metrics before and after the run (settle period included); medians over"
          + " rounds. `produce`: route matched → Kafka acknowledged the request; `service`: → the reply read (broker,"
          + " echo service, the gateway's fetch); `answer`: → the response handed to the connection. Each figure is the"
          + " upper bound of the histogram bucket the quantile falls in.\n\n");
      md.append(profile.markdown()).append('\n');
    }
    md.append("## Issue 4 targets\n\n").append(targets(o, table, inFlight)).append('\n');
    md.append("## Issue 14 targets\n\n").append(tailAndCpuTargets(table, idle, inFlight)).append('\n');
    if (!idle.isEmpty()) {
      md.append("## Idle CPU\n\n");
      md.append(String.format(Locale.ROOT, "Each process watched for %d s after the load stopped, nobody calling it."
          + " Of that, the JVM's own threads (JIT compilers, GC, the `hsperfdata` sampler, the VM thread; from"
          + " `/proc/<pid>/task/*/stat`): what no change to the application removes; so soon after load, the JIT"
          + " compilers are often still at work.%n%n", o.idle().toSeconds()));
      md.append("| target | CPU, % of one core | of which the JVM's own threads |\n|---|---:|---:|\n");
      idle.forEach(i -> md.append("| ").append(i.target()).append(" | ").append(fmt(i.percentOfCore(), 2))
          .append(" | ").append(fmt(i.jvmPercentOfCore(), 2)).append(" |\n"));
      md.append('\n');
    }
    if (inFlight != null) {
      md.append("## In-flight scenario\n\n");
      md.append(String.format(Locale.ROOT,
          "%d requests at once, one connection each, to a service answering after %d ms; gateway JVM -Xmx%dm."
              + " Answered %d, errors %d, in %s s; latency p50 %s ms, max %s ms; gateway heap used (max of 100 ms"
              + " samples of jvm_memory_used_bytes{area=\"heap\"} on its /metrics) %s MB; gateway CPU %s s.%n%n",
          inFlight.sent(), o.slowServiceDelay().toMillis(), InFlightScenario.HEAP_CAP_MB, inFlight.answered(),
          inFlight.errors(), fmt(inFlight.seconds(), 1), fmt(inFlight.p50Millis(), 0), fmt(inFlight.maxMillis(), 0),
          fmt(inFlight.maxHeapMb(), 1), fmt(inFlight.gatewayCpuSeconds(), 2)));
    }
    if (instances != null) {
      md.append(INSTANCES_HEADING).append(instances.markdown()).append('\n');
    }
    if (streamed != null) {
      md.append("## Streamed replies beside request-reply\n\n");
      md.append(String.format(Locale.ROOT,
          "| %d items, one client, same gateway and service | items/s | per-item latency p50 | p99 |%n|---|---|---|---|%n"
              + "| one NDJSON stream (`GET /stream/%d`, median of %d streams) | %s | %s ms | %s ms |%n"
              + "| the same stream over a WebSocket (frames on `/ws`, median of %d streams) | %s | %s ms | %s ms |%n"
              + "| %d plain round trips, one after another (`POST /echo`) | %s | %s ms | %s ms |%n%n"
              + "Per-item latency of the stream: from the responder's `send` to the line's (frame's) arrival at the client.%n%n",
          streamed.items(), streamed.items(), streamed.streams(), fmt(streamed.itemsPerSecond(), 0),
          fmt(streamed.itemP50Millis(), 3), fmt(streamed.itemP99Millis(), 3), streamed.streams(),
          fmt(streamed.socket().itemsPerSecond(), 0), fmt(streamed.socket().itemP50Millis(), 3),
          fmt(streamed.socket().itemP99Millis(), 3), streamed.items(),
          fmt(streamed.repliesPerSecond(), 0), fmt(streamed.replyP50Millis(), 3), fmt(streamed.replyP99Millis(), 3)));
    }
    md.append(BODY_SIZES).append(bodySizes.markdown());
    md.append("## Every round\n\n").append(table.raw());
    md.append("\n### The body-size scenario's\n\n").append(bodySizes.table().raw());
    return md.toString();
  }

  /** The report of {@code courier bench --only body-sizes}: the machine, the run's settings, that one section. */
  static String bodySizesOnly(BenchOptions o, BodySizeScenario.Result bodySizes, List<String> notes, Duration took) {
    StringBuilder md = heading(took);
    md.append(String.format(Locale.ROOT, "Settings: body-size scenario only; %d round(s), interleaved; per run %d ms"
        + " settle + %d ms window.%n%n", o.rounds(), o.settle().toMillis(), o.measure().toMillis()));
    jvms(md, o);
    notes.forEach(note -> md.append("Note: ").append(note).append("\n\n"));
    md.append(BODY_SIZES).append(bodySizes.markdown());
    md.append("## Every round\n\n").append(bodySizes.table().raw());
    return md.toString();
  }

  /** The report of {@code courier bench --only instances}. */
  static String instancesOnly(InstancesScenario.Result instances, Duration took) {
    return heading(took).append(INSTANCES_HEADING).append(instances.markdown()).toString();
  }

  /** Each process's JVM flags, and the collector of the bench's own JVM, which the user's command line chose. */
  private static void jvms(StringBuilder md, BenchOptions o) {
    md.append("JVMs: the `courier` target's gateway `").append(String.join(" ", Bench.withOptions(Bench.GATEWAY_JVM, o.gatewayJvmOptions())))
        .append("`; Courier's other gateways and the HTTP floor `").append(String.join(" ", Bench.GATEWAY_JVM))
        .append("` (the in-flight and instances gateways with smaller heaps); the Spring peer `")
        .append(String.join(" ", Bench.withOptions(Bench.PEER_JVM, o.peerJvmOptions())))
        .append("`; this JVM (broker, echo service, load generator, Kafka floor): ")
        .append(ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName)
            .collect(Collectors.joining(", ")))
        .append(".\n\n");
  }

  private static StringBuilder heading(Duration took) {
    StringBuilder md = new StringBuilder("# courier bench results\n\n");
    md.append(String.format(Locale.ROOT,
        "Machine: %d cores, %s GiB memory, %s %s (%s), %s. Run took %d s.%n%n",
        Runtime.getRuntime().availableProcessors(), fmt(totalMemoryGib(), 1), System.getProperty("java.vm.name"),
        System.getProperty("java.version"), System.getProperty("java.vendor"), System.getProperty("os.name"),
        took.toSeconds()));
    return md;
  }

  private static String targets(BenchOptions o, ResultTable t, InFlightScenario.Result inFlight) {
    StringBuilder md = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
    String c64 = "closed c=64";
    String c1 = "closed c=1";
    double vsSpring = t.ratio(c64, SPRING, Measurement::requestsPerSecond);
    row(md, "c=64 throughput ≥ 4× Spring peer", fmt(vsSpring, 2) + "×", vsSpring >= 4);
    double vsFloor = t.ratio(c64, KAFKA_FLOOR, Measurement::requestsPerSecond);
    row(md, "c=64 throughput ≥ 60 % of Kafka floor", fmt(vsFloor * 100, 0) + " %", vsFloor >= 0.6);
    double p99 = t.ratio(c64, KAFKA_FLOOR, Measurement::p99Millis);
    row(md, "c=64 p99 ≤ 2× Kafka floor p99", fmt(p99, 2) + "×", p99 <= 2);
    double p50 = t.difference(c1, KAFKA_FLOOR, Measurement::p50Millis);
    row(md, "c=1 p50 ≤ Kafka floor p50 + 0.3 ms", "+" + fmt(p50, 3) + " ms", p50 <= 0.3);
    if (inFlight != null) {
      boolean all = inFlight.answered() == inFlight.sent();
      row(md, inFlight.sent() + " in flight to a slow service: all answered, heap < 256 MB",
          inFlight.answered() + "/" + inFlight.sent() + " answered, heap max " + fmt(inFlight.maxHeapMb(), 1) + " MB",
          all && inFlight.maxHeapMb() < 256);
    }
    md.append("| gateway CPU per request (c=64) | ")
        .append(fmt(t.median(COURIER, c64, Measurement::targetCpuMicrosPerRequest), 1))
        .append(" µs | reported |\n");
    return md.toString();
  }

  /** Issue 14: a tail no worse than the Spring peer's, a fraction of its CPU, and little burnt when idle. */
  private static String tailAndCpuTargets(ResultTable t, List<IdleCpu> idle, InFlightScenario.Result inFlight) {
    StringBuilder md = new StringBuilder("| target | measured | met |\n|---|---|---|\n");
    for (String mode : List.of("closed c=16", "closed c=64")) {
      double p99 = t.ratio(mode, SPRING, Measurement::p99Millis);
      row(md, mode + " p99 ≤ Spring peer's", fmt(p99, 2) + "×", p99 <= 1);
      double p999 = t.ratio(mode, SPRING, Measurement::p999Millis);
      row(md, mode + " p99.9 ≤ Spring peer's", fmt(p999, 2) + "×", p999 <= 1);
    }
    String c64 = "closed c=64";
    double p99Floor = t.ratio(c64, KAFKA_FLOOR, Measurement::p99Millis);
    row(md, "c=64 p99 ≤ 2× Kafka floor's", fmt(p99Floor, 2) + "×", p99Floor <= 2);
    double cpu = t.ratio(c64, SPRING, Measurement::targetCpuMicrosPerRequest);
    row(md, "c=64 gateway CPU per request ≤ 0.3× Spring peer's", fmt(cpu, 2) + "×", cpu <= 0.3);
    double c1Cpu = t.median(COURIER, "closed c=1", Measurement::targetCpuMicrosPerRequest);
    row(md, "c=1 gateway CPU per request ≤ 100 µs", fmt(c1Cpu, 0) + " µs", c1Cpu <= 100);
    // What the floors themselves cost: no gateway on Kafka's Java clients and an HTTP server can cost less.
    for (String mode : List.of("closed c=1", c64)) {
      double kafka = t.median(KAFKA_FLOOR, mode, Measurement::targetCpuMicrosPerRequest);
      double http = t.median(HTTP_FLOOR, mode, Measurement::targetCpuMicrosPerRequest);
      reference(md, mode.substring("closed ".length()) + ": CPU per request of the Kafka floor's client + the HTTP floor",
          fmt(kafka, 0) + " + " + fmt(http, 0) + " = " + fmt(kafka + http, 0) + " µs");
    }
    double throughput = t.ratio(c64, SPRING, Measurement::requestsPerSecond);
    row(md, "c=64 throughput ≥ 1.7× Spring peer's", fmt(throughput, 2) + "×", throughput >= 1.7);
    IdleCpu idleCourier = idle.stream().filter(i -> i.target().equals(COURIER)).findFirst()
        .orElse(new IdleCpu(COURIER, Double.NaN, Double.NaN));
    row(md, "idle gateway ≤ 0.5 % of a core", fmt(idleCourier.percentOfCore(), 2) + " % (of it the JVM's own threads "
        + fmt(idleCourier.jvmPercentOfCore(), 2) + " %)", idleCourier.percentOfCore() <= 0.5);
    if (inFlight != null) {
      boolean all = inFlight.answered() == inFlight.sent() && inFlight.errors() == 0;
      row(md, inFlight.sent() + " in flight within " + InFlightScenario.HEAP_CAP_MB + " MB of heap (-Xmx"
              + InFlightScenario.HEAP_CAP_MB + "m): all answered",
          inFlight.answered() + "/" + inFlight.sent() + " answered, heap max " + fmt(inFlight.maxHeapMb(), 1) + " MB", all);
    }
    return md.toString();
  }

  /** A figure beside the targets that says what they can be measured against; no target of its own. */
  private static void reference(StringBuilder md, String what, String measured) {
    md.append("| ").append(what).append(" | ").append(measured).append(" | (reference) |\n");
  }

  private static void row(StringBuilder md, String target, String measured, boolean met) {
    md.append("| ").append(target).append(" | ").append(measured).append(" | ")
        .append(measured.contains("n/a") ? "not measured" : met ? "yes" : "**no**").append(" |\n");
  }

  private static double totalMemoryGib() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize() / (1024.0 * 1024 * 1024);
    }
    return Double.NaN;
  }
}
