package io.courier.responder.internal;

import io.courier.protocol.CancelMarker;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.Cancellation;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.RequestHandler;
import io.courier.responder.RetryableException;
import io.courier.responder.ReplyStream;
import io.courier.protocol.StreamMarkers;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request record into one reply: decodes it, skips it if it is malformed, expired or cancelled,
 * calls the handler (at most once per idempotency key within the window, replaying the first reply
 * otherwise), maps a handler failure to a 500 problem reply and produces the reply. A cancel marker cancels
 * the request it names.
 *
 * <p>Thread-safe as long as the handler is. {@link #process} runs on the poll thread; a synchronous handler
 * runs there too, an asynchronous one completes wherever it likes, and the reply is produced on the thread
 * that completes it.
 */
final class RequestProcessor {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestProcessor.class);

  /** Title of the problem reply a handler failure becomes; the same for every failure. */
  static final String HANDLER_FAILED = "Handler failed";

  /** Title of the problem reply a {@link RetryableException} becomes when the request is not redelivered. */
  static final String HANDLER_FAILED_RETRYABLE = "Handler failed, the request may be retried";

  /** Title of the problem reply of a handler that did not finish within the handler timeout. */
  static final String HANDLER_TIMED_OUT = "Handler timed out";

  /** What became of one request record. Every outcome lets the offset move past the record. */
  enum Outcome {
    /** A reply (perhaps a 504 at the handler timeout) was produced and acknowledged. */
    ANSWERED,
    /** The handler failed; a 500 (or, for a {@link RetryableException}, 503) problem reply was produced. */
    FAILED,
    /**
     * The handler threw a {@link RetryableException} and the record is to be delivered again (share groups,
     * before the deadline and the last delivery attempt); no reply.
     */
    RELEASED,
    /** Producing the reply failed; the request is not retried. */
    REPLY_FAILED,
    /** The deadline had passed before the handler was called; no reply. */
    EXPIRED,
    /** Not a request (no correlation id or reply topic); no reply. */
    MALFORMED,
    /** The request names a reply topic that is not allowed (or a partition below -1); no reply. */
    REFUSED,
    /** The handler did not finish by the request's deadline; given up on, no reply. */
    ABANDONED,
    /** A cancel marker named the request, while in the handler or before it started; no reply. */
    CANCELLED,
    /** The record was a cancel marker (docs/protocol.md, "Cancellation"); no reply. */
    MARKER
  }

  private final String requestTopic;
  private final RequestHandler handler;
  private final ReplyProducer replies;
  private final Clock clock;
  private final ResponderCounters counters;
  private final Pattern replyTopics;
  private final Duration handlerTimeout;
  private final HandlerTimer timer;
  private final AtomicLong lastRefusalLogged = new AtomicLong(Long.MIN_VALUE);
  private final CancelRegistry cancels = new CancelRegistry();
  /** {@code null} when replies are not kept per idempotency key. */
  private final IdempotentReplies idempotent;
  private final ResponderTracing tracing;
  private final Redelivery redelivery;

  /** A processor with the default reply topics and handler timeout, on the shared timer. */
  RequestProcessor(
      String requestTopic, RequestHandler handler, ReplyProducer replies, Clock clock, ResponderCounters counters) {
    this(requestTopic, handler, replies, clock, counters, ResponderLoop.Settings.DEFAULT_REPLY_TOPICS,
        ResponderLoop.Settings.DEFAULT_HANDLER_TIMEOUT, HandlerTimer.SHARED, ResponderLoop.Settings.DEFAULT_IDEMPOTENCY_WINDOW,
        ResponderTracing.NOOP, Redelivery.NEVER);
  }

  /** A processor with the default idempotency window. */
  RequestProcessor(
      String requestTopic,
      RequestHandler handler,
      ReplyProducer replies,
      Clock clock,
      ResponderCounters counters,
      Pattern replyTopics,
      Duration handlerTimeout,
      HandlerTimer timer) {
    this(requestTopic, handler, replies, clock, counters, replyTopics, handlerTimeout, timer,
        ResponderLoop.Settings.DEFAULT_IDEMPOTENCY_WINDOW, ResponderTracing.NOOP, Redelivery.NEVER);
  }

  RequestProcessor(
      String requestTopic,
      RequestHandler handler,
      ReplyProducer replies,
      Clock clock,
      ResponderCounters counters,
      Pattern replyTopics,
      Duration handlerTimeout,
      HandlerTimer timer,
      Duration idempotencyWindow,
      ResponderTracing tracing,
      Redelivery redelivery) {
    this.requestTopic = requestTopic;
    this.redelivery = redelivery;
    this.tracing = tracing;
    this.handler = handler;
    this.replies = replies;
    this.clock = clock;
    this.counters = counters;
    this.replyTopics = replyTopics;
    this.handlerTimeout = handlerTimeout;
    this.timer = timer;
    this.idempotent =
        idempotencyWindow.isZero() ? null : new IdempotentReplies(clock, idempotencyWindow, IDEMPOTENT_REPLIES_KEPT);
  }

  /** The most replies kept per idempotency key. */
  static final int IDEMPOTENT_REPLIES_KEPT = 10_000;

  /** Processes one record; the stage never completes exceptionally. */
  CompletionStage<Outcome> process(ConsumerRecord<String, byte[]> record) {
    String cancelledId = CancelMarker.cancelledId(record.headers());
    if (cancelledId != null) {
      cancels.cancel(cancelledId); // counted once its request ends cancelled (now, or when it comes and is skipped)
      LOGGER.debug("Cancel marker correlationId={} requestTopic={} partition={}", cancelledId, record.topic(), record.partition());
      return CompletableFuture.completedFuture(Outcome.MARKER);
    }
    RequestEnvelope envelope;
    try {
      envelope = decode(record);
    } catch (ProtocolException e) {
      counters.malformed();
      LOGGER.debug(
          "Skipped malformed request requestTopic={} partition={} offset={} reason={}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return CompletableFuture.completedFuture(Outcome.MALFORMED);
    }
    if (!replyTopicAllowed(envelope)) {
      // A request must never make the service write into a topic of its own (its state, its requests).
      counters.refused();
      if (shouldLogRefusal()) {
        LOGGER.warn(
            "Refused a request whose reply topic is not allowed correlationId={} requestTopic={} replyTopic={} replyPartition={}"
                + " (allowed: {}; at most one such line a minute)",
            envelope.correlationId(), requestTopic, envelope.replyTopic(), envelope.replyPartition(), replyTopics.pattern());
      }
      return CompletableFuture.completedFuture(Outcome.REFUSED);
    }
    Instant now = clock.instant();
    if (!now.isBefore(envelope.deadline())) {
      // The caller has been answered (504) already; doing the work now would only waste it.
      counters.expired();
      LOGGER.debug(
          "Skipped expired request correlationId={} requestTopic={} deadline={}",
          envelope.correlationId(),
          requestTopic,
          envelope.deadline());
      return CompletableFuture.completedFuture(Outcome.EXPIRED);
    }
    int attempt = deliveryAttempt(record);
    if (attempt > 1) {
      counters.redelivered(); // counted whatever becomes of it: how often the group's deliveries overlap
    }
    Cancellation.Source cancellation = cancels.start(envelope.correlationId());
    if (cancellation == null) {
      counters.cancelled();
      LOGGER.debug("Skipped cancelled request correlationId={} requestTopic={}", envelope.correlationId(), requestTopic);
      return CompletableFuture.completedFuture(Outcome.CANCELLED);
    }
    byte[] correlationId = record.headers().lastHeader(envelope.profile().correlationHeader()).value();
    Span span = tracing.start(record, envelope);
    ReplyStream stream =
        takesStream(record)
            ? new ReplyStream(
                (sequence, endStatus, value) -> replies.sendStream(envelope, record.key(), correlationId, attempt, sequence, endStatus, value, span),
                cancellation.token(), envelope.deadline(), clock, ReplyStream.DEFAULT_WINDOW)
            : null;
    Request request =
        new Request(envelope, record.key(), record.value(), cancellation.token(), stream, Math.max(1, attempt));
    CompletionStage<Answer> answered;
    try (Scope handlerSees = span.makeCurrent()) {
      answered = once(request, now, cancellation);
    }
    return answered.thenCompose(answer -> {
      cancels.finish(envelope.correlationId());
      if (answer == Answer.ABANDONED) {
        return ended(span, Outcome.ABANDONED, 0);
      }
      if (answer == Answer.CANCELLED) {
        counters.cancelled();
        return ended(span, Outcome.CANCELLED, 0);
      }
      if (stream != null && stream.begun()) {
        // Items are out: the stream ends here, whatever the handler asked (a release would repeat them).
        return streamed(envelope, stream, answer).thenCompose(outcome -> ended(span, outcome, answer.reply().status()));
      }
      if (answer == Answer.RELEASED) {
        counters.released();
        return ended(span, Outcome.RELEASED, 0);
      }
      return produce(envelope, record.key(), correlationId, attempt, answer, span)
          .thenCompose(outcome -> ended(span, outcome, answer.reply().status()));
    });
  }

  /** Whether the request takes a stream ({@code courier-stream}); an unreadable header means it does not. */
  private static boolean takesStream(ConsumerRecord<String, byte[]> record) {
    try {
      return StreamMarkers.idleTimeoutMillis(record.headers()) >= 0;
    } catch (ProtocolException e) {
      return false;
    }
  }

  /**
   * A request answered by its stream: the end marker is the handler's ({@link ReplyStream#end}), or, when the
   * handler failed or timed out mid-stream, its problem reply becomes the end marker. Done once Kafka has
   * acknowledged the end.
   */
  private CompletionStage<Outcome> streamed(RequestEnvelope envelope, ReplyStream stream, Answer answer) {
    if (!stream.isStreamed(answer.reply())) {
      stream.endWith(answer.reply());
    }
    return stream.completion().handle((ok, error) -> {
      if (error == null) {
        counters.answered();
        return Outcome.ANSWERED;
      }
      if (unwrap(error) instanceof java.util.concurrent.CancellationException) {
        counters.cancelled();
        return Outcome.CANCELLED;
      }
      counters.failed();
      LOGGER.warn("Stream not produced correlationId={} replyTopic={} requestTopic={} error={}",
          envelope.correlationId(), envelope.replyTopic(), requestTopic, String.valueOf(unwrap(error)));
      return Outcome.REPLY_FAILED;
    });
  }

  /** Kafka's delivery count of a share-group record (1 the first delivery); 0 for a consumer-group record. */
  private static int deliveryAttempt(ConsumerRecord<?, ?> record) {
    return record.deliveryCount().map(Short::intValue).orElse(0);
  }

  private static CompletionStage<Outcome> ended(Span span, Outcome outcome, int status) {
    ResponderTracing.end(span, outcome, status);
    return CompletableFuture.completedFuture(outcome);
  }

  /**
   * The request's answer, running its handler at most once per route and idempotency key: a request whose
   * key was seen within the window gets the first one's reply, waiting for it if need be.
   */
  private CompletionStage<Answer> once(Request request, Instant now, Cancellation.Source cancellation) {
    String key = idempotent == null ? null : request.idempotencyKey().orElse(null);
    if (key == null) {
      return bounded(request, now, cancellation);
    }
    String scope = request.route().orElse("") + "\n" + key;
    CompletableFuture<Reply> mine = new CompletableFuture<>();
    CompletableFuture<Reply> first = idempotent.claim(scope, mine);
    if (first != null) {
      return first.handle((reply, error) -> reply).thenCompose(reply -> {
        if (reply == null) {
          return bounded(request, clock.instant(), cancellation); // the first one's reply is not kept: run it
        }
        counters.replayed();
        LOGGER.debug("Replayed the reply of an idempotency key correlationId={} requestTopic={}", request.correlationId(), requestTopic);
        return CompletableFuture.completedFuture(new Answer(reply, false));
      });
    }
    return bounded(request, now, cancellation).whenComplete((answer, error) -> {
      if (answer != null && answer != Answer.ABANDONED && answer != Answer.CANCELLED && !answer.handlerFailed()
          && answer.reply().status() < 500) {
        mine.complete(answer.reply());
      } else {
        idempotent.forget(scope, mine);
        mine.completeExceptionally(new IllegalStateException("not kept for retries"));
      }
    });
  }

  private boolean replyTopicAllowed(RequestEnvelope envelope) {
    return !envelope.replyTopic().equals(requestTopic)
        && replyTopics.matcher(envelope.replyTopic()).matches()
        && envelope.replyPartition() >= -1;
  }

  private boolean shouldLogRefusal() {
    long now = System.nanoTime();
    long last = lastRefusalLogged.get();
    return (last == Long.MIN_VALUE || now - last > TimeUnit.MINUTES.toNanos(1)) && lastRefusalLogged.compareAndSet(last, now);
  }

  /**
   * The handler's answer, or, if it has not come when the request's deadline (or, before it, the handler
   * timeout) is reached, {@link Answer#ABANDONED} at the deadline (nobody waits any more: no reply) or a 504
   * problem at the handler timeout (the caller still waits: tell it). Either way the request's slot and
   * offset are released; whatever the handler does later is ignored.
   */
  private CompletionStage<Answer> bounded(Request request, Instant now, Cancellation.Source cancellation) {
    CompletableFuture<Answer> answer = answer(request).toCompletableFuture();
    if (answer.isDone()) {
      return answer;
    }
    Instant timeoutAt = now.plus(handlerTimeout);
    boolean deadlineFirst = !request.deadline().isAfter(timeoutAt);
    Duration limit = Duration.between(now, deadlineFirst ? request.deadline() : timeoutAt);
    CompletableFuture<Answer> bounded = new CompletableFuture<>();
    Runnable cancel =
        timer.schedule(limit, () -> {
          if (bounded.complete(deadlineFirst ? Answer.ABANDONED : timedOut())) {
            counters.abandoned();
            LOGGER.warn(
                "Handler abandoned correlationId={} requestTopic={} after={} ms reason={}",
                request.correlationId(), requestTopic, limit.toMillis(),
                deadlineFirst ? "the request's deadline passed" : "the handler timeout passed; answered 504");
          }
        });
    answer.whenComplete((done, error) -> {
      cancel.run();
      bounded.complete(done);
    });
    // A cancelled request frees its slot at once: nobody waits for its reply.
    cancellation.token().onCancel(() -> {
      cancel.run();
      bounded.complete(Answer.CANCELLED);
    });
    return bounded;
  }

  private Answer timedOut() {
    return new Answer(Reply.problem(504, HANDLER_TIMED_OUT, "the handler did not finish within " + handlerTimeout.toMillis() + " ms"), false);
  }

  private static RequestEnvelope decode(ConsumerRecord<String, byte[]> record) {
    RequestEnvelope envelope = RequestEnvelope.fromHeaders(record.headers());
    if (envelope.correlationId() == null) {
      // A correlation header without a value: there is nothing to echo, so no reply can be matched.
      throw new ProtocolException("the correlation id header has no value");
    }
    return envelope;
  }

  /** The handler's reply, or a 500 problem reply if it failed in any way; never exceptional. */
  private CompletionStage<Answer> answer(Request request) {
    CompletionStage<Reply> stage;
    try {
      stage = handler.handle(request);
    } catch (Throwable e) {
      if (e instanceof VirtualMachineError) {
        throw (VirtualMachineError) e;
      }
      // One path for thrown and exceptional stages: a RetryableException may release the record either way.
      stage = CompletableFuture.failedFuture(e);
    }
    if (stage == null) {
      return CompletableFuture.completedFuture(
          failed(request, new NullPointerException("handler returned no CompletionStage")));
    }
    return stage.handle(
        (reply, error) -> {
          if (error != null) {
            Throwable cause = unwrap(error);
            if (cause instanceof RetryableException
                && redelivery.allowed(request.deliveryAttempt(), request.deadline(), clock.instant())) {
              LOGGER.debug("Handler failed, released for another delivery correlationId={} requestTopic={} attempt={}",
                  request.correlationId(), requestTopic, request.deliveryAttempt());
              return Answer.RELEASED;
            }
            return failed(request, cause);
          }
          if (reply == null) {
            return failed(request, new NullPointerException("handler completed without a Reply"));
          }
          return new Answer(reply, false);
        });
  }

  private Answer failed(Request request, Throwable error) {
    counters.failed();
    LOGGER.warn(
        "Handler failed correlationId={} requestTopic={} error={}",
        request.correlationId(),
        requestTopic,
        error.getClass().getName());
    LOGGER.debug("Handler failure correlationId={}", request.correlationId(), error);
    Reply problem = error instanceof RetryableException
        ? Reply.problem(503, HANDLER_FAILED_RETRYABLE, describe(error))
        : Reply.problem(500, HANDLER_FAILED, describe(error));
    return new Answer(problem, true);
  }

  private CompletionStage<Outcome> produce(
      RequestEnvelope envelope, String key, byte[] correlationId, int attempt, Answer answer, Span span) {
    return replies
        .send(envelope, key, correlationId, attempt, answer.reply(), span)
        .handle(
            (ok, error) -> {
              if (error == null) {
                counters.answered();
                return answer.handlerFailed() ? Outcome.FAILED : Outcome.ANSWERED;
              }
              if (!answer.handlerFailed()) {
                counters.failed(); // a handler failure was counted already: one failure per request
              }
              LOGGER.warn(
                  "Reply not produced correlationId={} replyTopic={} requestTopic={} status={} error={}",
                  envelope.correlationId(),
                  envelope.replyTopic(),
                  requestTopic,
                  answer.reply().status(),
                  String.valueOf(unwrap(error)));
              return Outcome.REPLY_FAILED;
            });
  }

  /** {@code <ExceptionClass>: <message>}, or the class alone when there is no message. */
  static String describe(Throwable error) {
    String name = error.getClass().getName();
    return error.getMessage() == null ? name : name + ": " + error.getMessage();
  }

  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A reply to produce, and whether it stands for a handler failure (already counted). */
  private record Answer(Reply reply, boolean handlerFailed) {
    /** No reply: the handler was given up on at the request's deadline. */
    static final Answer ABANDONED = new Answer(Reply.status(504), false);
    /** No reply: a cancel marker named the request. */
    static final Answer CANCELLED = new Answer(Reply.status(504), false);
    /** No reply: the record goes back to Kafka for another delivery. */
    static final Answer RELEASED = new Answer(Reply.status(503), false);
  }
}
