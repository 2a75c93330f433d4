package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.Profile;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a valid configuration turns into. Mistakes are specified in {@link ConfigLoaderErrorsTest}. */
class ConfigLoaderTest {

  private static final String FULL =
      """
      instance-id: gw-east-1
      http:
        host: 127.0.0.1
        port: 9090
        event-loops: 3
        max-header-bytes: 16384
        retry-after: 2s
        header-timeout: 5s
        body-timeout: 20s
        idle-timeout: 2m
        http2-cleartext: true
        native-transport: false
      kafka:
        bootstrap-servers: broker-1:9092,broker-2:9092
        response-topic: gw.replies
        publish-queue: 500
        client:
          security.protocol: SASL_SSL
        producer:
          linger.ms: 5
          acks: all
          enable.idempotence: true
        consumer:
          fetch.min.bytes: 1
      services:
        - name: orders
          request-topic: orders.requests
          profile: spring
          timeout: 3s
          max-in-flight: 50
          max-body-bytes: 2048
          forward-headers: [X-Request-Id, authorization]
          routes:
            - name: get-order
              method: get
              path: /orders/{id}
              key: path:id
              timeout: 750ms
              max-in-flight: 5
              max-body-bytes: 0
              forward-headers: [x-tenant, x-request-id]
            - method: POST
              path: /orders
              key: body:/customerId
        - name: basket
          request-topic: basket.requests
          profile: ZILLA
          routes:
            - method: PUT
              path: /baskets/{customerId}/items/{sku}
              key: header:X-Customer
              timeout: 1m
      """;

  /** The smallest valid configuration; ConfigLoaderErrorsTest breaks it one line at a time. */
  static final String MINIMAL =
      """
      kafka:
        bootstrap-servers: localhost:9092
      services:
        - name: orders
          request-topic: orders.requests
          routes:
            - method: GET
              path: /orders/{id}
      """;

  @Test
  void fullConfigurationLoadsEveryValue() {
    // when
    GatewayConfig config = ConfigLoader.parse(FULL);

    // then
    assertThat(config.instanceId()).isEqualTo("gw-east-1");
    assertThat(config.http())
        .isEqualTo(new HttpConfig("127.0.0.1", 9090, 3, 16384, Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(20), Duration.ofMinutes(2), true, false, null));
    KafkaConfig kafka = config.kafka();
    assertThat(kafka.bootstrapServers()).isEqualTo("broker-1:9092,broker-2:9092");
    assertThat(kafka.responseTopic()).isEqualTo("gw.replies");
    assertThat(kafka.publishQueue()).isEqualTo(500);
    assertThat(kafka.client()).isEqualTo(Map.of("security.protocol", "SASL_SSL"));
    assertThat(kafka.producer())
        .isEqualTo(Map.of("linger.ms", "5", "acks", "all", "enable.idempotence", "true"));
    assertThat(kafka.consumer()).isEqualTo(Map.of("fetch.min.bytes", "1"));
    assertThat(config.routes()).hasSize(3);
    assertThat(config.requestTopics()).containsExactly("orders.requests", "basket.requests");
  }

  @Test
  void routeSettingsOverrideTheServices() {
    RouteConfig route = ConfigLoader.parse(FULL).routes().get(0);

    assertThat(route)
        .isEqualTo(
            new RouteConfig(
                "get-order",
                "orders",
                "orders.requests",
                Profile.SPRING,
                "GET",
                "/orders/{id}",
                new KeySource.PathParam("id"),
                Duration.ofMillis(750),
                5,
                0,
                List.of("x-request-id", "authorization", "x-tenant")));
  }

