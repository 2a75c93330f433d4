package io.courier.gateway.auth;

import io.courier.gateway.error.GatewayError;

/** The outcome of checking a caller's credentials against a route's access. */
public sealed interface Authentication {
  /** The route is open, or the caller proved who it is and may call it. */
  record Allowed(Identity identity) implements Authentication {
    /** An open route's caller: no identity. */
    public static final Allowed ANONYMOUS = new Allowed(null);
  }

  /**
   * The caller is refused: 401 (no or bad credentials), 403 (valid but not allowed), 503 (the keys to
   * check them with are not at hand), or, by the rate limit that follows authentication, 429.
   *
   * @param error the problem answered
   * @param reason the metric tag: {@code missing}, {@code invalid}, {@code expired}, {@code forbidden}, {@code
   *     unavailable}; {@code rate-limited} for a 429
   * @param detail for the problem's {@code detail}: never the credential, nor what in it was wrong beyond the kind
   * @param challenge the {@code WWW-Authenticate} value (RFC 9110 section 11.6.1), or {@code null}
   */
  record Refused(GatewayError error, String reason, String detail, String challenge) implements Authentication {}
}
