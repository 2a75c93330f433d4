package io.courier.gateway.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.ExpiredJWTException;
import io.courier.gateway.config.AuthMethod;
import io.courier.gateway.config.AuthenticationConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks JWT bearer tokens (RFC 7519) with Nimbus JOSE+JWT: a signature by a key of the issuer's JWK Set in
 * one of the configured algorithms, {@code iss} exactly, {@code aud} containing the audience, {@code exp}
 * (required) and {@code nbf} within the clock skew, and a {@code sub}, the caller's identity. Then the route's
 * scopes and claim values. Thread-safe; no I/O (the keys come from a {@link JwksSource}).
 */
final class JwtVerifier {
  /** Longer than any real token: parsing a huge header value on the event loop is not free. */
  private static final int MAX_TOKEN_CHARS = 16 * 1024;
  private static final int MAX_SUBJECT_CHARS = 1024;

  /** The outcome of checking a token. */
  sealed interface Result {}

  /** A valid token: who it names, and its claims for the route's checks. */
  record Valid(Identity identity, JWTClaimsSet claims) implements Result {}

  /**
   * An invalid token.
   *
   * @param expired whether it was valid but for its {@code exp}
   * @param description what was wrong, in words safe to send back (RFC 6750 {@code error_description})
   */
  record Invalid(boolean expired, String description) implements Result {}

  /** No keys to check with: the JWK Set could not be loaded. */
  record Unavailable(String reason) implements Result {}

  private final AuthenticationConfig.Jwt config;
  private final JwksSource keys;
  private final DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
  private final DefaultJWTClaimsVerifier<SecurityContext> claimsVerifier;
  private final boolean edDsa;

  JwtVerifier(AuthenticationConfig.Jwt config, JwksSource keys, Clock clock) {
    this.config = config;
    this.keys = keys;
    Set<JWSAlgorithm> algorithms = config.algorithms().stream().map(JWSAlgorithm::parse).collect(Collectors.toSet());
    processor.setJWSKeySelector(new JWSVerificationKeySelector<>(algorithms, (selector, context) -> {
      JWKSet current = keys.keys();
      return current == null ? List.of() : selector.select(current);
    }));
    DefaultJWTClaimsVerifier<SecurityContext> claims =
        new DefaultJWTClaimsVerifier<>(
            Set.of(config.audience()),
            new JWTClaimsSet.Builder().issuer(config.issuer()).build(),
            Set.of("exp", "sub"),
            null) {
          @Override
          protected Date currentTime() {
            return Date.from(clock.instant());
          }
        };
    claims.setMaxClockSkew((int) config.clockSkew().toSeconds());
    processor.setJWTClaimsSetVerifier(claims);
    this.claimsVerifier = claims;
    this.edDsa = algorithms.contains(JWSAlgorithm.EdDSA);
    // Plain JWTs and OAuth access tokens (RFC 9068 "at+jwt"); other types are for other purposes.
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
  }

  Result verify(String token) {
    if (keys.keys() == null) {
      return new Unavailable(keys.unavailableReason());
    }
    if (token.length() > MAX_TOKEN_CHARS) {
      return new Invalid(false, "the token is too long");
    }
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException e) {
      return new Invalid(false, "the token is not a signed JWT");
    }
    String keyId = jwt.getHeader().getKeyID();
    JWKSet current = keys.keys();
    if (keyId != null && current != null && current.getKeyByKeyId(keyId) == null) {
      keys.unknownKeyId(); // the issuer may have rotated its keys: the next token may pass
    }
    JWTClaimsSet claims;
    try {
      claims = JWSAlgorithm.EdDSA.equals(jwt.getHeader().getAlgorithm()) ? edDsa(jwt, current) : processor.process(jwt, null);
    } catch (BadJOSEException e) {
      if (e instanceof ExpiredJWTException) {
        return new Invalid(true, "the token has expired");
      }
      return new Invalid(false, "the token is not signed by a trusted key, or its issuer, audience or claims are not accepted");
    } catch (JOSEException e) {
      return new Invalid(false, "the token's signature cannot be checked");
    }
    String subject = claims.getClaim("sub") instanceof String text ? text : null;
    if (subject == null || subject.isBlank() || subject.length() > MAX_SUBJECT_CHARS || subject.chars().anyMatch(Character::isISOControl)) {
      // The subject is the caller's identity: it must name someone, and fit a header and a result's owner.
      return new Invalid(false, "the token's sub is not a usable identity");
    }
    return new Valid(new Identity(AuthMethod.JWT, subject, forwarded(claims)), claims);
  }

  /**
   * An EdDSA (Ed25519) token: Nimbus's processor selects keys as JCA keys, which its Ed25519 keys are not, so
   * the signature is checked here with its {@link Ed25519Verifier} against the set's Ed25519 keys (the one
   * with the token's key id, else each), then the same type and claims checks as every other token.
   */
  private JWTClaimsSet edDsa(SignedJWT jwt, JWKSet current) throws BadJOSEException, JOSEException {
    if (!edDsa) {
      throw new BadJOSEException("EdDSA is not an accepted algorithm");
    }
    String keyId = jwt.getHeader().getKeyID();
    for (JWK key : current.getKeys()) {
      if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && (keyId == null || keyId.equals(okp.getKeyID()))
          && jwt.verify(new Ed25519Verifier(okp.toPublicJWK()))) {
        JOSEObjectType type = jwt.getHeader().getType();
        if (type != null && !JOSEObjectType.JWT.equals(type) && !"at+jwt".equals(type.getType())) {
          throw new BadJOSEException("the token's type is not accepted");
        }
        JWTClaimsSet claims;
        try {
          claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
          throw new BadJOSEException("the token's claims cannot be read", e);
        }
        claimsVerifier.verify(claims, null);
        return claims;
      }
    }
    throw new BadJOSEException("no Ed25519 key of the JWK Set verifies the token");
  }

  /** The claims {@code forward-claims} names that are strings, numbers or booleans, as text. */
  private Map<String, String> forwarded(JWTClaimsSet claims) {
    Map<String, String> forwarded = new LinkedHashMap<>();
    for (String name : config.forwardClaims()) {
      Object value = claims.getClaim(name);
      if (value instanceof String || value instanceof Number || value instanceof Boolean) {
        forwarded.put(name, value.toString());
      }
    }
    return forwarded;
  }

  /** The token's scopes: the scope claim as a space-separated string (RFC 8693) or as an array. */
  List<String> scopes(JWTClaimsSet claims) {
    Object value = claims.getClaim(config.scopeClaim());
    if (value instanceof String text) {
      return List.of(text.trim().split("\\s+"));
    }
    if (value instanceof List<?> list) {
      return list.stream().filter(String.class::isInstance).map(String.class::cast).toList();
    }
    return List.of();
  }

  /** Whether the token's claim {@code name} is {@code value}, or (an array) contains it. */
  static boolean hasClaim(JWTClaimsSet claims, String name, String value) {
    Object claim = claims.getClaim(name);
    if (claim instanceof List<?> list) {
      return list.stream().anyMatch(item -> value.equals(String.valueOf(item)));
    }
    return claim != null && value.equals(String.valueOf(claim));
  }
}
