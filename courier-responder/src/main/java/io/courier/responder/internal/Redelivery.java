package io.courier.responder.internal;

import java.time.Instant;

/**
 * Whether a request whose handler threw {@link io.courier.responder.RetryableException} is given back to Kafka
 * for another delivery (no reply now) rather than answered 503 at once. Thread-safe (stateless).
 */
@FunctionalInterface
interface Redelivery {

  /**
   * @param attempt which delivery of the record failed, 1 the first
   * @param deadline the request's deadline
   * @param now the time of the failure
   */
  boolean allowed(int attempt, Instant deadline, Instant now);

  /** Consumer groups: one record cannot be redelivered without stopping its partition. */
  Redelivery NEVER = (attempt, deadline, now) -> false;

  /**
   * Kafka's default {@code share.delivery.count.limit}: the broker archives (or dead-letters) a record after
   * this many deliveries, so the last one must answer rather than release.
   */
  int DEFAULT_DELIVERY_LIMIT = 5;

  /** Share groups: while the caller still waits and Kafka will deliver the record again. */
  static Redelivery beforeDeadline(int deliveryLimit) {
    return (attempt, deadline, now) -> attempt < deliveryLimit && now.isBefore(deadline);
  }
}
