package io.courier.gateway.exchange;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.gateway.error.ProduceFailures;
import io.courier.gateway.error.RateLimitedLog;
import io.courier.gateway.kafka.RequestPublisher;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingRequest;
import io.courier.gateway.routing.Route;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One routed request, from admission to answer: admit (by {@link Exchanges#open}) → read by the front end →
 * {@link #publish}: key, register as pending, arm the deadline, hand the record to Kafka → outcome (reply,
 * deadline, produce failure, a failure the front end reports, or the caller leaving; the first wins) →
 * release the route slot and answer. The slot is taken in {@link Exchanges#open} and given back in {@link
 * #finish} only, exactly once.
 *
 * <p>Confined to its front end's thread; {@link #onOutcome} (any thread) and the produce callback (the
 * producer's thread) touch only thread-safe state and hop back through {@link FrontEnd#execute}.
 */
public final class Exchange implements PendingRequest.Listener {
  private static final Logger LOGGER = LoggerFactory.getLogger(Exchange.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));

  private enum State {
    /** Refused at admission: answered, holds no slot. */
    REFUSED,
    /** Holds a slot; the front end reads the request. */
    OPEN,
    /** Registered as pending and handed to Kafka; waits for its outcome. */
    PUBLISHED,
    /** Answered (or its caller left); the slot is given back. */
    DONE
  }

  private final Exchanges core;
  private final Route route;
  private final Map<String, String> pathParams;
  private final RouteMetrics metrics;
  private final FrontEnd frontEnd;
  private final long openedNanos = System.nanoTime();
  private State state = State.REFUSED;
  private PendingRequest pending;
  private Runnable cancelDeadline;

  Exchange(Exchanges core, Route route, Map<String, String> pathParams, RouteMetrics metrics, FrontEnd frontEnd) {
    this.core = core;
    this.route = route;
    this.pathParams = pathParams;
    this.metrics = metrics;
    this.frontEnd = frontEnd;
  }

  void admitted() {
    state = State.OPEN;
  }

  void refuse(GatewayError error, String detail) {
    answer(new Outcome.Failed(error, detail));
  }

  public RouteConfig route() {
    return route.config();
  }

  /** Whether the front end should read the request and {@link #publish} it: admitted, not answered yet. */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /** The correlation id, once published; {@code null} before. */
  public String correlationId() {
    return pending == null ? null : pending.correlationId();
  }

  /**
   * Steps 5 and 6: takes the record key, registers the request as pending, arms its deadline and hands its
   * record to Kafka. A request the key cannot be taken from is answered 400 at once. Does nothing unless
   * {@link #isOpen()}. Front end's thread; never blocks.
   */
  public void publish(CallerRequest request, byte[] body) {
    if (state != State.OPEN) {
      return;
    }
    try {
      RouteConfig config = route.config();
      byte[] key = KeyExtractor.extract(config.key(), pathParams, request, body);
      String correlationId = core.correlationIds.next();
      Instant deadline = core.clock.instant().plus(config.timeout());
      ProducerRecord<byte[], byte[]> record =
          RequestRecords.record(
              config, correlationId, core.responseTopic, core.replyPartition.getAsInt(), deadline, request, pathParams, key, body);
      pending = new PendingRequest(correlationId, config.name(), deadline, this);
      core.pending.register(pending);
      state = State.PUBLISHED; // only once registered: a failure before this is answered as an open one
      cancelDeadline = core.deadlines.schedule(config.timeout(), () -> core.pending.expire(correlationId));
      if (!core.publisher.publish(record, deadline, this::produced)) {
        core.pending.fail(correlationId, GatewayError.OVERLOADED, "the queue in front of Kafka is full");
      }
    } catch (GatewayException e) {
      fail(e.error(), e.getMessage());
    } catch (RuntimeException e) {
      WARNINGS.warn("publish", e, "Request failed unexpectedly route={} error={}", route.name(), e.toString());
      fail(GatewayError.INTERNAL_ERROR, "the gateway failed to send the request");
    }
  }

  /**
   * The front end cannot go on with the request (its body is too large or never came, say): it is answered
   * with {@code error}, or, once published, as soon as the race with its reply allows. Front end's thread.
   */
  public void fail(GatewayError error, String detail) {
    if (state == State.OPEN) {
      finish(new Outcome.Failed(error, detail));
    } else if (state == State.PUBLISHED) {
      core.pending.fail(pending.correlationId(), error, detail);
    }
  }

  /** The caller went away: nobody is answered, the slot is given back now. Front end's thread. */
  public void callerGone() {
    if (state == State.OPEN || (state == State.PUBLISHED && core.pending.cancel(pending.correlationId()))) {
      finish(null);
    }
  }

  /** The producer's callback: its I/O thread, or the publisher's thread when {@code send} failed at once. */
  private void produced(RecordMetadata metadata, Exception failure) {
    if (failure == null) {
      pending.markProduced();
      return;
    }
    if (failure instanceof RequestPublisher.DeadlinePassedException) {
      // Never sent: its deadline passed in the queue; the caller has had its 503 kafka-unavailable.
      core.pending.fail(pending.correlationId(), GatewayError.KAFKA_UNAVAILABLE, "not sent before the deadline");
      return;
    }
    GatewayError error = ProduceFailures.classify(failure);
    // The exception names topics and brokers: for the operator's log, never for the caller.
    WARNINGS.warn(
        "produce-" + failure.getClass().getName(),
        failure,
        "Kafka did not take a request route={} requestTopic={} correlationId={} error={} exception={}",
        route.name(), route.config().requestTopic(), pending.correlationId(), error.slug(), failure.toString());
    core.pending.fail(pending.correlationId(), error, ProduceFailures.detail(error));
  }

  /** Any thread: the first of reply, deadline and failure. */
  @Override
  public void onOutcome(Outcome outcome) {
    frontEnd.execute(() -> finish(outcome));
  }

  /** Front end's thread: gives the slot back once, then answers unless the caller left ({@code null}). */
  private void finish(Outcome outcome) {
    if (state == State.DONE || state == State.REFUSED) {
      return;
    }
    state = State.DONE;
    if (cancelDeadline != null) {
      cancelDeadline.run();
    }
    route.release();
    if (outcome != null) {
      answer(outcome);
    }
  }

  private void answer(Outcome outcome) {
    Outcome fitted = outcome;
    if (outcome instanceof Outcome.Replied replied) {
      HttpReplies.Fitted fit = HttpReplies.fit(replied);
      fitted = fit.outcome();
      if (fit.droppedFields() > 0) {
        metrics.droppedReplyHeaders(fit.droppedFields());
      }
    }
    int status;
    if (fitted instanceof Outcome.Failed failed) {
      metrics.error(failed.error());
      status = failed.error().status();
    } else {
      status = ((Outcome.Replied) fitted).status();
    }
    metrics.answered(status, System.nanoTime() - openedNanos);
    frontEnd.answer(fitted);
  }
}
