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
 */
public record HttpConfig(String host, int port, int eventLoops, int maxHeaderBytes, Duration retryAfter) {}
