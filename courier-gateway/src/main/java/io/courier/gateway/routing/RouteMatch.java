package io.courier.gateway.routing;

import java.util.Map;
import java.util.Set;

/** The result of looking a request up in the {@link RouteTable}. */
public sealed interface RouteMatch {

  /** A route answers this method and path. */
  record Found(Route route, Map<String, String> pathParams) implements RouteMatch {}

  /** No route has this path. */
  record NotFound() implements RouteMatch {}

  /** Routes have this path, but not for this method; {@code allowed} goes in the {@code Allow} header. */
  record MethodNotAllowed(Set<String> allowed) implements RouteMatch {}

  RouteMatch NOT_FOUND = new NotFound();
}
