package io.courier.gateway.routing;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.protocol.Profile;
import java.time.Duration;
import java.util.List;

/** Route configurations for routing tests: only method, path and max-in-flight matter here. */
final class Routes {
  private Routes() {}

  static RouteConfig config(String method, String path) {
    return config(method, path, 1000);
  }

  static RouteConfig config(String method, String path, int maxInFlight) {
    return new RouteConfig(
        "svc." + method + " " + path,
        "svc",
        "svc.requests",
        Profile.COURIER,
        method,
        path,
        KeySource.NONE,
        Duration.ofSeconds(10),
        maxInFlight,
        1024,
        List.of());
  }
}
