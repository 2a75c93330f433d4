package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.gateway.kafka.ReplyRouting;
import io.courier.gateway.kafka.RequestPublisher;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.routing.Route;
import io.courier.gateway.routing.RouteMatch;
import io.courier.gateway.routing.RouteTable;
import io.courier.protocol.CorrelationIds;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Every HTTP request passes through these steps, on its event loop, never blocking it:
 *
 * <ol>
 *   <li>receive: management endpoints first ({@link ManagementEndpoints})
 *   <li>match route ({@link RouteTable}): 404 or 405
 *   <li>admit: gateway ready and the route under its in-flight cap ({@link Route#tryAdmit()}), else 503
 *   <li>read body within the route's limit ({@link BodyReader}): 413
 *   <li>extract the record key ({@link KeyExtractor}): 400
 *   <li>register pending, publish, await reply or deadline ({@link Exchange})
 *   <li>respond ({@link ResponseWriter})
 * </ol>
 *
 * <p>Thread-safe: one instance serves all event loops.
 */
public final class RequestPipeline {
  private final ManagementEndpoints management;
  private final RouteTable routes;
  private final GatewayMetrics gatewayMetrics;
  private final Map<Route, RouteMetrics> metrics;
  private final ReplyRouting replies;
  private final BooleanSupplier shuttingDown;
  private final ResponseWriter writer;
  private final Exchange.Services exchangeServices;

  public RequestPipeline(
      RouteTable routes,
      GatewayMetrics metrics,
      PendingReplies pending,
      RequestPublisher publisher,
      ReplyRouting replies,
      CorrelationIds correlationIds,
      String responseTopic,
      Clock clock,
      long retryAfterSeconds,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry,
      BooleanSupplier shuttingDown) {
    this.routes = routes;
    this.gatewayMetrics = metrics;
    Map<Route, RouteMetrics> byRoute = new HashMap<>();
    for (Route route : routes.routes()) {
      byRoute.put(route, metrics.route(route));
    }
    this.metrics = Map.copyOf(byRoute);
    this.replies = replies;
    this.shuttingDown = shuttingDown;
    this.writer = new ResponseWriter(retryAfterSeconds);
    this.management = new ManagementEndpoints(replies, registry, writer, shuttingDown);
    this.exchangeServices =
        new Exchange.Services(pending, publisher, replies, correlationIds, responseTopic, clock, writer);
  }

  public void handle(HttpServerRequest request) {
    if (management.handle(request)) {
      return;
    }
    RouteMatch match = routes.match(request.method().name(), request.path());
    if (match instanceof RouteMatch.Found found) {
      admit(request, found);
    } else if (match instanceof RouteMatch.MethodNotAllowed notAllowed) {
      request.response().putHeader(HttpHeaders.ALLOW, String.join(", ", notAllowed.allowed()));
      gatewayMetrics.unrouted(GatewayError.METHOD_NOT_ALLOWED);
      writer.problem(request, GatewayError.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + request.path());
    } else {
      gatewayMetrics.unrouted(GatewayError.ROUTE_NOT_FOUND);
      writer.problem(request, GatewayError.ROUTE_NOT_FOUND, "no route for " + request.path());
    }
  }

  private void admit(HttpServerRequest request, RouteMatch.Found found) {
    long start = System.nanoTime();
    Route route = found.route();
    RouteMetrics routeMetrics = metrics.get(route);
    if (shuttingDown.getAsBoolean()) {
      reject(request, routeMetrics, start, GatewayError.SHUTTING_DOWN, "the gateway takes no new requests");
      return;
    }
    String notReady = replies.notReadyReason();
    if (notReady != null) {
      reject(request, routeMetrics, start, GatewayError.NOT_READY, notReady);
      return;
    }
    if (!route.tryAdmit()) {
      reject(request, routeMetrics, start, GatewayError.OVERLOADED,
          "route " + route.name() + " has " + route.config().maxInFlight() + " requests in flight");
      return;
    }
    BodyReader.read(request, route.config().maxBodyBytes())
        .onComplete(
            body -> {
              if (body.succeeded()) {
                publish(request, found, routeMetrics, start, body.result());
              } else {
                route.release();
                fail(request, routeMetrics, start, body.cause());
              }
            });
  }

  private void publish(
      HttpServerRequest request, RouteMatch.Found found, RouteMetrics routeMetrics, long start, Buffer body) {
    byte[] bytes = body.getBytes();
    byte[] key;
    try {
      key = KeyExtractor.extract(found.route().config().key(), found.pathParams(), request.headers(), bytes);
    } catch (GatewayException e) {
      found.route().release();
      fail(request, routeMetrics, start, e);
      return;
    }
    new Exchange(exchangeServices, request, found, routeMetrics, start).start(key, bytes);
  }

  private void fail(HttpServerRequest request, RouteMetrics routeMetrics, long start, Throwable cause) {
    if (cause instanceof GatewayException e) {
      reject(request, routeMetrics, start, e.error(), e.getMessage());
    } else {
      // The connection broke while the body was arriving: nobody to answer.
      request.connection().close();
    }
  }

  private void reject(HttpServerRequest request, RouteMetrics routeMetrics, long start, GatewayError error, String detail) {
    routeMetrics.error(error);
    routeMetrics.answered(writer.problem(request, error, detail), System.nanoTime() - start);
  }
}
