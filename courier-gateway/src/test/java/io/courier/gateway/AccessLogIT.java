package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.RequestEnvelope;
import io.courier.testing.FakeService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The access log of a real gateway: a line per request with the documented fields, never secrets. */
@ExtendWith(EmbeddedKafkaExtension.class)
class AccessLogIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void eachRequestIsOneJsonLineWithTheRouteTheStatusTheCorrelationAndTraceIdsAndNoSecrets(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("log.requests", 1);
    GatewayTester.createResponseTopic(kafka, "log.responses", 1);
    Path file = dir.resolve("access.log");
    String yaml = """
        instance-id: log-gw
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: log.responses}
        access-log: {enabled: true, file: "%s"}
        services:
          - {name: s, request-topic: log.requests, routes: [{name: item, method: POST, path: "/items/{id}"}]}
        """.formatted(file);
    String correlationId;
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "log.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      assertThat(gateway.send("POST", "/items/i-42?token=secret-query", "{\"a\":1}",
              "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "authorization", "Bearer secret-header")
          .statusCode()).isEqualTo(200);
      correlationId = RequestEnvelope.fromHeaders(service.takeRequest().headers()).correlationId();
      assertThat(gateway.get("/nowhere").statusCode()).isEqualTo(404);

      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 2);
    }

    List<String> lines = Files.readAllLines(file);
    JsonNode routed = JSON.readTree(lines.get(0));
    assertThat(routed.path("instance").asText()).isEqualTo("log-gw");
    assertThat(routed.path("method").asText()).isEqualTo("POST");
    assertThat(routed.path("path").asText()).as("the template, not the id").isEqualTo("/items/{id}");
    assertThat(routed.path("route").asText()).isEqualTo("item");
    assertThat(routed.path("status").asInt()).isEqualTo(200);
    assertThat(routed.path("duration_ms").asDouble()).isPositive();
    assertThat(routed.path("bytes_in").asLong()).isEqualTo(7);
    assertThat(routed.path("bytes_out").asLong()).isEqualTo(7);
    assertThat(routed.path("correlation_id").asText()).isEqualTo(correlationId);
    assertThat(routed.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
    JsonNode unrouted = JSON.readTree(lines.get(1));
    assertThat(unrouted.path("path").asText()).isEqualTo("/nowhere");
    assertThat(unrouted.path("status").asInt()).isEqualTo(404);
    assertThat(unrouted.path("route").isNull()).isTrue();
    assertThat(String.join("\n", lines)).doesNotContain("secret").doesNotContain("i-42");
  }
}
