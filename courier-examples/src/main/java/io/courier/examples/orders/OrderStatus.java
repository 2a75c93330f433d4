package io.courier.examples.orders;

/** Where an order is in its life; serialised by name. */
public enum OrderStatus {
  /** Accepted and stored; nothing has checked it yet. */
  CREATED
}
