package io.courier.gateway.routing;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.path.PathTemplate;
import io.courier.gateway.path.RequestTarget;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds the route for a method and path. The most specific template wins (more literal segments), so
 * {@code /orders/recent} beats {@code /orders/{id}}; configuration refuses two templates of one method that
 * could both match a path with neither more specific. {@code HEAD} is served by the {@code GET} route (RFC
 * 9110 section 9.3.2). Immutable and thread-safe.
 *
 * <p>Templates are kept in a tree of segments (a literal child per segment text, one child for a parameter),
 * so a look-up walks the request's segments instead of trying every template: its cost grows with the
 * path's length and the number of templates that overlap it, not with the number of routes. A miss, which
 * is what a scanner probing the gateway costs, usually ends at the first segment.
 */
public final class RouteTable {
  private final List<Route> routes;
  private final Node root = new Node();

  public RouteTable(List<RouteConfig> configs) {
    // Sorted by specificity, stably: a route's index is its rank, lower wins among routes of one method
    this.routes =
        configs.stream()
            .map(Route::new)
            .sorted(Comparator.comparingInt((Route route) -> route.template().specificity()).reversed())
            .toList();
    for (int rank = 0; rank < routes.size(); rank++) {
      root.add(routes.get(rank), rank);
    }
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
    Search search = new Search(method.equals("HEAD") ? "GET" : method, target);
    root.search(search, 0);
    if (search.best != null) {
      return new RouteMatch.Found(search.best.route, search.best.route.template().match(target));
    }
    return search.allowed == null ? RouteMatch.NOT_FOUND : new RouteMatch.MethodNotAllowed(search.allowed);
  }

  /** A route ending at a node, with its rank in {@link #routes}. */
  private record Ranked(Route route, int rank) {}

  /** One look-up: the best route of the wanted method so far, and the methods of every route on the path. */
  private static final class Search {
    final String method;
    final RequestTarget target;
    Ranked best;
    Set<String> allowed;

    Search(String method, RequestTarget target) {
      this.method = method;
      this.target = target;
    }

    void offer(Ranked candidate) {
      String candidateMethod = candidate.route.config().method();
      if (candidateMethod.equals(method)) {
        if (best == null || candidate.rank < best.rank) {
          best = candidate;
        }
        return;
      }
      if (allowed == null) {
        allowed = new TreeSet<>();
      }
      allowed.add(candidateMethod);
      if (candidateMethod.equals("GET")) {
        allowed.add("HEAD");
      }
    }
  }

  /** The templates sharing a prefix of segments. */
  private static final class Node {
    private final Map<String, Node> literals = new HashMap<>();
    private Node parameter;
    /** Routes whose template ends here. */
    private final List<Ranked> ending = new ArrayList<>(1);

    void add(Route route, int rank) {
      PathTemplate template = route.template();
      Node node = this;
      for (int i = 0; i < template.segmentCount(); i++) {
        String literal = template.literal(i);
        if (literal == null) {
          if (node.parameter == null) {
            node.parameter = new Node();
          }
          node = node.parameter;
        } else {
          node = node.literals.computeIfAbsent(literal, text -> new Node());
        }
      }
      node.ending.add(new Ranked(route, rank));
    }

    /** Offers every route whose template matches the target's segments from {@code depth} on. */
    void search(Search search, int depth) {
      if (depth == search.target.segmentCount()) {
        for (Ranked ranked : ending) {
          search.offer(ranked);
        }
        return;
      }
      String segment = search.target.segment(depth);
      Node literal = literals.get(segment);
      if (literal != null) {
        literal.search(search, depth + 1);
      }
      // A parameter never matches an empty segment (a double slash), as in PathTemplate.match
      if (parameter != null && !segment.isEmpty()) {
        parameter.search(search, depth + 1);
      }
    }
  }
}
