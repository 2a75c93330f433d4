package io.courier.gateway.pending;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A request waiting for its reply. Exactly one of reply, expiry, failure and cancellation finishes it; the
 * others find it finished and do nothing. Thread-safe.
 */
public final class PendingRequest {
  /** Told once, on whichever thread finished the request; must not block. */
  @FunctionalInterface
  public interface Listener {
    void onOutcome(Outcome outcome);
  }

  enum State {
    WAITING,
    ANSWERED,
    EXPIRED,
    FAILED,
    CANCELLED
  }

  private static final State[] STATES = State.values();

  private final String correlationId;
  private final String route;
  private final Instant deadline;
  private final Listener listener;
  private final AtomicInteger state = new AtomicInteger(State.WAITING.ordinal());
  private volatile boolean produced;

  public PendingRequest(String correlationId, String route, Instant deadline, Listener listener) {
    this.correlationId = correlationId;
    this.route = route;
    this.deadline = deadline;
    this.listener = listener;
  }

  public String correlationId() {
    return correlationId;
  }

  public String route() {
    return route;
  }

  public Instant deadline() {
    return deadline;
  }

  /** Kafka acknowledged the request record. */
  public void markProduced() {
    produced = true;
  }

  public boolean produced() {
    return produced;
  }

  boolean tryFinish(State outcome) {
    return state.compareAndSet(State.WAITING.ordinal(), outcome.ordinal());
  }

  State state() {
    return STATES[state.get()];
  }

  void notify(Outcome outcome) {
    listener.onOutcome(outcome);
  }
}
