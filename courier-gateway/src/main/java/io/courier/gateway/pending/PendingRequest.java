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

    /**
     * A record of the request's stream, in sequence order, the end marker last; called on a consumer thread
     * under the stream's lock ({@link StreamReorder}): must only queue it, never block. Only requests created
     * with a {@link StreamReorder} get these.
     */
    default void onStreamRecord(StreamRecord record) {}
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
  /** Its stream's order, on a streaming route; {@code null} when one reply answers it. */
  private final StreamReorder stream;

  public PendingRequest(String correlationId, String route, Instant deadline, Listener listener) {
    this(correlationId, route, deadline, listener, null);
  }

  /** @param stream the order of its stream records, for a request of a streaming route; else {@code null} */
  public PendingRequest(String correlationId, String route, Instant deadline, Listener listener, StreamReorder stream) {
    this.stream = stream;
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

  /** Its stream's order, or {@code null} when it takes one reply. */
  public StreamReorder stream() {
    return stream;
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

  void streamed(StreamRecord record) {
    listener.onStreamRecord(record);
  }

  void notify(Outcome outcome) {
    listener.onOutcome(outcome);
  }
}
