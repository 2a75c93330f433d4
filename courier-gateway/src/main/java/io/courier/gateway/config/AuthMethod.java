package io.courier.gateway.config;

import java.util.Locale;

/** A way a caller proves who it is, as written in a route's {@code authentication}. */
public enum AuthMethod {
  /** Nobody is asked: the route is open. Must be written out once the gateway has credentials. */
  NONE,
  /** A key in a header ({@code authentication.api-keys.header}), known by its SHA-256. */
  API_KEY,
  /** A JWT bearer token (RFC 6750) signed by a key of {@code authentication.jwt}'s JWKS. */
  JWT,
  /** A TLS client certificate the listener's trust store accepted (mTLS); identity is its subject. */
  MTLS;

  /** As written in configuration and sent in {@code courier-identity-kind}: {@code api-key}, {@code jwt} ... */
  public String slug() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The method written as {@code text}, or {@code null}. */
  static AuthMethod parse(String text) {
    for (AuthMethod method : values()) {
      if (method.slug().equals(text)) {
        return method;
      }
    }
    return null;
  }
}