  @Test
  void routeWithoutSettingsInheritsTheServices() {
    RouteConfig route = ConfigLoader.parse(FULL).routes().get(1);

    assertThat(route.name()).isEqualTo("orders.POST /orders");
    assertThat(route.profile()).isEqualTo(Profile.SPRING);
    assertThat(route.requestTopic()).isEqualTo("orders.requests");
    assertThat(route.timeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(route.maxInFlight()).isEqualTo(50);
    assertThat(route.maxBodyBytes()).isEqualTo(2048);
    assertThat(route.forwardHeaders()).containsExactly("x-request-id", "authorization");
    assertThat(route.key()).isInstanceOf(KeySource.BodyPointer.class);
    assertThat(((KeySource.BodyPointer) route.key()).pointer().toString()).isEqualTo("/customerId");
  }

  @Test
  void forwardHeadersOfServiceAndRouteAreMergedWithoutRepeats() {
    // x-request-id is named by both (in different case); it appears once, in the service's place
    assertThat(ConfigLoader.parse(FULL).routes().get(0).forwardHeaders())
        .containsExactly("x-request-id", "authorization", "x-tenant");
  }

  @Test
  void profileAndHeaderKeyAreCaseInsensitive() {
    RouteConfig route = ConfigLoader.parse(FULL).routes().get(2);

    assertThat(route.profile()).isEqualTo(Profile.ZILLA);
    assertThat(route.key()).isEqualTo(new KeySource.Header("x-customer"));
    assertThat(route.timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(route.name()).isEqualTo("basket.PUT /baskets/{customerId}/items/{sku}");
  }

  @Test
  void minimalConfigurationGetsEveryDefault() {
    // when
    GatewayConfig config = ConfigLoader.parse(MINIMAL);

    // then
    assertThat(config.instanceId()).matches("gw-[a-z0-9]{8}");
    assertThat(config.http().host()).isEqualTo(Setting.HTTP_HOST.defaultValue()).isEqualTo("0.0.0.0");
    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(Integer.toString(config.http().port())).isEqualTo(Setting.HTTP_PORT.defaultValue());
    assertThat(config.http().eventLoops()).isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(config.http().maxHeaderBytes()).isEqualTo(8192);
    assertThat(config.http().retryAfter()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.http().nativeTransport()).isTrue();
    assertThat(Boolean.toString(config.http().nativeTransport())).isEqualTo(Setting.HTTP_NATIVE_TRANSPORT.defaultValue());
    assertThat(config.kafka().bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(config.kafka().responseTopic())
        .isEqualTo(Setting.KAFKA_RESPONSE_TOPIC.defaultValue())
        .isEqualTo("courier.responses");
    assertThat(config.kafka().publishQueue()).isEqualTo(10_000);
    assertThat(config.kafka().client()).isEmpty();
    assertThat(config.kafka().producer()).isEmpty();
    assertThat(config.kafka().consumer()).isEmpty();
  }

  @Test
  void theDefaultBodyLimitLeavesRoomForTheRecordsHeadersWithinMaxRequestSize() {
    String yaml =
        MINIMAL.replace("  bootstrap-servers: localhost:9092\n", "  bootstrap-servers: localhost:9092\n  client: {max.request.size: 200000}\n")
            + "http: {max-header-bytes: 4096}\n";

    RouteConfig route = ConfigLoader.parse(yaml).routes().get(0);

    assertThat(route.maxBodyBytes()).isEqualTo(200_000 - 2 * 4096 - 4 * 4096 - 8192);
  }

  @Test
  void minimalRouteGetsEveryDefault() {
    RouteConfig route = ConfigLoader.parse(MINIMAL).routes().get(0);

    assertThat(route)
        .isEqualTo(
            new RouteConfig(
                "orders.GET /orders/{id}",
                "orders",
                "orders.requests",
                Profile.COURIER,
                "GET",
                "/orders/{id}",
                KeySource.NONE,
                Duration.ofSeconds(10),
                1000,
                1_048_576 - 2 * 8192 - 4 * 4096 - 8192,
                List.of()));
    assertThat(Setting.SERVICE_TIMEOUT.defaultValue()).isEqualTo("10s");
    assertThat(Setting.SERVICE_MAX_IN_FLIGHT.defaultValue()).isEqualTo("1000");
    assertThat(Setting.SERVICE_MAX_BODY_BYTES.defaultValue()).contains("max.request.size", "1048576", "24576", "1007616");
    assertThat(Setting.SERVICE_PROFILE.defaultValue()).isEqualTo("courier");
  }

  @Test
  void randomInstanceIdsDiffer() {
    assertThat(ConfigLoader.parse(MINIMAL).instanceId()).isNotEqualTo(ConfigLoader.parse(MINIMAL).instanceId());
  }

  @Test
  void explicitNullMeansDefault() {
    GatewayConfig config =
        ConfigLoader.parse(
            """
            http:
            kafka:
              bootstrap-servers: localhost:9092
              response-topic: ~
            services:
              - name: orders
                request-topic: orders.requests
                timeout: null
                routes:
                  - method: GET
                    path: /orders
            """);

    assertThat(config.http().port()).isEqualTo(8080);
    assertThat(config.kafka().responseTopic()).isEqualTo("courier.responses");
    assertThat(config.routes().get(0).timeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void sameTemplateUnderDifferentMethodsIsAllowed() {
    GatewayConfig config =
        ConfigLoader.parse(
            """
            kafka:
              bootstrap-servers: localhost:9092
            services:
              - name: orders
                request-topic: orders.requests
                routes:
                  - method: GET
                    path: /orders/{id}
                  - method: DELETE
                    path: /orders/{id}
                  - method: GET
                    path: /orders/recent
            """);

    assertThat(config.routes()).extracting(RouteConfig::name)
        .containsExactly("orders.GET /orders/{id}", "orders.DELETE /orders/{id}", "orders.GET /orders/recent");
  }

  @Test
  void durabilityKeepingProducerSettingsAreAccepted() {
    GatewayConfig config =
        ConfigLoader.parse(
            """
            kafka:
              bootstrap-servers: localhost:9092
              producer:
                acks: -1
                enable.idempotence: TRUE
            services:
              - name: orders
                request-topic: orders.requests
                routes:
                  - method: GET
                    path: /orders
            """);

    assertThat(config.kafka().producer()).containsEntry("acks", "-1");
  }

  @Test
  void configurationIsImmutable() {
    GatewayConfig config = ConfigLoader.parse(FULL);

    assertThat(config.routes()).isUnmodifiable();
    assertThat(config.routes().get(0).forwardHeaders()).isUnmodifiable();
    assertThat(config.kafka().producer()).isUnmodifiable();
  }
}
