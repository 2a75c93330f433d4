package io.courier.responder.internal;

import io.courier.protocol.ProtocolException;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.RequestHandler;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one request record into one reply: decodes it, skips it if it is malformed or expired, calls the
 * handler, maps a handler failure to a 500 problem reply and produces the reply.
 *
 * <p>Thread-safe as long as the handler is. {@link #process} runs on the poll thread; a synchronous handler
 * runs there too, an asynchronous one completes wherever it likes, and the reply is produced on the thread
 * that completes it.
 */
final class RequestProcessor {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestProcessor.class);

  /** Title of the problem reply a handler failure becomes; the same for every failure. */
  static final String HANDLER_FAILED = "Handler failed";

  /** What became of one request record. Every outcome lets the offset move past the record. */
  enum Outcome {
    /** A reply (perhaps a 500 for a handler failure) was produced and acknowledged. */
    ANSWERED,
    /** Producing the reply failed; the request is not retried. */
    REPLY_FAILED,
    /** The deadline had passed before the handler was called; no reply. */
    EXPIRED,
    /** Not a request (no correlation id or reply topic); no reply. */
    MALFORMED
  }

  private final String requestTopic;
  private final RequestHandler handler;
  private final ReplyProducer replies;
  private final Clock clock;
  private final ResponderCounters counters;

  RequestProcessor(
      String requestTopic, RequestHandler handler, ReplyProducer replies, Clock clock, ResponderCounters counters) {
    this.requestTopic = requestTopic;
    this.handler = handler;
    this.replies = replies;
    this.clock = clock;
    this.counters = counters;
  }

  /** Processes one record; the stage never completes exceptionally. */
  CompletionStage<Outcome> process(ConsumerRecord<String, byte[]> record) {
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
    if (!clock.instant().isBefore(envelope.deadline())) {
      // The caller has been answered (504) already; doing the work now would only waste it.
      counters.expired();
      LOGGER.debug(
          "Skipped expired request correlationId={} requestTopic={} deadline={}",
          envelope.correlationId(),
          requestTopic,
          envelope.deadline());
      return CompletableFuture.completedFuture(Outcome.EXPIRED);
    }
    Request request = new Request(envelope, record.key(), record.value());
    byte[] correlationId = record.headers().lastHeader(envelope.profile().correlationHeader()).value();
    return answer(request).thenCompose(answer -> produce(envelope, record.key(), correlationId, answer));
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
      return CompletableFuture.completedFuture(failed(request, e));
    }
    if (stage == null) {
      return CompletableFuture.completedFuture(
          failed(request, new NullPointerException("handler returned no CompletionStage")));
    }
    return stage.handle(
        (reply, error) -> {
          if (error != null) {
            return failed(request, unwrap(error));
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
    return new Answer(Reply.problem(500, HANDLER_FAILED, describe(error)), true);
  }

  private CompletionStage<Outcome> produce(RequestEnvelope envelope, String key, byte[] correlationId, Answer answer) {
    return replies
        .send(envelope, key, correlationId, answer.reply())
        .handle(
            (ok, error) -> {
              if (error == null) {
                counters.answered();
                return Outcome.ANSWERED;
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
  private record Answer(Reply reply, boolean handlerFailed) {}
}
