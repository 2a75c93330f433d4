package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RateLimitConfigTest {
  private static GatewayConfig load(String service, String route) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        services:
          - name: s
            request-topic: t
            %s
            routes:
              - {method: GET, path: /a %s}
              - {method: POST, path: /a}
        """.formatted(service, route));
  }

  @Test
  void routesInheritTheServicesLimitMayReplaceItOrTurnItOff() {
    GatewayConfig config = load("rate-limit: {requests-per-second: 2.5}", ", rate-limit: {requests-per-second: 10, burst: 40}");
    assertThat(config.routes().get(0).rateLimit()).isEqualTo(new RateLimitConfig(10, 40));
    assertThat(config.routes().get(1).rateLimit()).as("burst: the rate rounded up").isEqualTo(new RateLimitConfig(2.5, 3));

    assertThat(load("rate-limit: {requests-per-second: 1}", ", rate-limit: off").routes().get(0).rateLimit()).isNull();
    assertThat(load("", "").routes().get(0).rateLimit()).isNull();
  }

  @Test
  void badLimitsAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> load("rate-limit: {requests-per-second: 0}", ""))
        .hasMessageContaining("services[0].rate-limit.requests-per-second: must be a number above 0");
    assertThatThrownBy(() -> load("rate-limit: {requests-per-second: fast}", "")).hasMessageContaining("requests-per-second");
    assertThatThrownBy(() -> load("rate-limit: {burst: 5}", "")).hasMessageContaining("'requests-per-second' is required");
    assertThatThrownBy(() -> load("rate-limit: {requests-per-second: 1, burst: 0}", "")).hasMessageContaining("rate-limit.burst: must be between 1");
    assertThatThrownBy(() -> load("", ", rate-limit: unlimited")).hasMessageContaining("must be off or {requests-per-second: N, burst: M}");
    assertThatThrownBy(() -> load("rate-limit: {requests-per-second: 1, per: minute}", "")).hasMessageContaining("unknown key");
  }
}
