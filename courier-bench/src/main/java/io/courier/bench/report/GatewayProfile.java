package io.courier.bench.report;

import io.courier.bench.process.GatewayProbe;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the gateway's own metrics say about each run, as the difference of two reads of its Prometheus endpoint
 * (before and after the run): the bytes its JVM's threads allocated (a gauge of {@code
 * ThreadMXBean.getTotalThreadAllocatedBytes} the bench's {@code GatewayMain} adds) and its GC pauses (Micrometer's
 * {@code JvmGcMetrics}), and where the gateway's share of a request's latency goes: its stage
 * histograms ({@code courier_request_stages_seconds_bucket{route,stage,le}}, docs/operations.md)
 * for one route, read from its Prometheus endpoint before and after. The stages follow each other: {@code
 * produce} (route matched → Kafka acknowledged the request), {@code service} (→ the reply read), {@code answer}
 * (→ the response handed to the connection). A quantile is the upper bound of the histogram bucket it falls in
 * (Micrometer's percentile buckets, about 15 per power of ten), so it is coarse but taken inside the gateway,
 * without the load generator's own pauses.
 *
 * <p>Not thread-safe: the bench's main thread only.
 */
public final class GatewayProfile {
  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final String BUCKET = "courier_request_stages_seconds_bucket{";
  /** The gateway JVM's threads' allocation so far, a gauge the bench's GatewayMain adds (Micrometer's own counts at GCs only). */
  private static final String ALLOCATED = "bench_jvm_allocated_bytes";
  private static final String PAUSE_COUNT = "jvm_gc_pause_seconds_count";
  private static final String PAUSE_SUM = "jvm_gc_pause_seconds_sum";
  private static final List<String> STAGES = List.of("produce", "service", "answer");
  private static final double[] QUANTILES = {0.5, 0.99, 0.999};

  /**
   * One read: cumulative stage bucket counts (stage → upper bound in seconds, {@code +Inf} as infinity → count),
   * bytes allocated, GC pauses and their total seconds, all since the JVM started.
   */
  public record Snapshot(
      Map<String, NavigableMap<Double, Double>> buckets, double allocatedBytes, double gcPauses, double gcPauseSeconds) {
    static final Snapshot NONE = new Snapshot(Map.of(), 0, 0, 0);
  }

  /** mode → stage → per round {p50, p99, p99.9} in ms, and the count. */
  private final Map<String, Map<String, List<double[]>>> runs = new LinkedHashMap<>();
  /** mode → per round {KB allocated per request, GC pauses per 1 000 requests, GC pause ms per second of run}. */
  private final Map<String, List<double[]>> memory = new LinkedHashMap<>();

  /**
   * Reads the stage buckets of {@code route} (the route's metric name, e.g. {@code echo.POST /echo}), the
   * allocation and the GC pauses from the gateway's {@code /metrics}; an empty snapshot if it does not answer.
   */
  public static Snapshot scrape(GatewayProbe gateway, String route) {
    try {
      return parse(gateway.metrics(), route);
    } catch (UncheckedIOException e) {
      return Snapshot.NONE;
    }
  }

  /** The stage buckets of {@code route} in a Prometheus text exposition. */
  static Snapshot parse(String exposition, String route) {
    Map<String, NavigableMap<Double, Double>> buckets = new HashMap<>();
    for (String line : exposition.split("\n")) {
      if (!line.startsWith(BUCKET)) {
        continue;
      }
      int close = line.lastIndexOf('}');
      Map<String, String> labels = new HashMap<>();
      Matcher matcher = LABEL.matcher(line.substring(BUCKET.length(), close));
      while (matcher.find()) {
        labels.put(matcher.group(1), matcher.group(2));
      }
      if (!route.equals(labels.get("route")) || labels.get("stage") == null || labels.get("le") == null) {
        continue;
      }
      double le = labels.get("le").equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(labels.get("le"));
      buckets.computeIfAbsent(labels.get("stage"), stage -> new TreeMap<>()).put(le, value(line));
    }
    return new Snapshot(buckets, GatewayProbe.sum(exposition, ALLOCATED), GatewayProbe.sum(exposition, PAUSE_COUNT),
        GatewayProbe.sum(exposition, PAUSE_SUM));
  }

  /** The sample's value: the first field after the labels (a timestamp may follow). */
  private static double value(String line) {
    int close = line.lastIndexOf('}');
    String afterName = close >= 0 ? line.substring(close + 1) : line.substring(line.indexOf(' ') + 1);
    return Double.parseDouble(afterName.trim().split(" ")[0]);
  }

  /**
   * Records one run: the requests whose stages ended between the two snapshots, and the allocation and GC
   * pauses of the {@code seconds} between them, per request produced in that time.
   */
  public void add(String mode, Snapshot before, Snapshot after, double seconds) {
    if (before == Snapshot.NONE || after == Snapshot.NONE) {
      return; // a read failed: the difference would span everything since the JVM started
    }
    double requests = count(after, "produce") - count(before, "produce");
    if (requests > 0 && after.allocatedBytes() > 0) {
      memory.computeIfAbsent(mode, m -> new ArrayList<>()).add(new double[] {
          (after.allocatedBytes() - before.allocatedBytes()) / 1024 / requests,
          (after.gcPauses() - before.gcPauses()) * 1000 / requests,
          (after.gcPauseSeconds() - before.gcPauseSeconds()) * 1000 / seconds});
    }
    Map<String, List<double[]>> byStage = runs.computeIfAbsent(mode, m -> new LinkedHashMap<>());
    for (String stage : STAGES) {
      NavigableMap<Double, Double> end = after.buckets().get(stage);
      if (end == null) {
        continue;
      }
      NavigableMap<Double, Double> start = before.buckets().getOrDefault(stage, new TreeMap<>());
      NavigableMap<Double, Double> run = new TreeMap<>();
      end.forEach((le, count) -> run.put(le, count - start.getOrDefault(le, 0.0)));
      double total = run.lastEntry().getValue();
      if (total <= 0) {
        continue;
      }
      double[] row = new double[QUANTILES.length + 1];
      for (int i = 0; i < QUANTILES.length; i++) {
        row[i] = quantileMillis(run, QUANTILES[i] * total);
      }
      row[QUANTILES.length] = total;
      byStage.computeIfAbsent(stage, s -> new ArrayList<>()).add(row);
    }
  }

  private static double count(Snapshot snapshot, String stage) {
    NavigableMap<Double, Double> buckets = snapshot.buckets().get(stage);
    return buckets == null || buckets.isEmpty() ? 0 : buckets.lastEntry().getValue();
  }

  /** The upper bound, in ms, of the first bucket holding at least {@code rank} requests. */
  static double quantileMillis(NavigableMap<Double, Double> cumulative, double rank) {
    for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
      if (bucket.getValue() >= rank) {
        return bucket.getKey() * 1000;
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  /** Whether no run added a row (a gateway without stage metrics, or no courier runs). */
  public boolean isEmpty() {
    return runs.values().stream().allMatch(Map::isEmpty);
  }

  /** One row per mode: medians over rounds of allocation per request and GC pauses. */
  public String memoryMarkdown() {
    StringBuilder md = new StringBuilder(
        "| mode | KB allocated per request | GC pauses per 1 000 requests | GC pause ms per second |\n|---|---:|---:|---:|\n");
    memory.forEach((mode, rows) -> md.append(String.format(Locale.ROOT, "| %s | %.1f | %.2f | %.1f |%n", mode,
        median(rows, 0), median(rows, 1), median(rows, 2))));
    return md.toString();
  }

  /** One row per mode and stage: medians over rounds of each quantile (bucket upper bounds, ms). */
  public String markdown() {
    StringBuilder md = new StringBuilder("| mode | stage | requests | p50 ≤ ms | p99 ≤ ms | p99.9 ≤ ms |\n|---|---|---:|---:|---:|---:|\n");
    runs.forEach((mode, byStage) -> byStage.forEach((stage, rows) -> md.append(String.format(Locale.ROOT,
        "| %s | %s | %.0f | %s | %s | %s |%n", mode, stage, median(rows, 3), ms(median(rows, 0)), ms(median(rows, 1)),
        ms(median(rows, 2))))));
    return md.toString();
  }

  private static double median(List<double[]> rows, int column) {
    return ResultTable.median(rows.stream().mapToDouble(row -> row[column]).toArray());
  }

  private static String ms(double millis) {
    return Double.isInfinite(millis) ? "> max" : millis < 1 ? String.format(Locale.ROOT, "%.3f", millis) : String.format(Locale.ROOT, "%.1f", millis);
  }
}
