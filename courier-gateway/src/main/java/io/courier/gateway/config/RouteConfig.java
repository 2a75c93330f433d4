package io.courier.gateway.config;

import io.courier.protocol.Profile;
import java.time.Duration;
import java.util.List;

/**
 * One route, with its service's settings resolved.
 *
 * @param name unique route name, sent to the service in {@code courier-route}
 * @param service the service that owns the route
 * @param requestTopic where requests are produced
 * @param profile the header convention the service speaks
 * @param method HTTP method, upper case
 * @param path path template, e.g. {@code /orders/{id}}
 * @param key where the record key comes from
 * @param timeout how long a caller waits for the reply
 * @param maxInFlight requests of this route waiting for a reply at once; more get 503
 * @param maxBodyBytes largest request body accepted; more gets 413
 * @param forwardHeaders HTTP request headers copied into the record, lower case
 * @param responderGroup the consumer group of the service's responders, watched for members; {@code null}
 *     when not configured (then a service without responders is only noticed at the deadline)
 * @param idempotency how the route treats {@code Idempotency-Key}
 * @param cors which browser pages of other origins may call the route ({@link CorsConfig#OFF}: none)
 * @param access who may call the route
 * @param rateLimit how many requests each caller may make, or {@code null} for no limit
 * @param stream the route's stream limits, or {@code null} when it takes one reply per request
 */
public record RouteConfig(
    String name,
    String service,
    String requestTopic,
    Profile profile,
    String method,
    String path,
    KeySource key,
    Duration timeout,
    int maxInFlight,
    int maxBodyBytes,
    List<String> forwardHeaders,
    String responderGroup,
    Idempotency idempotency,
    CorsConfig cors,
    RouteAccess access,
    RateLimitConfig rateLimit,
    StreamConfig stream) {

  public RouteConfig {
    forwardHeaders = List.copyOf(forwardHeaders);
    idempotency = idempotency == null ? Idempotency.OFF : idempotency;
    cors = cors == null ? CorsConfig.OFF : cors;
    access = access == null ? RouteAccess.OPEN : access;
  }

  /** A route that takes one reply per request. */
  public RouteConfig(
      String name,
      String service,
      String requestTopic,
      Profile profile,
      String method,
      String path,
      KeySource key,
      Duration timeout,
      int maxInFlight,
      int maxBodyBytes,
      List<String> forwardHeaders,
      String responderGroup,
      Idempotency idempotency,
      CorsConfig cors,
      RouteAccess access,
      RateLimitConfig rateLimit) {
    this(name, service, requestTopic, profile, method, path, key, timeout, maxInFlight, maxBodyBytes, forwardHeaders,
        responderGroup, idempotency, cors, access, rateLimit, null);
  }

  /** Whether the route streams: many reply records per request. */
  public boolean streams() {
    return stream != null;
  }

  /** An open route without CORS. */
  public RouteConfig(
      String name,
      String service,
      String requestTopic,
      Profile profile,
      String method,
      String path,
      KeySource key,
      Duration timeout,
      int maxInFlight,
      int maxBodyBytes,
      List<String> forwardHeaders,
      String responderGroup,
      Idempotency idempotency) {
    this(name, service, requestTopic, profile, method, path, key, timeout, maxInFlight, maxBodyBytes, forwardHeaders,
        responderGroup, idempotency, CorsConfig.OFF, null, null);
  }

  /** A route whose service's responder group is not watched. */
  public RouteConfig(
      String name,
      String service,
      String requestTopic,
      Profile profile,
      String method,
      String path,
      KeySource key,
      Duration timeout,
      int maxInFlight,
      int maxBodyBytes,
      List<String> forwardHeaders) {
    this(name, service, requestTopic, profile, method, path, key, timeout, maxInFlight, maxBodyBytes, forwardHeaders, null, null, CorsConfig.OFF, null, null);
  }
}
