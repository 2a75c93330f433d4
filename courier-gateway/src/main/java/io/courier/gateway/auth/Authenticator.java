package io.courier.gateway.auth;

import io.courier.gateway.config.AuthMethod;
import io.courier.gateway.config.AuthenticationConfig;
import io.courier.gateway.config.RouteAccess;
import io.courier.gateway.error.GatewayError;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Step 3a, authenticate: checks a routed request's credentials against its route's {@link RouteAccess}
 * (docs/security.md). Any one of the route's methods suffices; a credential that was sent and is wrong is
 * reported as such (401 {@code invalid}) rather than as missing. Bearer challenges follow RFC 6750; nothing of a
 * credential is ever put in a detail, a challenge or a log. Thread-safe; no I/O on the calling thread.
 */
public final class Authenticator implements AutoCloseable {
  private static final String REALM = "courier";
  private static final String BEARER = "bearer ";

  /** The metric tags of refusals. */
  public static final List<String> REASONS = List.of("missing", "invalid", "expired", "forbidden", "unavailable");

  private final ApiKeyVerifier apiKeys;
  private final JwksSource jwks;
  private final JwtVerifier jwt;

  public Authenticator(AuthenticationConfig config, Clock clock) {
    this.apiKeys = config.apiKeys() == null ? null : new ApiKeyVerifier(config.apiKeys());
    this.jwks = config.jwt() == null ? null : new JwksSource(config.jwt(), clock);
    this.jwt = jwks == null ? null : new JwtVerifier(config.jwt(), jwks, clock);
  }

  /**
   * @param access the route's access
   * @param header every value of a request header, by lower-case name; a credential sent twice is refused as
   *     invalid, whichever copy is right (a proxy that appends or reorders fields must not pick the caller)
   * @param clientCertificateSubject the subject (RFC 2253) of the TLS client certificate the listener
   *     verified, or {@code null}
   */
  public Authentication authenticate(RouteAccess access, Function<String, List<String>> header, Supplier<String> clientCertificateSubject) {
    if (!access.protectedRoute()) {
      return Authentication.Allowed.ANONYMOUS;
    }
    Authentication.Refused refused = null;
    for (AuthMethod method : access.methods()) {
      Authentication outcome =
          switch (method) {
            case API_KEY -> once(header.apply(apiKeys.header()), this::apiKeyChallenge, this::apiKey);
            case JWT -> once(header.apply("authorization"), () -> bearerChallenge("invalid_token", "the Authorization header is sent more than once", null),
                authorization -> bearer(access, authorization));
            case MTLS -> clientCertificate(clientCertificateSubject.get());
            case NONE -> Authentication.Allowed.ANONYMOUS;
          };
      if (outcome instanceof Authentication.Allowed) {
        return outcome;
      }
      if (refused == null && outcome != null) {
        refused = (Authentication.Refused) outcome;
      }
    }
    return refused != null ? refused : missing(access);
  }

  /** {@code check} of the one value sent; {@code null} when none was; invalid when several were. */
  private static Authentication once(List<String> values, Supplier<String> challenge, Function<String, Authentication> check) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      return new Authentication.Refused(GatewayError.UNAUTHORIZED, "invalid", "the credential header is sent more than once", challenge.get());
    }
    return check.apply(values.get(0));
  }

  /** {@code null} when no key was sent. */
  private Authentication apiKey(String presented) {
    if (presented == null) {
      return null;
    }
    Identity identity = apiKeys.verify(presented);
    return identity != null
        ? new Authentication.Allowed(identity)
        : new Authentication.Refused(GatewayError.UNAUTHORIZED, "invalid", "the API key is not valid", apiKeyChallenge());
  }

  /** {@code null} when no bearer token was sent. */
  private Authentication bearer(RouteAccess access, String authorization) {
    if (authorization == null || authorization.length() < BEARER.length()
        || !authorization.substring(0, BEARER.length()).toLowerCase(Locale.ROOT).equals(BEARER)) {
      return null;
    }
    JwtVerifier.Result result = jwt.verify(authorization.substring(BEARER.length()).trim());
    if (result instanceof JwtVerifier.Unavailable unavailable) {
      return new Authentication.Refused(GatewayError.AUTHENTICATION_UNAVAILABLE, "unavailable",
          "the keys to check the token with are not at hand", null);
    }
    if (result instanceof JwtVerifier.Invalid invalid) {
      return new Authentication.Refused(GatewayError.UNAUTHORIZED, invalid.expired() ? "expired" : "invalid",
          invalid.description(), bearerChallenge("invalid_token", invalid.description(), null));
    }
    JwtVerifier.Valid valid = (JwtVerifier.Valid) result;
    List<String> missingScopes = new ArrayList<>(access.scopes());
    missingScopes.removeAll(jwt.scopes(valid.claims()));
    if (!missingScopes.isEmpty()) {
      return new Authentication.Refused(GatewayError.FORBIDDEN, "forbidden",
          "the token lacks a scope this route requires: " + String.join(" ", missingScopes),
          bearerChallenge("insufficient_scope", "the token lacks a required scope", String.join(" ", access.scopes())));
    }
    for (Map.Entry<String, String> claim : access.claims().entrySet()) {
      if (!JwtVerifier.hasClaim(valid.claims(), claim.getKey(), claim.getValue())) {
        return new Authentication.Refused(GatewayError.FORBIDDEN, "forbidden",
            "the token's claim " + claim.getKey() + " does not allow this route", null);
      }
    }
    return new Authentication.Allowed(valid.identity());
  }

  /** {@code null} when no client certificate was presented. */
  private static Authentication clientCertificate(String subject) {
    return subject == null ? null : new Authentication.Allowed(new Identity(AuthMethod.MTLS, subject, Map.of()));
  }

  private Authentication.Refused missing(RouteAccess access) {
    List<String> challenges = new ArrayList<>();
    for (AuthMethod method : access.methods()) {
      if (method == AuthMethod.JWT) {
        challenges.add(bearerChallenge(null, null, null));
      } else if (method == AuthMethod.API_KEY) {
        challenges.add(apiKeyChallenge());
      }
    }
    // RFC 6750 section 3.1: without credentials, no error code.
    return new Authentication.Refused(GatewayError.UNAUTHORIZED, "missing",
        "this route requires " + access.methods().stream().map(AuthMethod::slug).reduce((a, b) -> a + " or " + b).orElse(""),
        challenges.isEmpty() ? null : String.join(", ", challenges));
  }

  private String apiKeyChallenge() {
    return "ApiKey realm=\"" + REALM + "\", header=\"" + apiKeys.header() + "\"";
  }

  private static String bearerChallenge(String error, String description, String scope) {
    StringBuilder challenge = new StringBuilder("Bearer realm=\"").append(REALM).append('"');
    if (error != null) {
      challenge.append(", error=\"").append(error).append('"');
    }
    if (description != null) {
      challenge.append(", error_description=\"").append(description).append('"');
    }
    if (scope != null) {
      challenge.append(", scope=\"").append(scope).append('"');
    }
    return challenge.toString();
  }

  /** Why JWT routes cannot check tokens now, or {@code null}. */
  public String unavailableReason() {
    return jwks == null ? null : jwks.unavailableReason();
  }

  @Override
  public void close() {
    if (jwks != null) {
      jwks.close();
    }
  }
}
