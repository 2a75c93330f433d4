package io.courier.gateway.routing;

import io.courier.gateway.config.RateLimitConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per caller of one route ({@code rate-limit}): each bucket refills at the configured rate up
 * to its burst, and a request takes one token. Buckets are made on a caller's first request and dropped once
 * full again (an idle caller is a new one): each new caller's request looks at a few buckets in turn
 * ({@value #SWEEP_STEP}, or {@value #SWEEP_STEP_FULL} while the table is full) and drops the idle ones, so no
 * request ever pays for a pass over the whole table. Past {@value #MAX_CALLERS} callers at once, new callers
 * share one bucket until some drop out, so memory stays bounded whatever callers (addresses) a client makes
 * up. Thread-safe: one lock per bucket, held for a few arithmetic operations, and one for the sweep. Time is in
 * nanoseconds from any fixed origin ({@link System#nanoTime()}, or a test's).
 */
public final class RateLimiter {
  static final int MAX_CALLERS = 100_000;
  /** The bucket of callers who came while the table was full. */
  static final String OVERFLOW = "\u0000overflow";
  static final int SWEEP_STEP = 8;
  static final int SWEEP_STEP_FULL = 256;

  private final double tokensPerNano;
  private final double burst;
  /** How long an empty bucket takes to fill: after that long unused, a bucket is as good as new. */
  private final long refillNanos;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  /** Where the sweep goes on from; guarded by {@code this}. */
  private Iterator<Map.Entry<String, Bucket>> sweep;

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
      dropSomeIdle(now, buckets.size() >= MAX_CALLERS ? SWEEP_STEP_FULL : SWEEP_STEP);
      String key = buckets.size() >= MAX_CALLERS ? OVERFLOW : caller;
      bucket = buckets.computeIfAbsent(key, ignored -> new Bucket(burst, now));
    }
    return bucket.take(now, tokensPerNano, burst);
  }

  /** Looks at the next {@code budget} buckets, round the table, and drops those unused long enough to be full again. */
  private synchronized void dropSomeIdle(long now, int budget) {
    for (int looked = 0; looked < budget; looked++) {
      if (sweep == null || !sweep.hasNext()) {
        sweep = buckets.entrySet().iterator(); // weakly consistent: safe beside other threads' puts
        if (!sweep.hasNext()) {
          return;
        }
      }
      if (sweep.next().getValue().idleSince(now) >= refillNanos) {
        sweep.remove();
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
