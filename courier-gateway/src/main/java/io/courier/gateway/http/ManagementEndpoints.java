package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.kafka.ReplyRouting;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;

/**
 * {@code GET /health} (the process serves HTTP), {@code GET /ready} (the reply consumer is positioned, so a
 * request sent now can be answered) and {@code GET /metrics} (Prometheus text format).
 */
final class ManagementEndpoints {
  private final ReplyRouting replies;
  private final PrometheusMeterRegistry metrics;
  private final ResponseWriter writer;
  private final BooleanSupplier shuttingDown;

  ManagementEndpoints(
      ReplyRouting replies, PrometheusMeterRegistry metrics, ResponseWriter writer, BooleanSupplier shuttingDown) {
    this.replies = replies;
    this.metrics = metrics;
    this.writer = writer;
    this.shuttingDown = shuttingDown;
  }

  /** @return whether the request was for a management endpoint and has been answered */
  boolean handle(HttpServerRequest request) {
    if (request.method() != HttpMethod.GET) {
      return false;
    }
    switch (request.path()) {
      case "/health" -> json(request, "{\"status\":\"UP\"}");
      case "/ready" -> {
        String reason = replies.notReadyReason();
        if (shuttingDown.getAsBoolean()) {
          // Load balancers stop sending here while the requests in flight drain.
          writer.problem(request, GatewayError.SHUTTING_DOWN, "the gateway is draining");
        } else if (reason != null) {
          writer.problem(request, GatewayError.NOT_READY, reason);
        } else {
          json(request, "{\"status\":\"READY\"}");
        }
      }
      case "/metrics" ->
          request
              .response()
              .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
              .end(metrics.scrape());
      default -> {
        return false;
      }
    }
    return true;
  }

  private static void json(HttpServerRequest request, String body) {
    request.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
  }
}
