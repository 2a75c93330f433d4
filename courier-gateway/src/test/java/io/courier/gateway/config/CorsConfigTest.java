package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code cors} blocks: top level, service and route, each key inherited separately; mistakes with their path. */
class CorsConfigTest {
  private static GatewayConfig load(String top, String service, String route) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        %s
        services:
          - name: orders
            request-topic: orders.requests
            %s
            routes:
              - {method: POST, path: /orders %s}
              - {method: GET, path: "/orders/{id}"}
        """.formatted(top, service, route));
  }

  private static CorsConfig cors(GatewayConfig config, int route) {
    return config.routes().get(route).cors();
  }

  @Test
  void corsIsOffWithoutABlock() {
    GatewayConfig config = load("", "", "");

    assertThat(cors(config, 0)).isEqualTo(CorsConfig.OFF);
    assertThat(cors(config, 0).enabled()).isFalse();
  }

  @Test
  void aTopLevelBlockAppliesToEveryRouteWithItsDefaults() {
    CorsConfig cors = cors(load("cors: {allowed-origins: [\"https://App.example.com\"]}", "", ""), 1);

    assertThat(cors.enabled()).isTrue();
    assertThat(cors.allowedOrigins()).as("hosts compared in lower case, as browsers send them").containsExactly("https://app.example.com");
    assertThat(cors.allowedMethods()).as("the route's own method").isNull();
    assertThat(cors.allowedHeaders()).containsExactly("content-type", "idempotency-key", "prefer");
    assertThat(cors.exposedHeaders()).containsExactly("location", "preference-applied", "retry-after");
    assertThat(cors.allowCredentials()).isFalse();
    assertThat(cors.maxAge()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void serviceAndRouteBlocksReplaceTheKeysTheyGiveOnly() {
    GatewayConfig config = load(
        "cors: {allowed-origins: [\"https://*.example.com\"], max-age: 1h}",
        "cors: {allow-credentials: true, exposed-headers: [X-Total]}",
        ", cors: {allowed-headers: [Content-Type, X-Request-Id], allowed-methods: [post, get]}");

    CorsConfig route = cors(config, 0);
    assertThat(route.allowedOrigins()).containsExactly("https://*.example.com");
    assertThat(route.maxAge()).isEqualTo(Duration.ofHours(1));
    assertThat(route.allowCredentials()).isTrue();
    assertThat(route.exposedHeaders()).containsExactly("x-total");
    assertThat(route.allowedHeaders()).containsExactly("content-type", "x-request-id");
    assertThat(route.allowedMethods()).containsExactly("POST", "GET");
    assertThat(cors(config, 1).allowedHeaders()).as("the other route keeps the defaults").isEqualTo(CorsConfig.OFF.allowedHeaders());
  }

  @Test
  void anEmptyOriginListTurnsCorsOffForOneRoute() {
    GatewayConfig config = load("cors: {allowed-origins: [\"*\"]}", "", ", cors: {allowed-origins: []}");

    assertThat(cors(config, 0).enabled()).isFalse();
    assertThat(cors(config, 1).enabled()).isTrue();
  }

  @Test
  void credentialsAreRefusedWithAnyOriginWhereverTheTwoMeet() {
    assertThatThrownBy(() -> load("cors: {allowed-origins: [\"*\"], allow-credentials: true}", "", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(":2: cors.allow-credentials: allow-credentials: true cannot go with allowed-origins: [\"*\"]");
    assertThatThrownBy(() -> load("cors: {allowed-origins: [\"*\"]}", "", ", cors: {allow-credentials: true}"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("services[0].routes[0].cors.allow-credentials: allow-credentials: true cannot go with");
  }

  @Test
  void originsThatAreNotOriginsAreRefusedWithTheirIndex() {
    String[][] cases = {
      {"https://app.example.com/", "must be an origin like https://app.example.com"},
      {"app.example.com", "must be an origin like"},
      {"ftp://app.example.com", "must be an origin like"},
      {"https://app.*.example.com", "a * only as the whole leftmost label"},
      {"https://*app.example.com", "a * only as the whole leftmost label"},
      {"https://*.com", "at least two labels after the *"},
      {"https://app.example.com:443", "leave the scheme's default port out of Origin: write https://app.example.com"},
      {"http://localhost:80", "write http://localhost"},
      {"http://localhost:080", "without leading zeros"},
      {"http://localhost:70000", "1-65535"},
      {"null", "the origin null cannot be allowed"},
      {"https://bücher.example", "punycode"},
    };
    for (String[] bad : cases) {
      assertThatThrownBy(() -> load("cors: {allowed-origins: [\"https://ok.example.com\", \"" + bad[0] + "\"]}", "", ""))
          .as(bad[0])
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("cors.allowed-origins[1]: ")
          .hasMessageContaining(bad[1]);
    }
  }

  @Test
  void methodsHeadersAndMaxAgeAreChecked() {
    assertThatThrownBy(() -> load("", "", ", cors: {allowed-origins: [\"*\"], allowed-methods: [TRACE]}"))
        .hasMessageContaining("services[0].routes[0].cors.allowed-methods[0]: must be one of DELETE, GET, PATCH, POST, PUT");
    assertThatThrownBy(() -> load("", "cors: {allowed-methods: []}", ""))
        .hasMessageContaining("services[0].cors.allowed-methods: must list at least one method");
    assertThatThrownBy(() -> load("cors: {allowed-headers: [\"x y\"]}", "", ""))
        .hasMessageContaining("cors.allowed-headers[0]: is not an HTTP header name");
    assertThatThrownBy(() -> load("cors: {exposed-headers: [\"*\"]}", "", ""))
        .hasMessageContaining("cors.exposed-headers[0]: list the header names; * is not supported");
    assertThatThrownBy(() -> load("cors: {max-age: 2d}", "", ""))
        .hasMessageContaining("cors.max-age: must be a duration");
    assertThatThrownBy(() -> load("cors: {max-age: 25h}", "", ""))
        .hasMessageContaining("cors.max-age: must be between 0s and 1440m, was 25h");
    assertThatThrownBy(() -> load("cors: {allowed-origin: [\"*\"]}", "", ""))
        .hasMessageContaining("cors.allowed-origin: unknown key; allowed here: allow-credentials, allowed-headers, allowed-methods,"
            + " allowed-origins, exposed-headers, max-age");
  }

  @Test
  void theRecordValidatesItselfWhenBuiltInCode() {
    assertThatThrownBy(() -> new CorsConfig(List.of("*"), null, List.of(), List.of(), true, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new CorsConfig(List.of("https://a.example/x"), null, List.of(), List.of(), false, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
