package io.courier.gateway.routing;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.path.RequestTarget;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. The most specific template wins (more literal segments), so
 * {@code /orders/recent} beats {@code /orders/{id}}; configuration refuses two templates of one method that
 * could both match a path with neither more specific. {@code HEAD} is served by the {@code GET} route (RFC
 * 9110 section 9.3.2). Immutable and thread-safe.
 */
public final class RouteTable {
  private final List<Route> routes;

  public RouteTable(List<RouteConfig> configs) {
    this.routes =
        configs.stream()
            .map(Route::new)
            .sorted(Comparator.comparingInt((Route route) -> route.template().specificity()).reversed())
            .toList();
  }

  public List<Route> routes() {
    return routes;
  }

  /** Requests holding a route slot now, over all routes. */
  public int inFlight() {
    int sum = 0;
    for (Route route : routes) {
      sum += route.inFlight();
    }
    return sum;
  }

  /**
   * @param path the raw request path without the query
   * @throws io.courier.gateway.error.GatewayException (400) if the path cannot be read
   */
  public RouteMatch match(String method, String path) {
    return match(method, RequestTarget.parse(path));
  }

  public RouteMatch match(String method, RequestTarget target) {
    String wanted = method.equals("HEAD") ? "GET" : method;
    Set<String> allowed = null;
    for (Route route : routes) {
      Map<String, String> params = route.template().match(target);
      if (params == null) {
        continue;
      }
      if (route.config().method().equals(wanted)) {
        return new RouteMatch.Found(route, params);
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(route.config().method());
      if (route.config().method().equals("GET")) {
        allowed.add("HEAD");
      }
    }
    return allowed == null ? RouteMatch.NOT_FOUND : new RouteMatch.MethodNotAllowed(allowed);
  }
}
