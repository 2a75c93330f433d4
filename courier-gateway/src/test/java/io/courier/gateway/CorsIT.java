package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.RequestEnvelope;
import io.courier.testing.FakeService;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * CORS over real sockets and a real Kafka: preflights answered by the gateway and never produced, and the
 * CORS fields on whatever answers an actual request (the service's reply, the gateway's own problems), for
 * allowed and disallowed origins.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CorsIT {
  private static final String APP = "https://app.example.com";
  private static final String SHOP = "https://eu.shop.example.com";
  private static final String EVIL = "https://evil.example.net";
  private static final String YAML = """
      http: {port: 0}
      kafka: {bootstrap-servers: "${bootstrap}", response-topic: cors.responses}
      cors:
        allowed-origins: ["%s", "https://*.shop.example.com"]
        allow-credentials: true
        max-age: 5m
      services:
        - name: shop
          request-topic: %s
          routes:
            - {name: create, method: POST, path: "/items/{id}", max-body-bytes: 64}
            - {name: plain, method: GET, path: "/items/{id}", cors: {allowed-origins: []}}
        - name: quiet
          request-topic: cors.quiet
          timeout: 300ms
          routes:
            - {name: quiet, method: GET, path: /quiet}
      """;

  /** The configuration with its own request topic, so that no test's service reads another's requests. */
  private static String yaml(EmbeddedKafka kafka, String requestTopic) {
    kafka.createTopic(requestTopic, 1);
    kafka.createTopic("cors.quiet", 1);
    GatewayTester.createResponseTopic(kafka, "cors.responses", 1);
    return YAML.formatted(APP, requestTopic);
  }

  private static List<String> corsFields(HttpHeaders headers) {
    return headers.map().keySet().stream().filter(name -> name.toLowerCase().startsWith("access-control-")).toList();
  }

  @Test
  void preflightsAreAnsweredByTheGatewayAndNeverReachTheService(EmbeddedKafka kafka) {
    String yaml = yaml(kafka, "cors.preflight.requests");
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "cors.preflight.requests");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // Given a page of an allowed origin about to POST JSON with an Idempotency-Key
      HttpResponse<String> allowed = gateway.send("OPTIONS", "/items/i-1", null, "origin", APP,
          "access-control-request-method", "POST", "access-control-request-headers", "content-type,Idempotency-Key");

      // Then the gateway itself says what the page may do, for 5 minutes, with credentials
      assertThat(allowed.statusCode()).isEqualTo(204);
      assertThat(allowed.headers().firstValue("access-control-allow-origin")).hasValue(APP);
      assertThat(allowed.headers().firstValue("access-control-allow-methods")).hasValue("POST");
      assertThat(allowed.headers().firstValue("access-control-allow-headers")).hasValue("content-type, idempotency-key, prefer");
      assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
      assertThat(allowed.headers().firstValue("access-control-max-age")).hasValue("300");
      assertThat(allowed.headers().firstValue("vary")).hasValue("origin, access-control-request-method, access-control-request-headers");
      assertThat(allowed.body()).isEmpty();
      HttpResponse<String> pattern = gateway.send("OPTIONS", "/items/i-1", null, "origin", SHOP, "access-control-request-method", "POST");
      assertThat(pattern.statusCode()).isEqualTo(204);
      assertThat(pattern.headers().firstValue("access-control-allow-origin")).hasValue(SHOP);

      // When the origin, the method or a header field is not allowed: 403, no Access-Control-Allow-* at all
      Map<String, String[]> refused = Map.of(
          "origin", new String[] {"origin", EVIL, "access-control-request-method", "POST"},
          "origin-two-labels", new String[] {"origin", "https://a.eu.shop.example.com", "access-control-request-method", "POST"},
          "headers", new String[] {"origin", APP, "access-control-request-method", "POST", "access-control-request-headers", "authorization"});
      for (Map.Entry<String, String[]> preflight : refused.entrySet()) {
        HttpResponse<String> answer = gateway.send("OPTIONS", "/items/i-1", null, preflight.getValue());
        assertThat(answer.statusCode()).as(preflight.getKey()).isEqualTo(403);
        assertThat(corsFields(answer.headers())).as(preflight.getKey()).isEmpty();
        assertThat(answer.headers().firstValue("content-type")).hasValue("application/problem+json");
        assertThat(answer.body()).contains("urn:courier:problem:cors-rejected");
      }
      // A method no route of the path has, for CORS or not, is the 405 any OPTIONS gets
      HttpResponse<String> noRoute = gateway.send("OPTIONS", "/items/i-1", null, "origin", APP, "access-control-request-method", "DELETE");
      assertThat(noRoute.statusCode()).isEqualTo(405);
      assertThat(corsFields(noRoute.headers())).isEmpty();
      // GET /items/{id} has allowed-origins: [] : no CORS, today's 405
      HttpResponse<String> corsOff = gateway.send("OPTIONS", "/items/i-1", null, "origin", APP, "access-control-request-method", "GET");
      assertThat(corsOff.statusCode()).isEqualTo(405);
      assertThat(corsFields(corsOff.headers())).isEmpty();
      // OPTIONS that is not a preflight keeps its 405 with Allow
      HttpResponse<String> notPreflight = gateway.send("OPTIONS", "/items/i-1", null, "origin", APP);
      assertThat(notPreflight.statusCode()).isEqualTo(405);
      assertThat(notPreflight.headers().firstValue("allow")).hasValue("GET, HEAD, POST");

      assertThat(gateway.counter("courier.cors.rejected", "route", "create", "reason", "origin")).isEqualTo(2);
      assertThat(gateway.counter("courier.cors.rejected", "route", "create", "reason", "headers")).isEqualTo(1);
      assertThat(gateway.counter("courier.cors.rejected", "route", "create", "reason", "method")).isZero();
      assertThat(gateway.get("/metrics").body()).contains("courier_cors_rejected_total{reason=\"origin\",route=\"create\"} 2.0");

      // Then the first request the service ever reads is the actual one that follows
      assertThat(gateway.send("POST", "/items/i-1", "{}", "origin", APP, "content-type", "application/json").statusCode()).isEqualTo(200);
      assertThat(RequestEnvelope.fromHeaders(service.takeRequest().headers()).method()).isEqualTo("POST");
      assertThat(service.requestsSeen()).isZero();
    }
  }

  @Test
  void actualRequestsCarryTheCorsFieldsOnTheServicesReplyAndOnTheGatewaysOwnProblems(EmbeddedKafka kafka) {
    String yaml = yaml(kafka, "cors.actual.requests");
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "cors.actual.requests");
        FakeService quiet = new FakeService(kafka.bootstrapServers(), "cors.quiet").silent();
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // Given a service that tries to answer CORS itself
      service.answer(request -> List.of(FakeService.reply(request, 201,
          Map.of("access-control-allow-origin", "*", "location", "/items/i-2", "vary", "accept"),
          "{\"ok\":true}".getBytes(StandardCharsets.UTF_8))));

      // When a page of an allowed origin posts
      HttpResponse<String> allowed = gateway.send("POST", "/items/i-2", "{}", "origin", APP);

      // Then it can read the service's reply, with the gateway's CORS fields only
      assertThat(allowed.statusCode()).isEqualTo(201);
      assertThat(allowed.body()).isEqualTo("{\"ok\":true}");
      assertThat(allowed.headers().allValues("access-control-allow-origin")).containsExactly(APP);
      assertThat(allowed.headers().firstValue("access-control-allow-credentials")).hasValue("true");
      assertThat(allowed.headers().firstValue("access-control-expose-headers")).hasValue("location, preference-applied, retry-after");
      assertThat(allowed.headers().allValues("vary")).containsExactlyInAnyOrder("origin", "accept");

      // A disallowed origin still reaches the service (CORS guards reading, not sending) but may not read it
      HttpResponse<String> disallowed = gateway.send("POST", "/items/i-2", "{}", "origin", EVIL);
      assertThat(disallowed.statusCode()).isEqualTo(201);
      assertThat(corsFields(disallowed.headers())).isEmpty();
      assertThat(disallowed.headers().allValues("vary")).contains("origin");
      // Without Origin (not a browser, or same origin): no CORS fields, only Vary for caches
      HttpResponse<String> noOrigin = gateway.send("POST", "/items/i-2", "{}");
      assertThat(corsFields(noOrigin.headers())).isEmpty();
      assertThat(noOrigin.headers().allValues("vary")).contains("origin");
      // A route with CORS off is untouched: the service's own fields pass as they are
      HttpResponse<String> corsOff = gateway.send("GET", "/items/i-2", null, "origin", APP);
      assertThat(corsFields(corsOff.headers())).containsExactly("access-control-allow-origin");
      assertThat(corsOff.headers().firstValue("access-control-allow-origin")).hasValue("*");
      assertThat(corsOff.headers().allValues("vary")).containsExactly("accept");

      // The gateway's own problems are readable too: 413 before the body is read, 504 from a silent service
      HttpResponse<String> tooLarge = gateway.send("POST", "/items/i-3", "x".repeat(100), "origin", APP);
      assertThat(tooLarge.statusCode()).isEqualTo(413);
      assertThat(tooLarge.headers().firstValue("access-control-allow-origin")).hasValue(APP);
      HttpResponse<String> timeout = gateway.send("GET", "/quiet", null, "origin", SHOP);
      assertThat(timeout.statusCode()).isEqualTo(504);
      assertThat(timeout.headers().firstValue("access-control-allow-origin")).hasValue(SHOP);
      assertThat(timeout.headers().firstValue("access-control-expose-headers")).hasValue("location, preference-applied, retry-after");
      assertThat(timeout.body()).contains("urn:courier:problem:timeout");
    }
  }
}
