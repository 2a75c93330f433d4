package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsConfigTest {
  private static GatewayConfig load(String results, String route) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092, response-topic: gw.replies}
        %s
        services:
          - name: orders
            request-topic: orders.requests
            idempotency-fingerprint-headers: [Content-Type, X-Tenant]
            routes:
              - {method: POST, path: /orders%s}
        """.formatted(results, route));
  }

  @Test
  void resultsAreOnByDefaultInATopicNamedAfterTheResponseTopic() {
    ResultsConfig results = load("", "").results();

    assertThat(results.enabled()).isTrue();
    assertThat(results.topic()).isEqualTo("gw.replies.results");
    assertThat(results.path()).isEqualTo("/results");
    assertThat(results.retention()).isEqualTo(Duration.ofHours(1));
    assertThat(results.maxBytes()).isEqualTo(64L * 1024 * 1024);
    assertThat(results.maxWait()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void everyResultsSettingIsRead() {
    ResultsConfig results =
        load("results: {topic: r, path: /commands/results, retention: 10m, max-memory-bytes: 2097152, max-wait: 5s}", "").results();

    assertThat(results).isEqualTo(new ResultsConfig(true, "r", "/commands/results", Duration.ofMinutes(10), 2097152, Duration.ofSeconds(5)));
  }

  @Test
  void idempotencyIsOffByDefaultAndInheritsTheServicesSettings() {
    Idempotency off = load("", "").routes().get(0).idempotency();
    Idempotency on = load("", ", idempotency: required, idempotency-duplicates: conflict").routes().get(0).idempotency();

    assertThat(off.mode()).isEqualTo(Idempotency.Mode.OFF);
    assertThat(on.mode()).isEqualTo(Idempotency.Mode.REQUIRED);
    assertThat(on.duplicates()).isEqualTo(Idempotency.Duplicates.CONFLICT);
    assertThat(on.fingerprintHeaders()).as("any header, lower-cased").isEqualTo(List.of("content-type", "x-tenant"));
  }

  @Test
  void idempotencyNeedsResults() {
    assertThatThrownBy(() -> load("results: {enabled: false}", ", idempotency: optional"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("services[0].routes[0].idempotency")
        .hasMessageContaining("results.enabled");
  }

  @Test
  void badValuesAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> load("", ", idempotency: sometimes"))
        .hasMessageContaining("idempotency: must be off, optional or required, was \"sometimes\"");
    assertThatThrownBy(() -> load("", ", idempotency-duplicates: queue"))
        .hasMessageContaining("must be wait or conflict");
    assertThatThrownBy(() -> load("results: {path: results}", ""))
        .hasMessageContaining("results.path: must be a path of literal segments");
    assertThatThrownBy(() -> load("results: {topic: gw.replies}", ""))
        .hasMessageContaining("results.topic: must differ from the response topic");
    assertThatThrownBy(() -> load("results: {retention: 0s}", ""))
        .hasMessageContaining("results.retention");
    assertThatThrownBy(() -> load("results: {colour: blue}", ""))
        .hasMessageContaining("results.colour: unknown key");
  }

  @Test
  void theResultsTopicCannotBeTheForwardTopic() {
    // Each instance reads both whole from different places (the forwards from their end), so one topic cannot be both.
    assertThatThrownBy(() -> load("results: {topic: gw.replies.forwards}", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("results.topic: must differ from the forward topic (kafka.replies.forward-topic: gw.replies.forwards)");
    assertThatThrownBy(() -> ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092, response-topic: gw.replies, replies: {forward-topic: gw.replies.results}}
        services:
          - {name: orders, request-topic: orders.requests, routes: [{method: POST, path: /orders}]}
        """))
        .isInstanceOf(ConfigException.class)
        .hasMessage("<config>:1: kafka.replies.forward-topic: is the results topic's default name (<response-topic>.results);"
            + " choose another forward topic, or set results.topic");
    // With results off, or a results topic of its own, that forward topic is fine.
    assertThat(ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092, response-topic: gw.replies, replies: {forward-topic: gw.replies.results}}
        results: {topic: gw.results}
        services:
          - {name: orders, request-topic: orders.requests, routes: [{method: POST, path: /orders}]}
        """).kafka().replies().forwardTopic()).isEqualTo("gw.replies.results");
  }

  @Test
  void aRouteUnderTheResultsPathIsRefused() {
    assertThatThrownBy(() -> ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        services:
          - {name: s, request-topic: t, routes: [{method: GET, path: "/results/{id}"}]}
        """))
        .hasMessageContaining("services[0].routes[0].path: lies under results.path (/results)");
  }

  @Test
  void aRouteThatAlsoMatchesTheResultsPathIsWarnedAbout() {
    GatewayConfig config = ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        services:
          - {name: s, request-topic: t, routes: [{method: GET, path: "/{a}/{b}"}]}
        """);

    assertThat(config.warnings()).anySatisfy(warning -> assertThat(warning).contains("also matches /results/{id}"));
  }

  @Test
  void aRouteWithIdempotencyCannotForwardTheKeyItself() {
    assertThatThrownBy(() -> load("", ", idempotency: optional, forward-headers: [idempotency-key]"))
        .hasMessageContaining("forwards idempotency-key");
  }
}
