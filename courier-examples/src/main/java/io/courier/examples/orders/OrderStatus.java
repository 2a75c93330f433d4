package io.courier.examples.orders;

/** Where an order is in its life; serialised by name. */
public enum OrderStatus {
  /** Accepted and stored; nothing has checked it yet. */
  CREATED,
  /** Passed the order-validation service's checks (stock reserved, fraud rule passed). */
  VALIDATED,
  /** Refused by the order-validation service; its record says why. */
  FAILED
}
