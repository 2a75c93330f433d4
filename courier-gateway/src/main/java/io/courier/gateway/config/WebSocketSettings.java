package io.courier.gateway.config;

import io.courier.gateway.path.RequestTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads {@code websocket} and checks that its path is not also a route's, the results' or a management path. */
final class WebSocketSettings {
  private WebSocketSettings() {}

  static WebSocketConfig parse(YamlNode node, List<RouteConfig> routes, ResultsConfig results) {
    if (node == null) {
      return WebSocketConfig.OFF;
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.WEBSOCKET.path()));
    YamlNode enabled = node.child(Setting.WEBSOCKET_ENABLED.key());
    YamlNode pathNode = node.child(Setting.WEBSOCKET_PATH.key());
    YamlNode frame = node.child(Setting.WEBSOCKET_MAX_FRAME_BYTES.key());
    YamlNode inFlight = node.child(Setting.WEBSOCKET_MAX_IN_FLIGHT.key());
    YamlNode idle = node.child(Setting.WEBSOCKET_IDLE_TIMEOUT.key());
    YamlNode sockets = node.child(Setting.WEBSOCKET_MAX_SOCKETS.key());
    YamlNode origins = node.child(Setting.WEBSOCKET_ALLOWED_ORIGINS.key());
    String path = pathNode == null ? WebSocketConfig.DEFAULT_PATH : pathNode.asString();
    if (!path.matches("(/[A-Za-z0-9._~-]+)+")) {
      throw pathNode.error("must be a path of literal segments such as /ws, was \"" + path + "\"");
    }
    if (pathNode != null) {
      checkFree(pathNode, path, routes, results);
    } else if (enabled != null && enabled.asBoolean()) {
      checkFree(enabled, path, routes, results);
    }
    List<String> allowed = new ArrayList<>();
    if (origins != null) {
      for (YamlNode origin : origins.asList()) {
        String value = origin.asString();
        if (!value.equals("*") && !value.matches("[a-z][a-z0-9+.-]*://[^/?#\\s]+")) {
          throw origin.error("must be an origin such as https://app.example.com (scheme://host[:port]) or *, was \"" + value + "\"");
        }
        allowed.add(value);
      }
    }
    return new WebSocketConfig(
        enabled != null && enabled.asBoolean(),
        path,
        frame == null ? WebSocketConfig.DEFAULT_MAX_FRAME_BYTES : frame.asInt(1024, 64 * 1024 * 1024),
        inFlight == null ? WebSocketConfig.DEFAULT_MAX_IN_FLIGHT : inFlight.asInt(1, 100_000),
        idle == null ? WebSocketConfig.DEFAULT_IDLE_TIMEOUT : idle.asDuration(Duration.ofSeconds(1), Duration.ofHours(24)),
        sockets == null ? WebSocketConfig.DEFAULT_MAX_SOCKETS : sockets.asInt(1, 1_000_000),
        allowed);
  }

  /** The socket's path must be its own: an upgrade there never reaches a route, a result or a management endpoint. */
  private static void checkFree(YamlNode node, String path, List<RouteConfig> routes, ResultsConfig results) {
    if (ManagementPaths.ALL.contains(path)) {
      throw node.error(path + " is reserved for the gateway's own endpoints (" + ManagementPaths.LISTED + ")");
    }
    if (results.enabled() && (path + "/").startsWith(results.path() + "/")) {
      throw node.error(path + " lies under results.path (" + results.path() + ")");
    }
    RequestTarget target = RequestTarget.parse(path);
    for (RouteConfig route : routes) {
      if (io.courier.gateway.path.PathTemplate.parse(route.path()).match(target) != null) {
        throw node.error(path + " is also the path of route " + route.name() + "; give websocket.path another value");
      }
    }
  }
}
