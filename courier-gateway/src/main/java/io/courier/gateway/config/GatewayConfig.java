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
 */
public record GatewayConfig(String instanceId, HttpConfig http, KafkaConfig kafka, List<RouteConfig> routes) {

  public GatewayConfig {
    routes = List.copyOf(routes);
  }

  /** This configuration under another instance id, e.g. from the command line. */
  public GatewayConfig withInstanceId(String id) {
    if (!CorrelationIds.isValidInstanceId(id)) {
      throw new ConfigException("instance id must be 1-64 characters of A-Z, a-z, 0-9, '_' or '-', was \"" + id + "\"");
    }
    return new GatewayConfig(id, http, kafka, routes);
  }

  /** The request topics of all routes, without repeats. */
  public List<String> requestTopics() {
    return routes.stream().map(RouteConfig::requestTopic).distinct().toList();
  }
}
