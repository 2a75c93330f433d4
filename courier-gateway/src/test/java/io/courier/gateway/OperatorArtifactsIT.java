package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.gateway.apidocs.OpenApiDocument;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What operators read off a running gateway: the Grafana dashboard in {@code deploy/grafana} queries only
 * series {@code /metrics} exposes, and {@code /openapi.json} and {@code /asyncapi.json} are the documents
 * {@code courier openapi|asyncapi} print for the same configuration.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class OperatorArtifactsIT {
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "courier-gateway.json");
  private static final Pattern SERIES = Pattern.compile("courier_[a-z_]+");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDashboardQueriesOnlyServedSeriesAndTheApiDocumentsAreServed(EmbeddedKafka kafka) throws IOException {
    // Given a gateway that has answered a request, on a route with idempotency keys
    kafka.createTopic("dash.requests", 1);
    GatewayTester.createResponseTopic(kafka, "dash.responses", 1);
    String yaml = """
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: dash.responses}
        services:
          - {name: s, request-topic: dash.requests, idempotency: optional, routes: [{method: POST, path: /s}]}
        """;
    String metrics;
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "dash.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      assertThat(gateway.send("POST", "/s", "{}").statusCode()).isEqualTo(200);
      metrics = gateway.get("/metrics").body();
      GatewayConfig config = ConfigLoader.parse(yaml.replace("${bootstrap}", kafka.bootstrapServers()));
      HttpResponse<String> openApi = gateway.get("/openapi.json");
      assertThat(openApi.headers().firstValue("content-type")).hasValue("application/json");
      assertThat(JSON.readTree(openApi.body()).path("paths").has("/s")).isTrue();
      assertThat(JSON.readTree(gateway.get("/asyncapi.json").body()).path("operations").has("s.POST__s")).isTrue();
      assertThat(JSON.readTree(openApi.body()).path("paths").size())
          .isEqualTo(JSON.readTree(OpenApiDocument.json(config)).path("paths").size());
    }

    // When the dashboard's queries are read
    JsonNode dashboard = JSON.readTree(DASHBOARD.toFile());
    Set<String> queried = new TreeSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as("panel %s has queries", panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.path("targets")) {
        Matcher series = SERIES.matcher(target.path("expr").asText());
        while (series.find()) {
          queried.add(series.group());
        }
      }
    }

    // Then every one of them is a series of /metrics
    assertThat(queried).hasSizeGreaterThan(10);
    for (String series : queried) {
      assertThat(metrics).as("/metrics has %s", series).containsPattern("(?m)^" + series + "[{ ]");
    }
  }
}
