package io.courier.gateway.pending;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.PendingRequest.State;
import io.courier.protocol.CorrelationIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests of this gateway instance that wait for a reply, by correlation id. Reply (reply consumer
 * thread), expiry (event loop timer), produce failure (producer I/O thread) and cancellation (event loop,
 * caller gone) race; the first to finish a request wins and tells its listener, the others lose quietly.
 *
 * <p>Finished ids are remembered for a while so that a second reply is told apart as a duplicate, a reply
 * after the deadline as late, and an id never issued as unknown. Memory stays bounded: at most {@code
 * rememberMax} finished ids, none older than {@code rememberFor}.
 *
 * <p>Thread-safe; no method blocks.
 */
public final class PendingReplies {
  private final String instanceId;
  private final Clock clock;
  private final Duration rememberFor;
  private final int rememberMax;
  private final Map<String, PendingRequest> waiting = new ConcurrentHashMap<>();
  private final Map<String, State> finished = new ConcurrentHashMap<>();
  private final Queue<Remembered> finishedOrder = new ConcurrentLinkedQueue<>();
  private final AtomicInteger finishedCount = new AtomicInteger();

  private record Remembered(String correlationId, Instant forgetAt) {}

  public PendingReplies(String instanceId, Clock clock, Duration rememberFor, int rememberMax) {
    this.instanceId = instanceId;
    this.clock = clock;
    this.rememberFor = rememberFor;
    this.rememberMax = rememberMax;
  }

  public void register(PendingRequest request) {
    if (waiting.putIfAbsent(request.correlationId(), request) != null) {
      throw new IllegalStateException("correlation id registered twice: " + request.correlationId());
    }
  }

  /**
   * Hands a reply to its waiting request, if there is one, and says what became of the reply. The outcome
   * is normally {@link Outcome.Replied}; a reply that names a waiting request but cannot be read (a bad
   * status) finishes it with {@link Outcome.Failed} at once, rather than leaving its caller to time out.
   */
  public ReplyOutcome complete(String correlationId, Outcome reply) {
    PendingRequest request = waiting.get(correlationId);
    if (request != null && request.stream() != null && !request.stream().closeForSingleReply()) {
      return ReplyOutcome.DUPLICATE; // its stream has begun: a single reply cannot answer it any more
    }
    if (request != null && finish(request, State.ANSWERED)) {
      request.notify(reply);
      return ReplyOutcome.MATCHED;
    }
    return unmatched(correlationId, request);
  }

  /**
   * Hands a record of a streamed reply to its waiting request, in sequence order ({@link StreamReorder});
   * the end marker, once delivered, finishes the request. A stream record for a request that takes one reply
   * is that reply, its first item the whole answer (as for a gateway before protocol 3). A record more than
   * the reorder window ahead fails the stream with {@code stream-broken} and is counted {@code malformed}.
   */
  public ReplyOutcome stream(String correlationId, StreamRecord record) {
    PendingRequest request = waiting.get(correlationId);
    if (request != null && request.stream() == null) {
      return complete(correlationId, new Outcome.Replied(200, record.headers(), record.value()));
    }
    if (request == null || request.state() != State.WAITING) {
      return unmatched(correlationId, request);
    }
    switch (request.stream().offer(record, request::streamed, clock.millis())) {
      case ENDED -> {
        finish(request, State.ANSWERED); // the listener has the end marker already; nobody else is told
        return ReplyOutcome.MATCHED;
      }
      case ACCEPTED -> {
        return ReplyOutcome.MATCHED;
      }
      case DUPLICATE -> {
        return ReplyOutcome.DUPLICATE;
      }
      case PAST_END -> {
        return ReplyOutcome.LATE;
      }
      default -> {
        fail(correlationId, GatewayError.STREAM_BROKEN,
            "a record came more than " + StreamReorder.WINDOW + " ahead of the next one expected");
        return ReplyOutcome.MALFORMED;
      }
    }
  }

  /** What a reply that finished nothing is: a duplicate, late, foreign or unknown. */
  private ReplyOutcome unmatched(String correlationId, PendingRequest request) {
    if (request == null) {
      forgetExpired(clock.instant());
    }
    State state = request != null ? request.state() : finished.get(correlationId);
    if (state == State.ANSWERED) {
      return ReplyOutcome.DUPLICATE;
    }
    if (state != null) {
      return ReplyOutcome.LATE;
    }
    String owner = CorrelationIds.instanceOf(correlationId);
    return owner != null && !owner.equals(instanceId) ? ReplyOutcome.FOREIGN : ReplyOutcome.UNKNOWN;
  }

  /**
   * The deadline passed. Fails the request with 504, or with 503 when Kafka had not even acknowledged it.
   *
   * @return whether this call finished the request
   */
  public boolean expire(String correlationId) {
    PendingRequest request = waiting.get(correlationId);
    if (request != null && request.stream() != null && request.stream().begun()) {
      return false; // its stream has begun: the stream's own limits end it now (fail)
    }
    if (request == null || !finish(request, State.EXPIRED)) {
      return false;
    }
    request.notify(
        request.produced()
            ? new Outcome.Failed(GatewayError.TIMEOUT, "no reply within the route's timeout")
            : new Outcome.Failed(
                GatewayError.KAFKA_UNAVAILABLE, "Kafka did not acknowledge the request before its deadline"));
    return true;
  }

  /** Kafka refused the request. @return whether this call finished the request */
  public boolean fail(String correlationId, GatewayError error, String detail) {
    PendingRequest request = waiting.get(correlationId);
    if (request == null || !finish(request, State.FAILED)) {
      return false;
    }
    request.notify(new Outcome.Failed(error, detail));
    return true;
  }

  /** The caller went away; nobody is told. @return whether this call finished the request */
  public boolean cancel(String correlationId) {
    PendingRequest request = waiting.get(correlationId);
    return request != null && finish(request, State.CANCELLED);
  }

  /** Requests still waiting. */
  public int size() {
    return waiting.size();
  }

  private boolean finish(PendingRequest request, State state) {
    if (!request.tryFinish(state)) {
      return false;
    }
    // Remember before removing, so a concurrent duplicate reply always finds the id in one of the maps.
    remember(request.correlationId(), state);
    waiting.remove(request.correlationId(), request);
    return true;
  }

  private void remember(String correlationId, State state) {
    Instant now = clock.instant();
    finished.put(correlationId, state);
    finishedOrder.add(new Remembered(correlationId, now.plus(rememberFor)));
    finishedCount.incrementAndGet();
    forgetExpired(now);
  }

  /** Drops remembered ids past their time, and the oldest while more than {@code rememberMax} are kept. */
  private void forgetExpired(Instant now) {
    while (true) {
      Remembered oldest = finishedOrder.peek();
      if (oldest == null || (finishedCount.get() <= rememberMax && oldest.forgetAt().isAfter(now))) {
        return;
      }
      Remembered evicted = finishedOrder.poll();
      if (evicted != null) {
        finished.remove(evicted.correlationId());
        finishedCount.decrementAndGet();
      }
    }
  }
}
