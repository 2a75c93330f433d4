package io.courier.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Who the caller of a request proved to be at the gateway, on routes with authentication (docs/protocol.md,
 * "Request headers"; docs/security.md): {@code courier-identity}, {@code courier-identity-kind} and {@code
 * courier-identity-claim.<name>}. A service authorizes on it; the gateway never lets a caller set it.
 * Immutable.
 *
 * @param kind how the caller authenticated: {@code api-key}, {@code jwt} or {@code mtls}
 * @param name the API key's name, the JWT's {@code sub}, or the client certificate's subject (RFC 2253)
 * @param claims the JWT claims the gateway forwards ({@code authentication.jwt.forward-claims}), as text, in order
 */
public record CallerIdentity(String kind, String name, Map<String, String> claims) {
  public CallerIdentity {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
    claims = Collections.unmodifiableMap(new LinkedHashMap<>(claims));
  }
}
