package io.courier.gateway.routing;

import io.courier.gateway.config.RateLimitConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller of one route ({@code rate-limit}): each bucket refills at the configured rate up
 * to its burst, and a request takes one token. Buckets are made on a caller's first request and dropped once
 * full again (an idle caller is a new one); past {@value #MAX_CALLERS} callers at once, new callers share one
 * bucket until some drop out, so memory stays bounded whatever callers (addresses) a client makes up.
 * Thread-safe: one lock per bucket, held for a few arithmetic operations. Time is in nanoseconds from any
 * fixed origin ({@link System#nanoTime()}, or a test's).
 */
public final class RateLimiter {
  static final int MAX_CALLERS = 100_000;
  /** The bucket of callers who came while the table was full. */
  static final String OVERFLOW = "\u0000overflow";

  private final double tokensPerNano;
  private final double burst;
  /** How long an empty bucket takes to fill: after that long unused, a bucket is as good as new. */
  private final long refillNanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(RateLimitConfig config) {
    this.tokensPerNano = config.requestsPerSecond() / 1e9;
    this.burst = config.burst();
    this.refillNanos = (long) Math.ceil(burst / tokensPerNano);
  }

  /**
   * Takes a token for {@code caller}.
   *
   * @return 0 when the request may go on, else how many nanoseconds until the caller's next token
   */
  public long acquire(String caller, long now) {
    Bucket bucket = buckets.get(caller);
    if (bucket == null) {
      if (buckets.size() >= MAX_CALLERS) {
        dropFull(now);
      }
      String key = buckets.size() >= MAX_CALLERS ? OVERFLOW : caller;
      bucket = buckets.computeIfAbsent(key, ignored -> new Bucket(burst, now));
    }
    return bucket.take(now, tokensPerNano, burst);
  }

  /** Drops the buckets nobody used for long enough to be full again. */
  private void dropFull(long now) {
    for (Iterator<Map.Entry<String, Bucket>> i = buckets.entrySet().iterator(); i.hasNext(); ) {
      if (i.next().getValue().idleSince(now) >= refillNanos) {
        i.remove();
      }
    }
  }

  /** Callers with a bucket now. */
  int callers() {
    return buckets.size();
  }

  private static final class Bucket {
    private double tokens;
    private long updated;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.updated = now;
    }

    synchronized long take(long now, double tokensPerNano, double burst) {
      tokens = Math.min(burst, tokens + Math.max(0, now - updated) * tokensPerNano);
      updated = Math.max(updated, now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / tokensPerNano);
    }

    synchronized long idleSince(long now) {
      return now - updated;
    }
  }
}
