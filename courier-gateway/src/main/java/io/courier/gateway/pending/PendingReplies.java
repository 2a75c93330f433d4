package io.courier.gateway.pending;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.PendingRequest.State;
import io.courier.protocol.CorrelationIds;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The requests of this gateway instance that wait for a reply, by correlation id. Reply (reply consumer
 * thread), expiry (event loop timer), produce failure (producer I/O thread) and cancellation (event loop,
 * caller gone) race; the first to finish a request wins and tells its listener, the others lose quietly.
 *
 * <p>Finished ids are remembered for a while so that a second reply is told apart as a duplicate, a reply
 * after the deadline as late, and an id never issued as unknown. Memory stays bounded: at most {@code
 * rememberMax} finished ids, none older than {@code rememberFor}, in arrays allocated once ({@link FinishedIds}).
 *
 * <p>Thread-safe; no method blocks (finishing a request holds {@link FinishedIds}'s lock for a few array writes).
 */
public final class PendingReplies {
  private final String instanceId;
  private final Clock clock;
  private final Map<String, PendingRequest> waiting = new ConcurrentHashMap<>();
  private final FinishedIds finished;

  /**
   * @param rememberFor how long a finished id is remembered, not negative
   * @param rememberMax the most finished ids remembered (1 to 2^24; the arrays for them, 25 to 33 bytes an id,
   *     are allocated now)
   * @throws IllegalArgumentException when either is out of its range
   */
  public PendingReplies(String instanceId, Clock clock, Duration rememberFor, int rememberMax) {
    this.instanceId = instanceId;
    this.clock = clock;
    this.finished = new FinishedIds(rememberMax, rememberFor.toMillis());
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
   * the end marker, once delivered, finishes the request. For a request that takes one reply, the stream's
   * record 0 is that reply (its first item with 200, or an empty stream's end marker with its status); later
   * records are counted duplicates. A record more than
   * the reorder window ahead fails the stream with {@code stream-broken} and is counted {@code malformed}.
   */
  public ReplyOutcome stream(String correlationId, StreamRecord record) {
    PendingRequest request = waiting.get(correlationId);
    if (request != null && request.stream() == null) {
      if (record.sequence() != 0) {
        return ReplyOutcome.DUPLICATE; // only a stream's first record can answer a request that takes one reply
      }
      // An empty stream's end marker answers with its final status and problem, item 0 with 200.
      return complete(correlationId, new Outcome.Replied(record.isEnd() ? record.endStatus() : 200, record.headers(), record.value()));
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
    State state;
    if (request != null) {
      state = request.state();
    } else {
      String owner = CorrelationIds.instanceOf(correlationId);
      if (owner != null && !owner.equals(instanceId)) {
        return ReplyOutcome.FOREIGN; // another instance's: never remembered here, and forwarded whatever it hashes to
      }
      state = finished.stateOf(correlationId, clock.millis());
    }
    if (state == State.ANSWERED) {
      return ReplyOutcome.DUPLICATE;
    }
    return state != null ? ReplyOutcome.LATE : ReplyOutcome.UNKNOWN;
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
    if (request != null && request.stream() != null && request.stream().hasGap()) {
      // Records came, but never record 0: the stream cannot begin.
      return fail(correlationId, GatewayError.STREAM_BROKEN, "the first records of the stream are missing");
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

  /**
   * A record of a streamed reply cannot be read: {@code stream-broken} for a request that streams,
   * {@code bad-reply} for one that takes one reply.
   *
   * @return whether this call finished the request
   */
  public boolean failUnreadableStreamRecord(String correlationId) {
    PendingRequest request = waiting.get(correlationId);
    return request != null && request.stream() != null
        ? fail(correlationId, GatewayError.STREAM_BROKEN, "a record of the stream cannot be read")
        : fail(correlationId, GatewayError.BAD_REPLY, "the reply's stream headers cannot be read");
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
    // Remember before removing, so a concurrent duplicate reply always finds the id in one of the two.
    finished.remember(request.correlationId(), state, clock.millis());
    waiting.remove(request.correlationId(), request);
    return true;
  }
}
