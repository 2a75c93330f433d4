package io.courier.gateway.http;

import io.courier.gateway.cors.CorsPolicy;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.routing.Route;
import io.courier.gateway.routing.RouteMatch;
import io.courier.gateway.routing.RouteTable;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.EnumMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The CORS preflight step: an {@code OPTIONS} request with {@code Origin} and {@code
 * Access-Control-Request-Method}, on a path whose route for that method has CORS, is answered here (204, or
 * 403 without any {@code Access-Control-Allow-*} field) and never admitted, authenticated or produced to
 * Kafka. Every other {@code OPTIONS} keeps the 405 it always had. Thread-safe.
 */
final class CorsPreflights {
  private static final CharSequence REQUEST_METHOD = HttpHeaders.createOptimized("access-control-request-method");
  private static final CharSequence REQUEST_HEADERS = HttpHeaders.createOptimized("access-control-request-headers");

  private final RouteTable routes;
  private final ResponseWriter writer;
  /** {@code courier.cors.rejected} by route and reason, registered up front for the routes with CORS. */
  private final Map<Route, Map<CorsPolicy.Rejection, Counter>> rejected = new IdentityHashMap<>();

  CorsPreflights(RouteTable routes, ResponseWriter writer, GatewayMetrics metrics) {
    this.routes = routes;
    this.writer = writer;
    for (Route route : routes.routes()) {
      if (route.cors() != null) {
        Map<CorsPolicy.Rejection, Counter> reasons = new EnumMap<>(CorsPolicy.Rejection.class);
        for (CorsPolicy.Rejection reason : CorsPolicy.Rejection.values()) {
          reasons.put(reason, metrics.corsRejected(route, reason));
        }
        rejected.put(route, reasons);
      }
    }
  }

  /** @return whether the request was a preflight of a route with CORS, and has been answered */
  boolean answer(HttpServerRequest request, RequestTarget target) {
    if (request.method() != HttpMethod.OPTIONS) {
      return false;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    String method = request.getHeader(REQUEST_METHOD);
    if (origin == null || method == null) {
      return false;
    }
    RouteMatch match = routes.match(method.trim(), target);
    if (!(match instanceof RouteMatch.Found found) || found.route().cors() == null) {
      return false;
    }
    CorsPolicy policy = found.route().cors();
    CorsPolicy.Rejection rejection = policy.preflight(origin, method.trim(), request.getHeader(REQUEST_HEADERS));
    if (rejection == null) {
      writer.preflight(request, policy, origin, method.trim());
    } else {
      rejected.get(found.route()).get(rejection).increment();
      writer.preflightRefused(request, rejection.detail());
    }
    return true;
  }
}
