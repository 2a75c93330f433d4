package io.courier.gateway.config;

/**
 * The management listener apart from the routes' ({@code management}): {@code /health}, {@code /ready},
 * {@code /metrics} and the other {@link ManagementPaths} on their own port, and only there. Immutable.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param tls TLS on this listener, or {@code null} for plain HTTP
 */
public record ManagementConfig(String host, int port, TlsConfig tls) {}
