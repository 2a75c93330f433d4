package io.courier.gateway.auth;

import io.courier.gateway.config.AuthMethod;
import java.util.Map;

/**
 * Who a caller proved to be: sent to the service as {@code courier-identity}, {@code courier-identity-kind}
 * and {@code courier-identity-claim.<name>} (docs/protocol.md), and the owner of its async results and
 * idempotency keys.
 *
 * @param method how the caller authenticated
 * @param name the API key's name, the JWT's {@code sub}, or the client certificate's subject (RFC 2253)
 * @param claims the JWT claims configured in {@code authentication.jwt.forward-claims}, as text
 */
public record Identity(AuthMethod method, String name, Map<String, String> claims) {
  public Identity {
    claims = Map.copyOf(claims);
  }

  /** The identity as one string, {@code <kind>:<name>}: what results and idempotency keys are scoped to. */
  public String scope() {
    return method.slug() + ":" + name;
  }
}
