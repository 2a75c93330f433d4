package io.courier.gateway.routing;

import io.courier.gateway.config.RouteConfig;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. The most specific template wins (more literal segments), so
 * {@code /orders/recent} beats {@code /orders/{id}}. Immutable and thread-safe.
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

  /** @param path the raw request path without the query */
  public RouteMatch match(String method, String path) {
    String[] segments = PathTemplate.split(path); // once per request, not once per route
    Set<String> allowed = null;
    for (Route route : routes) {
      Map<String, String> params = route.template().match(segments);
      if (params == null) {
        continue;
      }
      if (route.config().method().equals(method)) {
        return new RouteMatch.Found(route, params);
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(route.config().method());
    }
    return allowed == null ? RouteMatch.NOT_FOUND : new RouteMatch.MethodNotAllowed(allowed);
  }
}
