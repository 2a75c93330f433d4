package io.courier.gateway.config;

/**
 * The management listener apart from the routes' ({@code management}): {@code /health}, {@code /ready},
 * {@code /metrics} and the other {@link ManagementPaths} on their own port, and only there. Immutable.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param tls TLS on this listener, or {@code null} for plain HTTP
 * @param access who may call the management endpoints on this listener ({@link RouteAccess#OPEN}: anyone)
 */
public record ManagementConfig(String host, int port, TlsConfig tls, RouteAccess access) {
  public ManagementConfig {
    access = access == null ? RouteAccess.OPEN : access;
  }

  /** Open to anyone who reaches the port. */
  public ManagementConfig(String host, int port, TlsConfig tls) {
    this(host, port, tls, RouteAccess.OPEN);
  }
}
