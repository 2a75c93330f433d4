package io.courier.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.RateLimitConfig;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  @Test
  void aCallerGetsItsBurstThenOneTokenPerIntervalAndIsToldWhenTheNextComes() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(2, 3));
    long now = 1_000 * SECOND;

    assertThat(limiter.acquire("a", now)).isZero();
    assertThat(limiter.acquire("a", now)).isZero();
    assertThat(limiter.acquire("a", now)).isZero();
    assertThat(limiter.acquire("a", now)).as("the burst is spent: half a second to the next token").isEqualTo(SECOND / 2);
    assertThat(limiter.acquire("a", now + SECOND / 4)).isEqualTo(SECOND / 4);
    assertThat(limiter.acquire("a", now + SECOND / 2)).isZero();
    assertThat(limiter.acquire("a", now + SECOND / 2)).isEqualTo(SECOND / 2);
  }

  @Test
  void callersDoNotShareTokens() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 1));

    assertThat(limiter.acquire("a", 0)).isZero();
    assertThat(limiter.acquire("a", 0)).isPositive();
    assertThat(limiter.acquire("b", 0)).isZero();
  }

  @Test
  void aQuietCallerRefillsOnlyUpToItsBurst() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 2));
    limiter.acquire("a", 0);
    limiter.acquire("a", 0);

    long later = 3_600 * SECOND;
    assertThat(limiter.acquire("a", later)).isZero();
    assertThat(limiter.acquire("a", later)).isZero();
    assertThat(limiter.acquire("a", later)).isPositive();
  }

  @Test
  void aRateBelowOnePerSecondWaitsSeconds() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(0.5, 1));

    assertThat(limiter.acquire("a", 0)).isZero();
    assertThat(limiter.acquire("a", 0)).isEqualTo(2 * SECOND);
  }

  @Test
  void pastTheCallerBoundNewCallersShareOneBucketUntilIdleOnesAreSweptAway() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 1));
    for (int i = 0; i < RateLimiter.MAX_CALLERS; i++) {
      limiter.acquire("busy-" + i, 0);
    }
    assertThat(limiter.callers()).isEqualTo(RateLimiter.MAX_CALLERS);

    // all busy (just used): the next caller shares the overflow bucket with later strangers
    assertThat(limiter.acquire("stranger-1", 0)).isZero();
    assertThat(limiter.acquire("stranger-2", 0)).as("shares the overflow bucket").isPositive();
    assertThat(limiter.callers()).isEqualTo(RateLimiter.MAX_CALLERS + 1);

    // a second later every bucket is full again: each new caller sweeps a bounded step, and has its own bucket
    assertThat(limiter.acquire("stranger-3", 2 * SECOND)).isZero();
    assertThat(limiter.acquire("stranger-3", 2 * SECOND)).as("its own bucket, not the shared one").isPositive();
    assertThat(limiter.callers()).isLessThanOrEqualTo(RateLimiter.MAX_CALLERS + 2 - RateLimiter.SWEEP_STEP_FULL + 1);
  }

  @Test
  void idleCallersAreDroppedAsNewOnesCome() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 1));
    for (int i = 0; i < 1_000; i++) {
      limiter.acquire("early-" + i, 0);
    }

    for (int i = 0; i < 1_000; i++) {
      limiter.acquire("late-" + i, 10 * SECOND);
    }

    assertThat(limiter.callers()).as("the early callers, idle for 10 s, are swept as the late ones come").isLessThan(1_200);
  }
}
