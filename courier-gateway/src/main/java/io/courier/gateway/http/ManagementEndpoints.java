package io.courier.gateway.http;

import io.courier.gateway.config.ManagementPaths;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.Readiness;
import io.courier.gateway.status.StatusReport;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.charset.StandardCharsets;

/**
 * {@code GET} and {@code HEAD} of {@code /health} (the process serves HTTP), {@code /ready} (requests are
 * taken now: {@link Readiness}), {@code /metrics} (Prometheus text format), {@code /openapi.json} and {@code
 * /asyncapi.json} (the API documents, made once from the configuration), {@code /status} (the live status
 * page) and {@code /status.json} (its numbers: {@link StatusReport}). Other methods on these paths get 405.
 */
final class ManagementEndpoints {
  private static final byte[] STATUS_PAGE = StatusReport.page();

  /** The OpenAPI and AsyncAPI documents of this gateway, as JSON. */
  record ApiDocuments(byte[] openApi, byte[] asyncApi) {}
  private static final byte[] UP = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
  private static final byte[] READY = "{\"status\":\"READY\"}".getBytes(StandardCharsets.UTF_8);

  private final Readiness readiness;
  private final PrometheusMeterRegistry metrics;
  private final ResponseWriter writer;
  private final ApiDocuments documents;
  private final StatusReport status;

  ManagementEndpoints(
      Readiness readiness, PrometheusMeterRegistry metrics, ResponseWriter writer, ApiDocuments documents, StatusReport status) {
    this.documents = documents;
    this.status = status;
    this.readiness = readiness;
    this.metrics = metrics;
    this.writer = writer;
  }

  /** @return whether the request was for a management endpoint and has been answered */
  boolean handle(HttpServerRequest request) {
    String path = request.path();
    if (!ManagementPaths.ALL.contains(path)) {
      return false;
    }
    if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
      request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD");
      writer.problem(request, GatewayError.METHOD_NOT_ALLOWED,
          request.method() + " is not allowed on " + path);
      return true;
    }
    switch (path) {
      case ManagementPaths.HEALTH -> {
        String unhealthy = readiness.unhealthyReason();
        if (unhealthy == null) {
          send(request, "application/json", UP);
        } else {
          // Liveness probes restart the process: a consumer keeps crashing and is not getting anywhere.
          writer.problem(request, GatewayError.UNHEALTHY, unhealthy);
        }
      }
      case ManagementPaths.READY -> {
        Readiness.Refusal refusal = readiness.refusal();
        if (refusal != null) {
          // While draining, load balancers stop sending here; the requests in flight finish.
          writer.problem(request, refusal.error(), refusal.detail());
        } else {
          send(request, "application/json", READY);
        }
      }
      case ManagementPaths.OPENAPI -> send(request, "application/json", documents.openApi());
      case ManagementPaths.ASYNCAPI -> send(request, "application/json", documents.asyncApi());
      case ManagementPaths.STATUS -> send(request, "text/html; charset=utf-8", STATUS_PAGE);
      case ManagementPaths.STATUS_JSON -> {
        request.response().putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        send(request, "application/json", status.json());
      }
      default ->
          send(request, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }
    return true;
  }

  private static void send(HttpServerRequest request, String contentType, byte[] body) {
    HttpServerResponse response = request.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length)).end();
    } else {
      response.end(Buffer.buffer(body));
    }
  }
}
