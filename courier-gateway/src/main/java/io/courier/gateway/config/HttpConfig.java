package io.courier.gateway.config;

import java.time.Duration;

/**
 * The HTTP front end.
 *
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param eventLoops Vert.x event loops serving HTTP
 * @param maxHeaderBytes largest request header block accepted (431 beyond)
 * @param retryAfter the {@code Retry-After} sent with 503 responses
 * @param headerTimeout time from a request's first byte to the end of its header block (408 beyond)
 * @param bodyTimeout time for a request's body to arrive once its headers have (408 beyond)
 * @param idleTimeout time a connection with no request in progress stays open
 * @param http2Cleartext whether HTTP/2 without TLS (h2c: prior knowledge or {@code Upgrade: h2c}) is served
 * @param nativeTransport whether the event loops use Linux's epoll (Netty's native transport) where it loads,
 *     rather than Java NIO
 * @param tls TLS on the listener, or {@code null} for plain HTTP
 */
public record HttpConfig(
    String host,
    int port,
    int eventLoops,
    int maxHeaderBytes,
    Duration retryAfter,
    Duration headerTimeout,
    Duration bodyTimeout,
    Duration idleTimeout,
    boolean http2Cleartext,
    boolean nativeTransport,
    TlsConfig tls) {

  /** Plain HTTP over the native transport where it loads. */
  public HttpConfig(
      String host, int port, int eventLoops, int maxHeaderBytes, Duration retryAfter, Duration headerTimeout,
      Duration bodyTimeout, Duration idleTimeout, boolean http2Cleartext) {
    this(host, port, eventLoops, maxHeaderBytes, retryAfter, headerTimeout, bodyTimeout, idleTimeout, http2Cleartext, true, null);
  }

  /** Over the native transport where it loads (this record's shape before {@code nativeTransport}). */
  public HttpConfig(
      String host, int port, int eventLoops, int maxHeaderBytes, Duration retryAfter, Duration headerTimeout,
      Duration bodyTimeout, Duration idleTimeout, boolean http2Cleartext, TlsConfig tls) {
    this(host, port, eventLoops, maxHeaderBytes, retryAfter, headerTimeout, bodyTimeout, idleTimeout, http2Cleartext, true, tls);
  }

  /** This configuration on another port. */
  public HttpConfig withPort(int newPort) {
    return new HttpConfig(
        host, newPort, eventLoops, maxHeaderBytes, retryAfter, headerTimeout, bodyTimeout, idleTimeout, http2Cleartext,
        nativeTransport, tls);
  }
}
