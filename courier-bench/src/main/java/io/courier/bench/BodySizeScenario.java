package io.courier.bench;

import static io.courier.bench.report.ResultTable.COURIER;
import static io.courier.bench.report.ResultTable.fmt;

import io.courier.bench.load.LoadRunner;
import io.courier.bench.load.Measurement;
import io.courier.bench.load.RoundTrip;
import io.courier.bench.report.ResultTable;
import io.courier.bench.targets.Target;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * Issue 14, body size: how a target's cost grows with the request body. Each target (the Courier gateway of
 * the main runs, and beside it the Spring peer and the HTTP floor) is driven in a closed loop at {@value
 * #CONCURRENCY} with JSON bodies of {@link #SIZES} bytes, {@code POST /echo}; the echo service sends each body
 * back, so every byte crosses the target twice (request in, reply out). Runs are interleaved size by size,
 * target by target, for {@link BenchOptions#rounds()} rounds, each with the run's settle period and window;
 * medians over rounds are reported. Not thread-safe: one run at a time.
 */
final class BodySizeScenario {
  /** 256 B (the main runs' body), 16 KiB (a couple of HTTP chunks), 512 KiB (half the producer's default limit). */
  static final List<Integer> SIZES = List.of(256, 16 * 1024, 512 * 1024);

  static final int CONCURRENCY = 16;

  private static final double MIB = 1024.0 * 1024.0;

  /** Every run, as {@link ResultTable} rows whose mode names the body size. */
  record Result(ResultTable table, List<String> targets) {
    /** Request-body MiB per second: answered requests × body size / window; replies carry as much again. */
    static double mibPerSecond(Measurement m, int size) {
      return m.requestsPerSecond() * size / MIB;
    }

    /** CPU milliseconds of the target's own process per MiB of request body answered (its echo included). */
    static double cpuMillisPerMib(Measurement m, int size) {
      return m.answered() > 0 ? m.targetCpuSeconds() * 1e3 / (m.answered() * size / MIB) : Double.NaN;
    }

    /** The section of the bench report: one row per size and target, then Courier against the others. */
    String markdown() {
      StringBuilder md = new StringBuilder();
      md.append(String.format(Locale.ROOT,
          "Closed loop at c=%d, `POST /echo` with a JSON body of each size, echoed back by the service; median over"
              + " rounds. MiB/s counts request bodies (the replies carry as much again); CPU is the target's own"
              + " process.%n%n", CONCURRENCY));
      md.append("| body | target | req/s | p50 ms | p99 ms | errors (median) | MiB/s | target CPU µs/req | target CPU ms/MiB |\n");
      md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (int size : SIZES) {
        for (String target : targets) {
          String mode = mode(size);
          md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", label(size), target,
              fmt(table.median(target, mode, Measurement::requestsPerSecond), 0),
              fmt(table.median(target, mode, Measurement::p50Millis), 3),
              fmt(table.median(target, mode, Measurement::p99Millis), 3),
              fmt(table.median(target, mode, Measurement::errors), 0),
              fmt(table.median(target, mode, m -> mibPerSecond(m, size)), 1),
              fmt(table.median(target, mode, Measurement::targetCpuMicrosPerRequest), 0),
              fmt(table.median(target, mode, m -> cpuMillisPerMib(m, size)), 2)));
        }
      }
      md.append('\n');
      md.append("| body | Courier / | throughput × | p99 × | CPU per request × |\n|---:|---|---:|---:|---:|\n");
      for (int size : SIZES) {
        for (String other : targets) {
          if (!other.equals(COURIER)) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", label(size), other,
                fmt(table.ratio(mode(size), other, Measurement::requestsPerSecond), 2),
                fmt(table.ratio(mode(size), other, Measurement::p99Millis), 2),
                fmt(table.ratio(mode(size), other, Measurement::targetCpuMicrosPerRequest), 2)));
          }
        }
      }
      md.append('\n').append(table.errorNote());
      return md.toString();
    }
  }

  private BodySizeScenario() {}

  /**
   * Measures every target at every size; prints a line per run to {@code out}.
   *
   * @param targets HTTP targets that answer {@code POST /echo} with the body they were sent
   */
  static Result run(List<? extends Target> targets, BenchOptions options, PrintStream out) {
    ResultTable table = new ResultTable();
    for (int round = 1; round <= options.rounds(); round++) {
      for (int size : SIZES) {
        try (LoadRunner load = new LoadRunner(Payload.json(size))) {
          for (Target target : targets) {
            Measurement m;
            try (RoundTrip roundTrip = target.roundTrip(CONCURRENCY)) {
              m = load.closedLoop(target.name(), roundTrip, CONCURRENCY, options.settle(), options.measure(), target::cpuSeconds);
            }
            // The mode names the size, so each size's medians and ratios are taken among its own runs.
            m = m.withMode(mode(size));
            table.add(round, m);
            out.printf(Locale.ROOT, "  round %d  %-12s %-9s %8.0f req/s  %7.1f MiB/s  p99 %8.3f ms  CPU %6.2f ms/MiB  errors %d%n",
                round, m.target(), label(size), m.requestsPerSecond(), Result.mibPerSecond(m, size), m.p99Millis(),
                Result.cpuMillisPerMib(m, size), m.errors());
          }
        }
      }
    }
    return new Result(table, targets.stream().map(Target::name).toList());
  }

  static String mode(int size) {
    return "body " + label(size) + " c=" + CONCURRENCY;
  }

  /** 256 B, 16 KiB, 512 KiB. */
  static String label(int size) {
    return size % 1024 == 0 ? size / 1024 + " KiB" : size + " B";
  }
}
