package io.courier.gateway.config;

import io.courier.protocol.CorrelationIds;
import java.util.List;

/**
 * The whole gateway configuration, validated and with every default applied. Immutable.
 *
 * @param instanceId this gateway instance's name; it prefixes every correlation id it makes
 * @param http the HTTP front end
 * @param kafka the Kafka connection and response topic
 * @param routes every route of every service, each with its service's settings resolved
 * @param results where async results and idempotency claims are kept
 * @param accessLog the access log
 * @param tracing trace context and spans
 * @param authentication the credentials the gateway accepts
 * @param management the management endpoints on a listener of their own, or {@code null} to serve them
 *     with the routes on {@code http.port}
 * @param websocket the WebSocket front end
 * @param warnings what the file does that works but is risky or has no effect, each as {@code file:line:
 *     key path: message}; the gateway logs them at start-up
 */
public record GatewayConfig(
    String instanceId,
    HttpConfig http,
    KafkaConfig kafka,
    List<RouteConfig> routes,
    ResultsConfig results,
    AccessLogConfig accessLog,
    TracingConfig tracing,
    AuthenticationConfig authentication,
    List<String> warnings,
    ManagementConfig management,
    WebSocketConfig websocket) {

  public GatewayConfig {
    websocket = websocket == null ? WebSocketConfig.OFF : websocket;
    routes = List.copyOf(routes);
    warnings = List.copyOf(warnings);
  }

  /** A configuration without results and warnings, e.g. built in code. */
  public GatewayConfig(String instanceId, HttpConfig http, KafkaConfig kafka, List<RouteConfig> routes) {
    this(instanceId, http, kafka, routes, ResultsConfig.disabled(), AccessLogConfig.OFF, TracingConfig.NONE, AuthenticationConfig.NONE, List.of(), null, WebSocketConfig.OFF);
  }

  /** This configuration under another instance id, e.g. from the command line. */
  public GatewayConfig withInstanceId(String id) {
    if (!CorrelationIds.isValidInstanceId(id)) {
      throw new ConfigException("instance id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', was \"" + id + "\"");
    }
    return new GatewayConfig(id, http, kafka, routes, results, accessLog, tracing, authentication, warnings, management, websocket);
  }

  /** This configuration listening on another HTTP port, e.g. from the command line. */
  public GatewayConfig withHttpPort(int port) {
    if (port < 0 || port > 65535) {
      throw new ConfigException("port must be between 0 and 65535, was " + port);
    }
    return new GatewayConfig(instanceId, http.withPort(port), kafka, routes, results, accessLog, tracing, authentication, warnings, management, websocket);
  }

  /** This configuration against another cluster, e.g. from the command line. */
  public GatewayConfig withBootstrapServers(String bootstrapServers) {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new ConfigException("bootstrap servers must not be empty");
    }
    KafkaConfig moved = kafka.withBootstrapServers(bootstrapServers);
    return new GatewayConfig(instanceId, http, moved, routes, results, accessLog, tracing, authentication, warnings, management, websocket);
  }

  /** The responder groups the services name, without repeats. */
  public List<String> responderGroups() {
    return routes.stream().map(RouteConfig::responderGroup).filter(java.util.Objects::nonNull).distinct().toList();
  }

  /** The request topics of all routes, without repeats. */
  public List<String> requestTopics() {
    return routes.stream().map(RouteConfig::requestTopic).distinct().toList();
  }
}
