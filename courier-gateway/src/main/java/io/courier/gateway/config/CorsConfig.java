package io.courier.gateway.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cross-origin resource sharing (Fetch standard, "CORS protocol") of one route, resolved key by key from the
 * route's {@code cors} block over its service's over the top-level one. Off while {@link #allowedOrigins()}
 * is empty. Immutable; validates itself.
 *
 * <p>An allowed origin is written as browsers send {@code Origin}: {@code scheme://host[:port]}, scheme
 * {@code http} or {@code https}, host in lower case (international names in punycode), the port only when it
 * is not the scheme's default. A pattern replaces the whole leftmost label by {@code *}: {@code
 * https://*.example.com} matches {@code https://app.example.com}, never {@code https://example.com}, {@code
 * https://a.b.example.com}, {@code http://app.example.com} or {@code https://app.example.com:8443}; at least
 * two labels must follow the {@code *}, so that no pattern covers a whole top-level domain. A lone {@code *}
 * allows every origin and cannot go with {@code allow-credentials: true} (the Fetch standard forbids it).
 *
 * @param allowedOrigins exact origins, patterns, or {@code *}; empty: CORS off
 * @param allowedMethods methods a page of another origin may use, upper case; {@code null}: the route's own
 * @param allowedHeaders request header names a page may send beyond the CORS-safelisted ones, lower case
 * @param exposedHeaders response header names a page may read beyond the CORS-safelisted ones, lower case
 * @param allowCredentials whether a page may send cookies or HTTP authentication, and read the answer
 * @param maxAge how long a browser may keep a preflight's answer
 */
public record CorsConfig(
    List<String> allowedOrigins,
    List<String> allowedMethods,
    List<String> allowedHeaders,
    List<String> exposedHeaders,
    boolean allowCredentials,
    Duration maxAge) {

  /** Any origin: {@code allowed-origins: ["*"]}. */
  public static final String ANY_ORIGIN = "*";

  private static final Duration MAX_MAX_AGE = Duration.ofHours(24);
  private static final Pattern ORIGIN =
      Pattern.compile("(https?)://(\\*\\.)?([a-z0-9-]+(?:\\.[a-z0-9-]+)*)(?::([0-9]{1,5}))?");

  // After the constants its constructor uses.
  /** CORS off, with the defaults a block that allows origins starts from. */
  public static final CorsConfig OFF =
      new CorsConfig(List.of(), null, List.of("content-type", "idempotency-key", "prefer"),
          List.of("location", "preference-applied", "retry-after"), false, Duration.ofMinutes(10));

  public CorsConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
    allowedMethods = allowedMethods == null ? null : List.copyOf(allowedMethods);
    allowedHeaders = List.copyOf(allowedHeaders);
    exposedHeaders = List.copyOf(exposedHeaders);
    for (String origin : allowedOrigins) {
      origin(origin);
    }
    if (allowCredentials && allowedOrigins.contains(ANY_ORIGIN)) {
      throw new IllegalArgumentException(credentialsWithAnyOrigin());
    }
    if (maxAge.isNegative() || maxAge.compareTo(MAX_MAX_AGE) > 0) {
      throw new IllegalArgumentException("max-age must be between 0s and 24h, was " + maxAge);
    }
  }

  public boolean enabled() {
    return !allowedOrigins.isEmpty();
  }

  /**
   * Reads a {@code cors} block over {@code inherited}: each key given replaces the inherited value.
   *
   * @param node the block, {@code null} when absent (then {@code inherited} as it is)
   */
  static CorsConfig read(YamlNode node, CorsConfig inherited) {
    if (node == null) {
      return inherited;
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.CORS.path()));
    YamlNode origins = node.child(Setting.CORS_ALLOWED_ORIGINS.key());
    YamlNode methods = node.child(Setting.CORS_ALLOWED_METHODS.key());
    YamlNode headers = node.child(Setting.CORS_ALLOWED_HEADERS.key());
    YamlNode exposed = node.child(Setting.CORS_EXPOSED_HEADERS.key());
    YamlNode credentials = node.child(Setting.CORS_ALLOW_CREDENTIALS.key());
    YamlNode maxAge = node.child(Setting.CORS_MAX_AGE.key());
    List<String> originList = origins == null ? inherited.allowedOrigins() : origins(origins);
    boolean allowCredentials = credentials == null ? inherited.allowCredentials() : credentials.asBoolean();
    if (allowCredentials && originList.contains(ANY_ORIGIN)) {
      throw (credentials != null ? credentials : origins != null ? origins : node).error(credentialsWithAnyOrigin());
    }
    return new CorsConfig(
        originList,
        methods == null ? inherited.allowedMethods() : methods(methods),
        headers == null ? inherited.allowedHeaders() : headerNames(headers),
        exposed == null ? inherited.exposedHeaders() : headerNames(exposed),
        allowCredentials,
        maxAge == null ? inherited.maxAge() : maxAge.asDuration(Duration.ZERO, MAX_MAX_AGE));
  }

  private static List<String> origins(YamlNode node) {
    List<String> origins = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      try {
        String origin = origin(item.asString());
        if (!origins.contains(origin)) {
          origins.add(origin);
        }
      } catch (IllegalArgumentException e) {
        throw item.error(e.getMessage());
      }
    }
    return origins;
  }

  /**
   * Checks one allowed origin and returns it in the form it is compared in.
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static String origin(String text) {
    if (text.equals(ANY_ORIGIN)) {
      return text;
    }
    if (text.equalsIgnoreCase("null")) {
      throw new IllegalArgumentException("the origin null cannot be allowed: sandboxed frames and local files of any site send it");
    }
    String origin = text.toLowerCase(Locale.ROOT);
    Matcher matcher = ORIGIN.matcher(origin);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("must be an origin like https://app.example.com, http://localhost:8080 or the pattern"
          + " https://*.example.com (scheme, host, optional port; no path; a * only as the whole leftmost label;"
          + " international names in punycode), or *; was \"" + text + "\"");
    }
    String port = matcher.group(4);
    if (port != null) {
      int number = Integer.parseInt(port);
      if (number < 1 || number > 65535 || port.startsWith("0")) {
        throw new IllegalArgumentException("the port must be 1-65535, written without leading zeros; was \"" + text + "\"");
      }
      if (port.equals(matcher.group(1).equals("https") ? "443" : "80")) {
        throw new IllegalArgumentException("browsers leave the scheme's default port out of Origin: write "
            + origin.substring(0, origin.length() - port.length() - 1) + "; was \"" + text + "\"");
      }
    }
    if (matcher.group(2) != null && !matcher.group(3).contains(".")) {
      throw new IllegalArgumentException("a pattern needs at least two labels after the * (https://*.example.com),"
          + " so that it cannot cover a whole top-level domain; was \"" + text + "\"");
    }
    return origin;
  }

  private static List<String> methods(YamlNode node) {
    List<String> methods = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      String method = item.asString().toUpperCase(Locale.ROOT);
      if (!ConfigLoader.METHODS.contains(method)) {
        throw item.error("must be one of DELETE, GET, PATCH, POST, PUT (HEAD comes with GET), was " + method);
      }
      if (!methods.contains(method)) {
        methods.add(method);
      }
    }
    if (methods.isEmpty()) {
      throw node.error("must list at least one method; to turn CORS off for a route, set allowed-origins: []");
    }
    return methods;
  }

  private static List<String> headerNames(YamlNode node) {
    for (YamlNode item : node.asList()) {
      if (item.asString().equals("*")) {
        throw item.error("list the header names; * is not supported");
      }
    }
    return ConfigLoader.headerNames(node);
  }

  private static String credentialsWithAnyOrigin() {
    return "allow-credentials: true cannot go with allowed-origins: [\"*\"] (the Fetch standard forbids it):"
        + " list the origins that may send credentials";
  }
}
