package io.courier.gateway.config;

import java.util.List;
import java.util.Map;

/**
 * Who may call a route.
 *
 * @param methods the ways a caller may authenticate, any one of which suffices; {@code [NONE]} for an open route
 * @param scopes JWT scopes the token must all have (403 otherwise)
 * @param claims JWT claim values the token must have, claim name to value (403 otherwise)
 */
public record RouteAccess(List<AuthMethod> methods, List<String> scopes, Map<String, String> claims) {
  /** An open route: no credentials asked. */
  public static final RouteAccess OPEN = new RouteAccess(List.of(AuthMethod.NONE), List.of(), Map.of());

  public RouteAccess {
    methods = List.copyOf(methods);
    scopes = List.copyOf(scopes);
    claims = Map.copyOf(claims);
  }

  /** Whether callers must authenticate. */
  public boolean protectedRoute() {
    return !methods.contains(AuthMethod.NONE);
  }
}
