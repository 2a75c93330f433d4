package io.courier.gateway.cors;

import io.courier.gateway.config.CorsConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The CORS decisions of one route (Fetch standard, "CORS protocol"): whether a preflight is allowed, whether
 * an actual request's {@code Origin} may read the answer, and the header values that say so, all made once
 * from its {@link CorsConfig}. Deciding allocates nothing for an actual request; a preflight's header list is
 * split into names. No Vert.x. Immutable and thread-safe.
 */
public final class CorsPolicy {
  /** Why a preflight was refused: the {@code reason} tag of {@code courier.cors.rejected}. */
  public enum Rejection {
    ORIGIN("the origin is not allowed to call this route"),
    METHOD("the method is not allowed for other origins on this route"),
    HEADERS("a header field in Access-Control-Request-Headers is not allowed on this route");

    private final String detail;

    Rejection(String detail) {
      this.detail = detail;
    }

    /** What the problem's {@code detail} says: which part was refused, never what would be allowed. */
    public String detail() {
      return detail;
    }

    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final boolean anyOrigin;
  private final Set<String> exactOrigins = new HashSet<>();
  /** Patterns as {@code scheme://} and {@code .rest-of-host[:port]}, the {@code *} label in between. */
  private final List<String[]> patterns = new ArrayList<>();
  private final Set<String> methods;
  private final Set<String> headers;
  private final boolean credentials;
  private final String allowHeaders;
  private final String exposeHeaders;
  private final String maxAgeSeconds;

  private CorsPolicy(CorsConfig config, String routeMethod) {
    boolean any = false;
    for (String origin : config.allowedOrigins()) {
      if (origin.equals(CorsConfig.ANY_ORIGIN)) {
        any = true;
      } else if (origin.contains("://*.")) {
        int star = origin.indexOf('*');
        patterns.add(new String[] {origin.substring(0, star), origin.substring(star + 1)});
      } else {
        exactOrigins.add(origin);
      }
    }
    this.anyOrigin = any;
    this.methods = Set.copyOf(config.allowedMethods() == null ? List.of(routeMethod) : config.allowedMethods());
    this.headers = Set.copyOf(config.allowedHeaders());
    this.credentials = config.allowCredentials();
    this.allowHeaders = config.allowedHeaders().isEmpty() ? null : String.join(", ", config.allowedHeaders());
    this.exposeHeaders = config.exposedHeaders().isEmpty() ? null : String.join(", ", config.exposedHeaders());
    this.maxAgeSeconds = Long.toString(config.maxAge().toSeconds());
  }

  /** The policy of a route of this method, or {@code null} when its CORS is off. */
  public static CorsPolicy of(CorsConfig config, String routeMethod) {
    return config.enabled() ? new CorsPolicy(config, routeMethod) : null;
  }

  /**
   * Decides a preflight: an {@code OPTIONS} request with {@code Origin} and {@code
   * Access-Control-Request-Method}.
   *
   * @param requestHeaders {@code Access-Control-Request-Headers}, a comma-separated list of names, or {@code null}
   * @return {@code null} when allowed, else why not
   */
  public Rejection preflight(String origin, String method, String requestHeaders) {
    if (!allowsOrigin(origin)) {
      return Rejection.ORIGIN;
    }
    if (!allowsMethod(method)) {
      return Rejection.METHOD;
    }
    if (requestHeaders != null) {
      for (String name : requestHeaders.split(",")) {
        String trimmed = name.trim();
        if (!trimmed.isEmpty() && !headers.contains(trimmed.toLowerCase(Locale.ROOT))) {
          return Rejection.HEADERS;
        }
      }
    }
    return null;
  }

  /** Whether a page of {@code origin} may read the answer to an actual request of {@code method}. */
  public boolean allowsActual(String origin, String method) {
    return allowsOrigin(origin) && allowsMethod(method);
  }

  /**
   * Whether {@code origin}, as the browser sent it, is allowed. Compared as sent: browsers serialize origins
   * in lower case. {@code null} (sandboxed frames, local files) only under {@code *}.
   */
  public boolean allowsOrigin(String origin) {
    if (anyOrigin || exactOrigins.contains(origin)) {
      return true;
    }
    for (String[] pattern : patterns) {
      String scheme = pattern[0];
      String rest = pattern[1];
      int label = origin.length() - scheme.length() - rest.length();
      if (label > 0 && origin.startsWith(scheme) && origin.endsWith(rest) && isLabel(origin, scheme.length(), label)) {
        return true;
      }
    }
    return false;
  }

  /** One DNS label: letters, digits and hyphens, no dot. */
  private static boolean isLabel(String text, int from, int length) {
    for (int i = from; i < from + length; i++) {
      char c = text.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private boolean allowsMethod(String method) {
    return methods.contains(method.equals("HEAD") ? "GET" : method);
  }

  /** {@code Access-Control-Allow-Origin} for an allowed origin: {@code *} under {@code *}, else the origin itself. */
  public String allowOrigin(String origin) {
    return anyOrigin && !credentials ? CorsConfig.ANY_ORIGIN : origin;
  }

  public boolean allowCredentials() {
    return credentials;
  }

  /** {@code Access-Control-Allow-Headers}, or {@code null} when no header is allowed beyond the safelisted. */
  public String allowHeaders() {
    return allowHeaders;
  }

  /** {@code Access-Control-Expose-Headers}, or {@code null} when none. */
  public String exposeHeaders() {
    return exposeHeaders;
  }

  /** {@code Access-Control-Max-Age}. */
  public String maxAgeSeconds() {
    return maxAgeSeconds;
  }
}
