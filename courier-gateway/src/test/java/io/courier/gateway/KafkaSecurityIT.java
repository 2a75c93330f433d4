package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Kafka security through {@code kafka.client} alone: a broker of its own whose only client listener is
 * SASL_SSL (SCRAM-SHA-512 over TLS with a CA made for the test), a gateway configured by YAML, and a
 * responder with the same settings. Not the shared broker: that one speaks PLAINTEXT.
 */
class KafkaSecurityIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "courier";
  private static final String PASSWORD = "scram-pw-7f3a9c";
  private static final String WRONG_PASSWORD = "not-the-pw-41d2";

  private static EmbeddedKafka kafka;
  private static Responder responder;

  @BeforeAll
  static void startSecuredBroker() {
    kafka = EmbeddedKafka.startSaslSsl(USER, PASSWORD);
    kafka.createTopic("secure.requests", 1);
    GatewayTester.createResponseTopic(kafka, "secure.responses", 1);
    Responder.Builder builder =
        Responder.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic("secure.requests")
            .groupId("secure-echo")
            .syncHandler(request -> Reply.status(200).body("text/plain", request.body()));
    kafka.clientSettings().forEach(builder::kafkaProperty);
    responder = builder.build().start();
  }

  @AfterAll
  static void stop() {
    if (responder != null) {
      responder.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void aRequestGoesThroughTheSaslSslListenerToTheServiceAndBack() {
    // Given a gateway that knows the broker only by its SASL_SSL listener, secured by kafka.client settings
    try (GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml("secure-gw", PASSWORD))) {
      // When a caller sends a request
      HttpResponse<String> response = gateway.send("POST", "/echo", "hello over TLS", "content-type", "text/plain");

      // Then the responder behind the secured listener answered it
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("hello over TLS");
    }
  }

  @Test
  void aWrongPasswordKeepsTheGatewayNotReadyAndReadySaysAuthenticationFailedWithoutThePassword() throws Exception {
    // Given a gateway whose sasl.jaas.config has the wrong password
    try (GatewayTester gateway = GatewayTester.startUnready(kafka.bootstrapServers(), yaml("wrong-pw-gw", WRONG_PASSWORD))) {
      // Then /ready answers 503 naming the authentication failure, and never becomes ready
      await("/ready names the authentication failure")
          .atMost(Duration.ofSeconds(30))
          .until(() -> readyDetail(gateway.get("/ready")).contains("Authentication failed"));
      HttpResponse<String> ready = gateway.get("/ready");
      String detail = readyDetail(ready);
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(detail)
          .startsWith("cannot reach Kafka: ")
          .contains("invalid credentials with SASL mechanism SCRAM-SHA-512")
          .doesNotContain(WRONG_PASSWORD)
          .doesNotContain("\tat ");
      assertThat(gateway.gateway().notReadyReason()).isEqualTo(detail);
      // And requests are refused at once rather than waiting for a timeout
      assertThat(gateway.send("POST", "/echo", "x").statusCode()).isEqualTo(503);
    }
  }

  private static String readyDetail(HttpResponse<String> ready) throws Exception {
    JsonNode problem = JSON.readTree(ready.body());
    return problem.path("detail").asText("");
  }

  /** The gateway's configuration: security only through kafka.client, as a user would write it. */
  private static String yaml(String instanceId, String password) {
    Map<String, String> client = kafka.clientSettings();
    return """
        instance-id: %s
        http: {port: 0}
        kafka:
          bootstrap-servers: "${bootstrap}"
          response-topic: secure.responses
          client:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="%s" password="%s";'
            ssl.truststore.type: PKCS12
            ssl.truststore.location: "%s"
            ssl.truststore.password: "%s"
        services:
          - {name: echo, request-topic: secure.requests, routes: [{name: echo, method: POST, path: /echo}]}
        """.formatted(
            instanceId, USER, password, client.get("ssl.truststore.location"), client.get("ssl.truststore.password"));
  }
}
