package io.courier.gateway.config;

import java.util.List;

/**
 * How a route treats the {@code Idempotency-Key} request header (IETF draft-ietf-httpapi-idempotency-key-header).
 *
 * @param mode whether the header is ignored, used when sent, or required
 * @param duplicates what a retry gets while the first request with its key is still in progress
 * @param fingerprintHeaders request headers (lower case) that, with method, route and body, make a retry the
 *     same request
 */
public record Idempotency(Mode mode, Duplicates duplicates, List<String> fingerprintHeaders) {
  public static final Idempotency OFF = new Idempotency(Mode.OFF, Duplicates.WAIT, List.of());

  public enum Mode {
    /** The header is not looked at (nor forwarded unless listed in forward-headers). */
    OFF,
    /** A request with the header is run at most once per key; one without is run as usual. */
    OPTIONAL,
    /** A request without the header is refused with 400. */
    REQUIRED
  }

  public enum Duplicates {
    /** The retry waits for the first request's result, up to the route's timeout. */
    WAIT,
    /** The retry is answered 409 at once. */
    CONFLICT
  }

  public Idempotency {
    fingerprintHeaders = List.copyOf(fingerprintHeaders);
  }

  public boolean enabled() {
    return mode != Mode.OFF;
  }
}
