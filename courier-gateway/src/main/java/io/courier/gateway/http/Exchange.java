package io.courier.gateway.http;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.kafka.ReplyRouting;
import io.courier.gateway.kafka.RequestPublisher;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.PendingRequest;
import io.courier.gateway.routing.RouteMatch;
import io.courier.protocol.CorrelationIds;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.RequestEnvelope;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One admitted request from publish to response (pipeline step 6): registers it as pending, arms its
 * deadline timer, hands the record to the publisher, and answers once the reply, the deadline, a produce
 * failure or the caller's disconnect comes first. Whatever thread decides, the response is written on the
 * request's own event loop.
 */
final class Exchange implements PendingRequest.Listener {

  /** What every exchange needs; shared. */
  record Services(
      PendingReplies pending,
      RequestPublisher publisher,
      ReplyRouting replies,
      CorrelationIds correlationIds,
      String responseTopic,
      Clock clock,
      ResponseWriter writer) {}

  private final Services services;
  private final HttpServerRequest request;
  private final RouteMatch.Found match;
  private final RouteMetrics metrics;
  private final long startNanos;
  private final Context context;
  private PendingRequest pending;
  private long timerId;

  Exchange(Services services, HttpServerRequest request, RouteMatch.Found match, RouteMetrics metrics, long startNanos) {
    this.services = services;
    this.request = request;
    this.match = match;
    this.metrics = metrics;
    this.startNanos = startNanos;
    this.context = Vertx.currentContext();
  }

  void start(byte[] key, byte[] body) {
    RouteConfig route = match.route().config();
    String correlationId = services.correlationIds().next();
    Instant deadline = services.clock().instant().plus(route.timeout());
    pending = new PendingRequest(correlationId, route.name(), deadline, this);
    services.pending().register(pending);
    timerId = context.owner().setTimer(route.timeout().toMillis(), id -> services.pending().expire(correlationId));
    request.response().closeHandler(closed -> callerGone());

    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(route.requestTopic(), null, key, body, envelope(route, correlationId, deadline).toHeaders());
    if (!services.publisher().publish(record, this::produced)) {
      services.pending().fail(correlationId, GatewayError.OVERLOADED, "the Kafka publish queue is full");
    }
  }

  private RequestEnvelope envelope(RouteConfig route, String correlationId, Instant deadline) {
    Map<String, String> headers = new LinkedHashMap<>();
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType != null) {
      headers.put(HeaderNames.CONTENT_TYPE, contentType);
    }
    for (String name : route.forwardHeaders()) {
      String value = request.getHeader(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return new RequestEnvelope(
        route.profile(),
        correlationId,
        services.responseTopic(),
        services.replies().nextReplyPartition(),
        deadline,
        route.name(),
        route.method(),
        request.path(),
        request.query(),
        match.pathParams(),
        headers);
  }

  /** Producer I/O thread (or the publisher thread if send failed at once). */
  private void produced(RecordMetadata metadata, Exception error) {
    if (error == null) {
      pending.markProduced();
    } else {
      services.pending().fail(
          pending.correlationId(), GatewayError.PRODUCE_FAILED, error.getClass().getSimpleName() + ": " + error.getMessage());
    }
  }

  /** Any thread: the first of reply, deadline and failure. */
  @Override
  public void onOutcome(Outcome outcome) {
    if (Vertx.currentContext() == context) {
      respond(outcome);
    } else {
      ResponseBatches.submit(context, () -> respond(outcome));
    }
  }

  private void respond(Outcome outcome) {
    context.owner().cancelTimer(timerId);
    match.route().release();
    int status;
    if (outcome instanceof Outcome.Replied replied) {
      status = services.writer().reply(request, replied);
      if (status != replied.status()) {
        metrics.error(GatewayError.BAD_REPLY);
      }
    } else {
      Outcome.Failed failed = (Outcome.Failed) outcome;
      metrics.error(failed.error());
      status = services.writer().problem(request, failed.error(), failed.detail());
    }
    metrics.answered(status, System.nanoTime() - startNanos);
  }

  /** Event loop: the connection closed before the answer; free the slot now rather than at the deadline. */
  private void callerGone() {
    if (services.pending().cancel(pending.correlationId())) {
      context.owner().cancelTimer(timerId);
      match.route().release();
    }
  }
}
