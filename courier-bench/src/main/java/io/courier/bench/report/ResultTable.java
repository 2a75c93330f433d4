package io.courier.bench.report;

import io.courier.bench.load.Measurement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The measurements of one bench invocation, as Markdown tables: medians over rounds per target and mode,
 * Courier's ratios to the peer and the floors (median of the per-round ratios, so each ratio compares runs
 * made side by side), and every round's raw figures. Not thread-safe.
 */
public final class ResultTable {
  public static final String COURIER = "courier";
  public static final String SPRING = "spring-peer";
  public static final String HTTP_FLOOR = "http-floor";
  public static final String KAFKA_FLOOR = "kafka-floor";
  /** Courier, each request with a new {@code Idempotency-Key}: the cost of the claim. */
  public static final String COURIER_IDEMPOTENT = "courier-idempotent";
  /** Courier answering {@code GET /results/{id}} of a result that is there. */
  public static final String COURIER_RESULT_GET = "courier-result-get";

  private record Entry(int round, Measurement measurement) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Set<String> targets = new LinkedHashSet<>();
  private final Set<String> modes = new LinkedHashSet<>();

  public void add(int round, Measurement measurement) {
    entries.add(new Entry(round, measurement));
    targets.add(measurement.target());
    modes.add(measurement.mode());
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** One line per target and mode: the medians over rounds. */
  public String medians() {
    StringBuilder out = new StringBuilder();
    out.append("| target | mode | generator | req/s | p50 ms | p99 ms | p99.9 ms | errors | target CPU s | bench JVM CPU s | target CPU µs/req |\n");
    out.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (String mode : modes) {
      for (String target : targets) {
        List<Measurement> runs = runs(target, mode);
        if (runs.isEmpty()) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %d | %s | %s | %s |%n",
            target, mode, runs.get(0).generator(),
            fmt(median(runs, Measurement::requestsPerSecond), 0),
            fmt(median(runs, Measurement::p50Millis), 3),
            fmt(median(runs, Measurement::p99Millis), 3),
            fmt(median(runs, Measurement::p999Millis), 3),
            runs.stream().mapToLong(Measurement::errors).sum(),
            fmt(median(runs, Measurement::targetCpuSeconds), 2),
            fmt(median(runs, Measurement::benchCpuSeconds), 2),
            fmt(median(runs, Measurement::targetCpuMicrosPerRequest), 1)));
      }
    }
    return out.toString();
  }

  /** Courier against each other target, per mode: throughput and latency ratios. */
  public String ratios() {
    StringBuilder out = new StringBuilder();
    out.append("| mode | Courier / | throughput × | p50 × | p99 × | p99.9 × |\n");
    out.append("|---|---|---:|---:|---:|---:|\n");
    for (String mode : modes) {
      for (String other : targets) {
        if (other.equals(COURIER) || runs(COURIER, mode).isEmpty() || runs(other, mode).isEmpty()) {
          continue;
        }
        out.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s |%n", mode, other,
            fmt(ratio(mode, other, Measurement::requestsPerSecond), 2),
            fmt(ratio(mode, other, Measurement::p50Millis), 2),
            fmt(ratio(mode, other, Measurement::p99Millis), 2),
            fmt(ratio(mode, other, Measurement::p999Millis), 2)));
      }
    }
    return out.toString();
  }

  /** Median over rounds of Courier's {@code metric} divided by {@code other}'s in the same round. */
  public double ratio(String mode, String other, ToDoubleFunction<Measurement> metric) {
    return medianOverRounds(mode, other, (c, o) -> metric.applyAsDouble(c) / metric.applyAsDouble(o));
  }

  /** Median over rounds of Courier's {@code metric} minus {@code other}'s in the same round. */
  public double difference(String mode, String other, ToDoubleFunction<Measurement> metric) {
    return medianOverRounds(mode, other, (c, o) -> metric.applyAsDouble(c) - metric.applyAsDouble(o));
  }

  /** Median over rounds of one target's metric. */
  public double median(String target, String mode, ToDoubleFunction<Measurement> metric) {
    return median(runs(target, mode), metric);
  }

  /**
   * A paragraph naming every target and mode with errors in some round, or {@code ""} when there were none. A
   * run with errors may not measure its target (one that stopped answering shows as 0 req/s and its callers'
   * timeouts; a ratio to 0 req/s is left out of the median, which then rests on fewer rounds); the tables alone
   * do not say so.
   */
  public String errorNote() {
    List<String> lines = new ArrayList<>();
    for (String target : targets) {
      for (String mode : modes) {
        List<Measurement> runs = runs(target, mode);
        long failedRounds = runs.stream().filter(m -> m.errors() > 0).count();
        if (failedRounds > 0) {
          lines.add(String.format(Locale.ROOT, "- %s, %s: errors in %d of %d round(s), %d in all", target, mode,
              failedRounds, runs.size(), runs.stream().mapToLong(Measurement::errors).sum()));
        }
      }
    }
    if (lines.isEmpty()) {
      return "";
    }
    return "**Runs with errors.** These runs may not measure their target: one that stopped answering shows as 0"
        + " req/s and its callers' timeouts, and a ratio to 0 req/s is left out of its median, which then rests on"
        + " fewer rounds. The targets' own logs are in `logs/` beside this file.\n\n"
        + String.join("\n", lines) + "\n\n";
  }

  /** Every round's figures, for judging the noise. */
  public String raw() {
    StringBuilder out = new StringBuilder();
    out.append("| round | target | mode | generator | answered | errors | req/s | p50 ms | p99 ms | p99.9 ms | target CPU s | bench CPU s |\n");
    out.append("|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Entry e : entries) {
      Measurement m = e.measurement();
      out.append(String.format(Locale.ROOT, "| %d | %s | %s | %s | %d | %d | %s | %s | %s | %s | %s | %s |%n",
          e.round(), m.target(), m.mode(), m.generator(), m.answered(), m.errors(), fmt(m.requestsPerSecond(), 0),
          fmt(m.p50Millis(), 3), fmt(m.p99Millis(), 3), fmt(m.p999Millis(), 3),
          fmt(m.targetCpuSeconds(), 2), fmt(m.benchCpuSeconds(), 2)));
    }
    return out.toString();
  }

  public long totalAnswered() {
    return entries.stream().mapToLong(e -> e.measurement().answered()).sum();
  }

  private interface Pair {
    double apply(Measurement courier, Measurement other);
  }

  private double medianOverRounds(String mode, String other, Pair pair) {
    List<Double> values = new ArrayList<>();
    for (Entry e : entries) {
      if (!e.measurement().target().equals(COURIER) || !e.measurement().mode().equals(mode)) {
        continue;
      }
      find(e.round(), other, mode).ifPresent(o -> values.add(pair.apply(e.measurement(), o)));
    }
    return median(values.stream().mapToDouble(Double::doubleValue).toArray());
  }

  private Optional<Measurement> find(int round, String target, String mode) {
    return entries.stream()
        .filter(e -> e.round() == round)
        .map(Entry::measurement)
        .filter(m -> m.target().equals(target) && m.mode().equals(mode))
        .findFirst();
  }

  private List<Measurement> runs(String target, String mode) {
    return entries.stream()
        .map(Entry::measurement)
        .filter(m -> m.target().equals(target) && m.mode().equals(mode))
        .toList();
  }

  private static double median(List<Measurement> runs, ToDoubleFunction<Measurement> metric) {
    return median(runs.stream().mapToDouble(metric).toArray());
  }

  /** The median of the finite values; {@code NaN} if there are none. */
  public static double median(double[] values) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).sorted().toArray();
    if (finite.length == 0) {
      return Double.NaN;
    }
    int mid = finite.length / 2;
    return finite.length % 2 == 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
  }

  public static String fmt(double value, int decimals) {
    return Double.isFinite(value) ? String.format(Locale.ROOT, "%." + decimals + "f", value) : "n/a";
  }

  @Override
  public String toString() {
    return Objects.toString(entries);
  }
}
