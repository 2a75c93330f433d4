package io.courier.gateway;

import io.courier.testing.FakeService;
import io.courier.testing.SpringSendToResponder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Responders written for other conventions work behind Courier unchanged: a real Spring Kafka
 * {@code @KafkaListener} + {@code @SendTo} service, and a service that follows Zilla's http-kafka headers.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CompatibilityIT {
  private static final String YAML =
      """
      instance-id: compat-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: compat.responses
      services:
        - name: spring-greeter
          request-topic: compat.spring
          profile: spring
          routes:
            - {method: POST, path: "/greetings/{name}", key: "path:name"}
        - name: zilla-items
          request-topic: compat.zilla
          profile: zilla
          routes:
            - {method: PUT, path: "/items/{id}", key: "path:id"}
      """;

  private static GatewayTester gateway;
  private static SpringSendToResponder spring;
  private static FakeService zilla;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("compat.spring", 1);
    kafka.createTopic("compat.zilla", 1);
    GatewayTester.createResponseTopic(kafka, "compat.responses", 3);
    spring = SpringSendToResponder.start(kafka.bootstrapServers());
    zilla = FakeService.zillaStyle(kafka.bootstrapServers(), "compat.zilla");
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
    await().atMost(Duration.ofSeconds(30)).until(spring::hasPartitions);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    spring.close();
    zilla.close();
  }

  @Test
  void aSpringSendToListenerAnswersThroughHttpUnchanged() {
    HttpResponse<String> response = gateway.send("POST", "/greetings/ada", "hello", "content-type", "text/plain");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("HELLO, ada");
    assertThat(response.headers().map().keySet()).noneMatch(name -> name.startsWith("kafka_") || name.startsWith("spring_"));
  }

  @Test
  void aZillaStyleResponderAnswersThroughHttpUnchanged() {
    HttpResponse<String> response = gateway.send("PUT", "/items/42?color=red", "{\"name\":\"lamp\"}", "content-type", "application/json");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"method\":\"PUT\",\"path\":\"/items/42?color=red\",\"body\":{\"name\":\"lamp\"}}");
  }
}
