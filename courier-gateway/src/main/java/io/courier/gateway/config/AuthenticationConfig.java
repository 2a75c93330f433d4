package io.courier.gateway.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The credentials the gateway accepts (docs/security.md); routes choose among them ({@link RouteAccess}).
 *
 * @param apiKeys API keys, or {@code null} when none are configured
 * @param jwt JWT bearer tokens, or {@code null} when not configured
 */
public record AuthenticationConfig(ApiKeys apiKeys, Jwt jwt) {
  /** No credentials: every route is open. */
  public static final AuthenticationConfig NONE = new AuthenticationConfig(null, null);

  /** Whether any credential is configured (then every service must say how it is protected). */
  public boolean configured() {
    return apiKeys != null || jwt != null;
  }

  /**
   * @param header the request header that carries the key, lower case
   * @param keys the known keys
   */
  public record ApiKeys(String header, List<ApiKey> keys) {
    public static final String DEFAULT_HEADER = "x-api-key";

    public ApiKeys {
      keys = List.copyOf(keys);
    }
  }

  /**
   * One API key, known only by its hash.
   *
   * @param name the caller identity the key stands for
   * @param sha256 the SHA-256 of the key's UTF-8 bytes, 32 bytes
   */
  public record ApiKey(String name, byte[] sha256) {
    /** What a key's name may be: it becomes {@code courier-identity}. */
    public static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@:-]{1,128}");

    public ApiKey {
      sha256 = sha256.clone();
    }

    /** The SHA-256 of a key's UTF-8 bytes: how keys are known to the gateway. */
    public static byte[] hash(String key) {
      try {
        return java.security.MessageDigest.getInstance("SHA-256").digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }

    @Override
    public byte[] sha256() {
      return sha256.clone();
    }
  }

  /**
   * JWT bearer tokens (RFC 7519, RFC 6750).
   *
   * @param jwksFile a JWK Set file, re-read when it changes; {@code null} when {@code jwksUrl} is used
   * @param jwksUrl a JWK Set URL ({@code https}, or {@code http} on loopback), fetched off the event loops; or {@code null}
   * @param jwksCaFile PEM certificates to trust for {@code jwksUrl} besides the JVM's, or {@code null}
   * @param jwksRefresh how often the JWK Set is fetched (or the file checked) again
   * @param issuer the {@code iss} every token must have
   * @param audience a value the token's {@code aud} must contain
   * @param clockSkew the leeway on {@code exp} and {@code nbf}
   * @param algorithms the signature algorithms accepted (JWS {@code alg} names)
   * @param scopeClaim the claim holding the token's scopes: a space-separated string or an array
   * @param forwardClaims claims sent to the service as {@code courier-identity-claim.<name>}
   */
  public record Jwt(
      Path jwksFile,
      URI jwksUrl,
      Path jwksCaFile,
      Duration jwksRefresh,
      String issuer,
      String audience,
      Duration clockSkew,
      List<String> algorithms,
      String scopeClaim,
      List<String> forwardClaims) {
    public static final List<String> DEFAULT_ALGORITHMS = List.of("RS256", "ES256", "EdDSA");
    /** Every algorithm that may be named: asymmetric signatures only (no shared secrets, no {@code none}). */
    public static final List<String> SUPPORTED_ALGORITHMS =
        List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA");
    public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);
    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(60);
    public static final String DEFAULT_SCOPE_CLAIM = "scope";

    public Jwt {
      algorithms = List.copyOf(algorithms);
      forwardClaims = List.copyOf(forwardClaims);
    }
  }
}
