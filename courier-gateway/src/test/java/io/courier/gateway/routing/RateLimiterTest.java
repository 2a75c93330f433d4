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
  void pastTheCallerBoundIdleBucketsAreDroppedAndNewCallersShareOne() {
    RateLimiter limiter = new RateLimiter(new RateLimitConfig(1, 1));
    for (int i = 0; i < RateLimiter.MAX_CALLERS; i++) {
      limiter.acquire("busy-" + i, 0);
    }

    // all busy (just used): the next caller shares the overflow bucket with later strangers
    assertThat(limiter.acquire("stranger-1", 0)).isZero();
    assertThat(limiter.acquire("stranger-2", 0)).as("shares the overflow bucket").isPositive();
    assertThat(limiter.callers()).isEqualTo(RateLimiter.MAX_CALLERS + 1);

    // a second later every bucket is full again: they are dropped and a new caller has its own
    assertThat(limiter.acquire("stranger-3", 2 * SECOND)).isZero();
    assertThat(limiter.callers()).isLessThan(10);
  }
}
