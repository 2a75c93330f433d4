package io.courier.gateway.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Reads {@code authentication} and the {@code authentication}, {@code scopes} and {@code claims} of services
 * and routes (docs/security.md). Key material is read here, once: files and environment variables are
 * hashed and forgotten, and never appear in an error message.
 */
final class AuthenticationSettings {
  private static final Pattern NAME = AuthenticationConfig.ApiKey.NAME;
  /** Fields HTTP or Courier give a meaning: a key there would be taken for something else, or forwarded. */
  private static final java.util.Set<String> RESERVED_HEADERS = java.util.Set.of(
      "proxy-authorization", "content-type", "content-length", "transfer-encoding", "host", "connection", "expect",
      "idempotency-key", "prefer", "origin", "accept", "te", "upgrade");
  /** Keys read from a file or the environment are unknown until start-up: too short is refused there. */
  static final int MIN_KEY_CHARS = 16;
  private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");

  private AuthenticationSettings() {}

  static AuthenticationConfig parse(YamlNode node, UnaryOperator<String> environment) {
    if (node == null) {
      return AuthenticationConfig.NONE;
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.AUTHENTICATION.key()));
    YamlNode apiKeys = node.child(Setting.AUTHENTICATION_API_KEYS.key());
    YamlNode jwt = node.child(Setting.AUTHENTICATION_JWT.key());
    return new AuthenticationConfig(apiKeys == null ? null : apiKeys(apiKeys, environment), jwt == null ? null : jwt(jwt));
  }

  private static AuthenticationConfig.ApiKeys apiKeys(YamlNode node, UnaryOperator<String> environment) {
    node.rejectUnknownKeys(ConfigLoader.keysUnder("authentication.api-keys"));
    YamlNode header = node.child(Setting.AUTHENTICATION_API_KEYS_HEADER.key());
    String name = header == null ? AuthenticationConfig.ApiKeys.DEFAULT_HEADER : header.asString().toLowerCase(java.util.Locale.ROOT);
    if (!name.matches("[a-z0-9!#$%&'*+.^_`|~-]+")) {
      throw header.error("is not an HTTP header name: \"" + name + "\"");
    }
    if (name.equals("authorization") || name.equals("cookie")) {
      throw header.error(name + " is for bearer tokens and sessions; API keys go in a header of their own");
    }
    if (io.courier.protocol.HeaderNames.isProtocolHeader(name) || io.courier.protocol.HeaderNames.isTraceContextHeader(name)
        || RESERVED_HEADERS.contains(name)) {
      throw header.error(name + " has a meaning of its own to HTTP or Courier; API keys go in a header of their own, e.g. x-api-key");
    }
    List<AuthenticationConfig.ApiKey> keys = new ArrayList<>();
    Set<String> names = new HashSet<>();
    Set<String> hashes = new HashSet<>();
    List<YamlNode> items = node.required(Setting.AUTHENTICATION_API_KEYS_KEYS.key()).asList();
    if (items.isEmpty()) {
      throw node.child(Setting.AUTHENTICATION_API_KEYS_KEYS.key()).error("must list at least one key");
    }
    for (YamlNode item : items) {
      item.rejectUnknownKeys(ConfigLoader.keysUnder("authentication.api-keys.keys[]"));
      YamlNode keyName = item.required(Setting.AUTHENTICATION_API_KEY_NAME.key());
      if (!NAME.matcher(keyName.asString()).matches()) {
        throw keyName.error("must be 1-128 characters of A-Z a-z 0-9 . _ @ : -, was \"" + keyName.asString() + "\"");
      }
      if (!names.add(keyName.asString())) {
        throw keyName.error("two keys are named \"" + keyName.asString() + "\"");
      }
      byte[] sha256 = keyHash(item, environment);
      if (!hashes.add(HexFormat.of().formatHex(sha256))) {
        throw item.error("the same key is listed twice (under two names)");
      }
      keys.add(new AuthenticationConfig.ApiKey(keyName.asString(), sha256));
    }
    return new AuthenticationConfig.ApiKeys(name, keys);
  }

  /** The key's SHA-256, from exactly one of {@code sha256}, {@code file} and {@code env}. */
  private static byte[] keyHash(YamlNode item, UnaryOperator<String> environment) {
    YamlNode sha256 = item.child(Setting.AUTHENTICATION_API_KEY_SHA256.key());
    YamlNode file = item.child(Setting.AUTHENTICATION_API_KEY_FILE.key());
    YamlNode env = item.child(Setting.AUTHENTICATION_API_KEY_ENV.key());
    int given = (sha256 == null ? 0 : 1) + (file == null ? 0 : 1) + (env == null ? 0 : 1);
    if (given != 1) {
      throw item.error("needs exactly one of sha256, file, env (the key itself is never written here)");
    }
    if (sha256 != null) {
      if (!SHA256.matcher(sha256.asString()).matches()) {
        throw sha256.error("must be 64 hex digits (a SHA-256), not the key itself");
      }
      return HexFormat.of().parseHex(sha256.asString().toLowerCase(java.util.Locale.ROOT));
    }
    String key;
    if (file != null) {
      try {
        key = Files.readString(Path.of(file.asString()), StandardCharsets.UTF_8).strip();
      } catch (IOException | RuntimeException e) {
        throw file.error("cannot be read: " + e.getClass().getSimpleName());
      }
      if (key.isEmpty()) {
        throw file.error("is empty");
      }
      checkKey(key, file);
    } else {
      key = environment.apply(env.asString());
      if (key == null || key.isBlank()) {
        throw env.error("environment variable " + env.asString() + " is not set");
      }
      key = key.strip();
      checkKey(key, env);
    }
    return AuthenticationConfig.ApiKey.hash(key);
  }

  /** One line of visible characters, long enough to guess no sooner than a random key; never quoted back. */
  private static void checkKey(String key, YamlNode where) {
    if (key.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw where.error("holds a key with a line break, space or control character (one key per file or variable, on one line)");
    }
    if (key.length() < MIN_KEY_CHARS) {
      throw where.error("holds a key shorter than " + MIN_KEY_CHARS + " characters: make one with `courier api-key`");
    }
  }

  private static AuthenticationConfig.Jwt jwt(YamlNode node) {
    node.rejectUnknownKeys(ConfigLoader.keysUnder("authentication.jwt"));
    YamlNode file = node.child(Setting.AUTHENTICATION_JWT_JWKS_FILE.key());
    YamlNode url = node.child(Setting.AUTHENTICATION_JWT_JWKS_URL.key());
    if ((file == null) == (url == null)) {
      throw node.error("needs exactly one of jwks-file, jwks-url");
    }
    YamlNode ca = node.child(Setting.AUTHENTICATION_JWT_JWKS_CA_FILE.key());
    if (ca != null && url == null) {
      throw ca.error("applies to jwks-url only");
    }
    YamlNode refresh = node.child(Setting.AUTHENTICATION_JWT_JWKS_REFRESH.key());
    YamlNode skew = node.child(Setting.AUTHENTICATION_JWT_CLOCK_SKEW.key());
    YamlNode algorithms = node.child(Setting.AUTHENTICATION_JWT_ALGORITHMS.key());
    YamlNode scopeClaim = node.child(Setting.AUTHENTICATION_JWT_SCOPE_CLAIM.key());
    YamlNode forward = node.child(Setting.AUTHENTICATION_JWT_FORWARD_CLAIMS.key());
    List<String> chosen = AuthenticationConfig.Jwt.DEFAULT_ALGORITHMS;
    if (algorithms != null) {
      chosen = new ArrayList<>();
      for (YamlNode item : algorithms.asList()) {
        if (!AuthenticationConfig.Jwt.SUPPORTED_ALGORITHMS.contains(item.asString())) {
          throw item.error("must be one of " + String.join(", ", AuthenticationConfig.Jwt.SUPPORTED_ALGORITHMS)
              + " (shared secrets and unsigned tokens are not accepted), was \"" + item.asString() + "\"");
        }
        chosen.add(item.asString());
      }
      if (chosen.isEmpty()) {
        throw algorithms.error("must name at least one algorithm");
      }
    }
    List<String> forwardClaims = new ArrayList<>();
    if (forward != null) {
      for (YamlNode item : forward.asList()) {
        if (!item.asString().matches("[a-z0-9_.-]{1,64}")) {
          throw item.error("must be 1-64 characters of a-z 0-9 _ . - (it becomes a header name), was \"" + item.asString() + "\"");
        }
        forwardClaims.add(item.asString());
      }
    }
    return new AuthenticationConfig.Jwt(
        file == null ? null : Path.of(file.asString()),
        url == null ? null : jwksUrl(url),
        ca == null ? null : Path.of(ca.asString()),
        refresh == null ? AuthenticationConfig.Jwt.DEFAULT_REFRESH : refresh.asDuration(Duration.ofSeconds(10), Duration.ofDays(1)),
        node.required(Setting.AUTHENTICATION_JWT_ISSUER.key()).asString(),
        node.required(Setting.AUTHENTICATION_JWT_AUDIENCE.key()).asString(),
        skew == null ? AuthenticationConfig.Jwt.DEFAULT_CLOCK_SKEW : skew.asDuration(Duration.ZERO, Duration.ofMinutes(10)),
        chosen,
        scopeClaim == null ? AuthenticationConfig.Jwt.DEFAULT_SCOPE_CLAIM : scopeClaim.asString(),
        forwardClaims);
  }

  /** An {@code https} URL, or {@code http} to a loopback address (a sidecar); keys must not travel in the clear. */
  private static URI jwksUrl(YamlNode node) {
    URI uri;
    try {
      uri = new URI(node.asString());
    } catch (URISyntaxException e) {
      throw node.error("is not a URL: " + e.getReason());
    }
    if (uri.getHost() == null) {
      throw node.error("must be an https URL, was \"" + node.asString() + "\"");
    }
    if ("https".equals(uri.getScheme())) {
      return uri;
    }
    if ("http".equals(uri.getScheme()) && isLoopback(uri.getHost())) {
      return uri;
    }
    throw node.error("must be an https URL (http only to a loopback address), was \"" + node.asString() + "\"");
  }

  private static boolean isLoopback(String host) {
    if (host.equals("localhost")) {
      return true;
    }
    try {
      // Literal addresses only: no name lookup at configuration time.
      return host.matches("[0-9.]+|\\[[0-9a-fA-F:]+\\]") && InetAddress.getByName(host.replaceAll("[\\[\\]]", "")).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * The access of a service or route: its own {@code authentication}, {@code scopes} and {@code claims}
   * over {@code inherited}; {@code null} when neither says how callers authenticate.
   */
  static RouteAccess access(
      YamlNode holder, Setting methodsKey, Setting scopesKey, Setting claimsKey, RouteAccess inherited, AuthenticationConfig authentication) {
    YamlNode methodsNode = holder.child(methodsKey.key());
    YamlNode scopesNode = holder.child(scopesKey.key());
    YamlNode claimsNode = holder.child(claimsKey.key());
    if (methodsNode == null && scopesNode == null && claimsNode == null) {
      return inherited;
    }
    List<AuthMethod> methods = methodsNode == null ? (inherited == null ? null : inherited.methods()) : methods(methodsNode, authentication);
    List<String> scopes = scopesNode == null ? (inherited == null ? List.of() : inherited.scopes()) : scopes(scopesNode);
    Map<String, String> claims = claimsNode == null ? (inherited == null ? Map.of() : inherited.claims()) : claims(claimsNode);
    if (methods == null) {
      throw holder.error("sets scopes or claims but not authentication");
    }
    if ((!scopes.isEmpty() || !claims.isEmpty()) && !methods.contains(AuthMethod.JWT)) {
      throw (scopesNode != null ? scopesNode : claimsNode != null ? claimsNode : holder)
          .error("scopes and claims are checked on JWT bearer tokens, but authentication does not include jwt");
    }
    if ((!scopes.isEmpty() || !claims.isEmpty()) && methods.size() > 1) {
      throw (methodsNode != null ? methodsNode : holder)
          .error("with scopes or claims, jwt must be the only method: another would let callers past them");
    }
    return new RouteAccess(methods, scopes, claims);
  }

  private static List<AuthMethod> methods(YamlNode node, AuthenticationConfig authentication) {
    List<YamlNode> items = node.isList() ? node.asList() : List.of(node);
    if (items.isEmpty()) {
      throw node.error("must name a method: none, api-key, jwt or mtls");
    }
    List<AuthMethod> methods = new ArrayList<>();
    for (YamlNode item : items) {
      AuthMethod method = AuthMethod.parse(item.asString());
      if (method == null) {
        throw item.error("must be none, api-key, jwt or mtls, was \"" + item.asString() + "\"");
      }
      if (method == AuthMethod.API_KEY && authentication.apiKeys() == null) {
        throw item.error("api-key needs authentication.api-keys");
      }
      if (method == AuthMethod.JWT && authentication.jwt() == null) {
        throw item.error("jwt needs authentication.jwt");
      }
      if (!methods.contains(method)) {
        methods.add(method);
      }
    }
    if (methods.contains(AuthMethod.NONE) && methods.size() > 1) {
      throw node.error("none cannot be combined with other methods: the route would be open anyway");
    }
    return methods;
  }

  private static List<String> scopes(YamlNode node) {
    List<String> scopes = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      if (!item.asString().matches("[\\x21\\x23-\\x5B\\x5D-\\x7E]+")) {
        throw item.error("is not a scope (RFC 6749 section 3.3), was \"" + item.asString() + "\"");
      }
      scopes.add(item.asString());
    }
    return scopes;
  }

  private static Map<String, String> claims(YamlNode node) {
    return new LinkedHashMap<>(node.asStringMap());
  }
}
