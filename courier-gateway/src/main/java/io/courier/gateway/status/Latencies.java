package io.courier.gateway.status;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import java.util.Collection;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Requests of a route answered up to some moment, from its {@code courier.requests} timers (one per status,
 * merged): how many, and how many took at most each bucket bound of the percentile histogram. Two of them
 * taken a few seconds apart give the rate and the latency percentiles in between. Immutable.
 *
 * @param count requests answered, including those slower than the largest bound
 * @param atOrBelow cumulative counts by bucket bound, in seconds
 */
record Latencies(long count, NavigableMap<Double, Long> atOrBelow) {
  static final Latencies NONE = new Latencies(0, new TreeMap<>());

  /** The sum of these timers' counts and cumulative histogram buckets, read now. */
  static Latencies of(Collection<Timer> timers) {
    long count = 0;
    NavigableMap<Double, Long> buckets = new TreeMap<>();
    for (Timer timer : timers) {
      HistogramSnapshot snapshot = timer.takeSnapshot();
      count += snapshot.count();
      for (CountAtBucket bucket : snapshot.histogramCounts()) {
        buckets.merge(bucket.bucket(TimeUnit.SECONDS), (long) bucket.count(), Long::sum);
      }
    }
    return new Latencies(count, buckets);
  }

  /**
   * The requests answered after {@code earlier} was read. A count that went down (a meter made again)
   * counts from zero.
   */
  Latencies since(Latencies earlier) {
    NavigableMap<Double, Long> buckets = new TreeMap<>();
    for (Map.Entry<Double, Long> bucket : atOrBelow.entrySet()) {
      buckets.put(bucket.getKey(), minus(bucket.getValue(), earlier.atOrBelow.getOrDefault(bucket.getKey(), 0L)));
    }
    return new Latencies(minus(count, earlier.count), buckets);
  }

  private static long minus(long now, long before) {
    return now >= before ? now - before : now;
  }

  /**
   * The {@code q}-quantile in seconds, interpolated linearly inside its bucket as Prometheus's {@code
   * histogram_quantile} does; the largest bound when it lies beyond it; {@code null} without requests.
   */
  Double quantile(double q) {
    if (count == 0) {
      return null;
    }
    double rank = q * count;
    double lowerBound = 0;
    long below = 0;
    for (Map.Entry<Double, Long> bucket : atOrBelow.entrySet()) {
      long atOrBelowBound = bucket.getValue();
      if (atOrBelowBound >= rank && atOrBelowBound > below) {
        return lowerBound + (bucket.getKey() - lowerBound) * (rank - below) / (atOrBelowBound - below);
      }
      lowerBound = bucket.getKey();
      below = atOrBelowBound;
    }
    return atOrBelow.isEmpty() ? null : atOrBelow.lastKey();
  }
}
