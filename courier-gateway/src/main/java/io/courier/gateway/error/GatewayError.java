package io.courier.gateway.error;

/**
 * Every failure the gateway itself answers, with its HTTP status and RFC 9457 problem type: the one table
 * from failure to HTTP. Replies from services are passed through untouched and never appear here.
 *
 * <p>Errors answered before a route matched are counted under route {@code none}, the others under their
 * route ({@code courier.errors}).
 */
public enum GatewayError {
  MALFORMED_REQUEST(400, "malformed-request", "The request cannot be read", false),
  ROUTE_NOT_FOUND(404, "route-not-found", "No route for this path", false),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed on this path", false),
  HTTP_VERSION_NOT_SUPPORTED(505, "http-version-not-supported", "The HTTP version is not supported", false),
  URI_TOO_LONG(414, "uri-too-long", "The request-target is too long", false),
  HEADERS_TOO_LARGE(431, "headers-too-large", "The request's header fields are too large", false),
  MALFORMED_BODY(400, "malformed-body", "The request body is not valid JSON", false),
  MISSING_KEY(400, "missing-key", "The request lacks the value its record key comes from", false),
  MALFORMED_IDEMPOTENCY_KEY(400, "malformed-idempotency-key", "The Idempotency-Key header is missing or malformed", false),
  CORS_REJECTED(403, "cors-rejected", "The route's CORS policy does not allow this cross-origin request", false),
  UNAUTHORIZED(401, "unauthorized", "Authentication is required", false),
  FORBIDDEN(403, "forbidden", "The caller may not call this route", false),
  RESULT_NOT_FOUND(404, "result-not-found", "No such result", false),
  ENTITY_NOT_FOUND(404, "entity-not-found", "The entity has no state yet", false),
  IDEMPOTENCY_IN_PROGRESS(409, "idempotency-in-progress", "A request with this Idempotency-Key is still in progress", true),
  NOT_CANCELLABLE(409, "not-cancellable", "The command can no longer be cancelled", false),
  CANCELLED(409, "cancelled", "The command was cancelled", false),
  IDEMPOTENCY_KEY_REUSED(422, "idempotency-key-reused", "The Idempotency-Key was used for a different request", false),
  RATE_LIMITED(429, "rate-limited", "Too many requests from this caller", true),
  DUPLICATE_REQUEST_ID(409, "duplicate-request-id", "A request with this id is in flight on this socket", false),
  SOCKET_IN_FLIGHT_LIMIT(429, "socket-in-flight-limit", "Too many requests in flight on this socket", true),
  ORIGIN_REJECTED(403, "origin-rejected", "Pages of this origin may not open a WebSocket", false),
  UPGRADE_REQUIRED(426, "upgrade-required", "This path takes only WebSocket upgrades", false),
  REQUEST_TIMEOUT(408, "request-timeout", "The request was not received in time", false),
  BODY_TOO_LARGE(413, "body-too-large", "The request body is too large", false),
  EXPECTATION_FAILED(417, "expectation-failed", "The Expect header cannot be met", false),
  INTERNAL_ERROR(500, "internal-error", "The gateway failed unexpectedly", false),
  KAFKA_REFUSED(500, "kafka-refused", "Kafka refused the request for good", false),
  OVERLOADED(503, "overloaded", "Too many requests in flight", true),
  NOT_READY(503, "not-ready", "The gateway is not ready to take requests", true),
  NO_RESPONDERS(503, "no-responders", "No instance of the service is running", true),
  KAFKA_UNAVAILABLE(503, "kafka-unavailable", "Kafka did not accept the request in time", true),
  PRODUCE_FAILED(503, "produce-failed", "Kafka could not take the request now", true),
  AUTHENTICATION_UNAVAILABLE(503, "authentication-unavailable", "The keys to check credentials with are not at hand", true),
  RESULTS_UNAVAILABLE(503, "results-unavailable", "The results topic cannot be reached now", true),
  SHUTTING_DOWN(503, "shutting-down", "The gateway is shutting down", true),
  UNHEALTHY(503, "unhealthy", "The gateway cannot recover by itself and should be restarted", false),
  BAD_REPLY(502, "bad-reply", "The service's reply cannot be sent as HTTP", false),
  STREAM_BROKEN(502, "stream-broken", "Records of the stream are missing", false),
  STREAM_TOO_LARGE(502, "stream-too-large", "The stream is too large to answer as one JSON array", false),
  SLOW_READER(503, "slow-reader", "The caller read the stream too slowly", false),
  STREAM_IDLE_TIMEOUT(504, "stream-idle-timeout", "The stream stalled", false),
  STREAM_MAX_DURATION(504, "stream-max-duration", "The stream ran past its time limit", false),
  TIMEOUT(504, "timeout", "The service did not reply in time", false),
  STATE_TIMEOUT(504, "state-timeout", "The entity did not reach an awaited state in time", false);

  private static final String TYPE_PREFIX = "urn:courier:problem:";

  private final int status;
  private final String type;
  private final String title;
  private final boolean retryable;

  GatewayError(int status, String slug, String title, boolean retryable) {
    this.status = status;
    this.type = TYPE_PREFIX + slug;
    this.title = title;
    this.retryable = retryable;
  }

  public int status() {
    return status;
  }

  /** The problem {@code type} URI, stable across versions. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  /** Whether the response carries {@code Retry-After}: the same request may succeed later. */
  public boolean retryable() {
    return retryable;
  }

  /**
   * Whether the caller's connection must close after this answer: the request was not read to its end (its
   * body is refused or never came), so the connection cannot carry another request (HTTP/1.1 only).
   */
  public boolean closesConnection() {
    return this == BODY_TOO_LARGE || this == REQUEST_TIMEOUT || this == EXPECTATION_FAILED;
  }

  /** The short name used in metrics tags, e.g. {@code kafka-unavailable}. */
  public String slug() {
    return type.substring(TYPE_PREFIX.length());
  }
}
