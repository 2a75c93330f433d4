package io.courier.gateway.routing;

import io.courier.gateway.auth.Authentication;
import io.courier.gateway.error.GatewayError;
import java.util.function.LongConsumer;

/**
 * Step 3b of every front end: an authenticated (or anonymous) caller past its route's {@code rate-limit} is
 * refused with 429 and the number of seconds until its next token. The caller is its identity, else its IP
 * address. Thread-safe; never blocks.
 */
public final class RateLimits {
  private RateLimits() {}

  /**
   * @param remoteAddress the caller's IP address, or {@code ""} when unknown
   * @param retryAfterSeconds told the whole seconds (rounded up, at least 1) a refused caller should wait,
   *     for the front end's {@code Retry-After}
   * @return {@code authentication} unchanged, or the 429 refusal
   */
  public static Authentication check(Route route, Authentication authentication, String remoteAddress, LongConsumer retryAfterSeconds) {
    RateLimiter limiter = route.rateLimiter();
    if (limiter == null || !(authentication instanceof Authentication.Allowed allowed)) {
      return authentication;
    }
    String caller = allowed.identity() != null ? allowed.identity().scope() : "ip:" + remoteAddress;
    long waitNanos = limiter.acquire(caller, System.nanoTime());
    if (waitNanos == 0) {
      return authentication;
    }
    long seconds = Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L);
    retryAfterSeconds.accept(seconds);
    return new Authentication.Refused(GatewayError.RATE_LIMITED, "rate-limited",
        "more than the route's rate-limit allows for this caller; retry in " + seconds + " s", null);
  }
}
