package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every failure a caller can trigger, and the problem+json answer they see. */
@ExtendWith(EmbeddedKafkaExtension.class)
class GatewayErrorsIT {
  private static final String YAML =
      """
      instance-id: errors-gw
      http: {port: 0, event-loops: 1, retry-after: 2s}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: errors.responses
        producer: {max.request.size: 60000}
      services:
        - name: orders
          request-topic: errors.orders
          timeout: 5s
          routes:
            - {name: orders.create, method: POST, path: /orders, key: "body:/customerId", max-body-bytes: 64}
            - {name: orders.list, method: GET, path: /orders}
            - {name: orders.slow, method: GET, path: /slow, timeout: 300ms, max-in-flight: 2}
            - {name: orders.upload, method: PUT, path: /upload, max-body-bytes: 65536}
      """;

  private static EmbeddedKafka kafka;
  private static GatewayTester gateway;
  private static FakeService orders;

  @BeforeAll
  static void start(EmbeddedKafka broker) {
    kafka = broker;
    kafka.createTopic("errors.orders", 1);
    GatewayTester.createResponseTopic(kafka, "errors.responses", 1);
    orders = new FakeService(kafka.bootstrapServers(), "errors.orders");
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    orders.close();
  }

  @AfterEach
  void nothingLeftPending() {
    await().atMost(Duration.ofSeconds(10)).until(() -> gateway.gateway().pendingRequests() == 0);
  }

  @Test
  void anUnknownPathIsA404Problem() {
    HttpResponse<String> response = gateway.get("/nowhere");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(response.body())
        .contains("\"type\":\"urn:courier:problem:route-not-found\"")
        .contains("\"status\":404")
        .contains("\"instance\":\"/nowhere\"");
  }

  @Test
  void aWrongMethodIsA405ThatListsTheAllowedOnes() {
    HttpResponse<String> response = gateway.send("DELETE", "/orders", null);

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD, POST");
    assertThat(response.body()).contains("urn:courier:problem:method-not-allowed");
  }

  @Test
  void aDeclaredBodyOverTheRouteLimitIsA413AndNeverReachesKafka() {
    int before = orders.requestsSeen();

    HttpResponse<String> response = gateway.send("POST", "/orders", "{\"customerId\":\"" + "x".repeat(100) + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("urn:courier:problem:body-too-large").contains("up to 64 bytes");
    assertThat(orders.requestsSeen()).isEqualTo(before);
  }

  @Test
  void aStreamedBodyOverTheLimitIsA413() {
    byte[] big = new byte[4 * 1024 * 1024];
    HttpRequest.Builder chunked =
        HttpRequest.newBuilder(gateway.uri("/orders"))
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));

    HttpResponse<String> response = gateway.send(chunked);

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @Test
  void aBodyThatIsNotJsonIsA400ForAJsonKeyedRoute() {
    HttpResponse<String> notJson = gateway.send("POST", "/orders", "{not json");
    HttpResponse<String> noKey = gateway.send("POST", "/orders", "{\"other\":1}");

    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(notJson.body()).contains("urn:courier:problem:malformed-body").contains("not valid JSON");
    assertThat(noKey.statusCode()).isEqualTo(400);
    assertThat(noKey.body()).contains("urn:courier:problem:missing-key").contains("/customerId");
  }

  @Test
  void aServiceThatDoesNotAnswerInTimeIsA504AndItsLateReplyIsCounted() {
    // given a service that holds its reply
    orders.silent();
    double lateBefore = gateway.counter("courier.replies", "outcome", "late");

    // when the deadline passes
    HttpResponse<String> response = gateway.get("/slow");

    // then 504, and the reply that comes afterwards is counted as late and dropped
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body()).contains("urn:courier:problem:timeout");
    assertThat(response.headers().firstValue("retry-after")).isEmpty();
    ConsumerRecord<byte[], byte[]> request = orders.takeRequest();
    orders.send(FakeService.reply(request, 200, "too late"));
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.counter("courier.replies", "outcome", "late") == lateBefore + 1);
  }

  @Test
  void aRouteAtItsInFlightCapAnswers503WithRetryAfter() {
    // given the two slots of the slow route taken by requests the service holds
    orders.silent();
    CompletableFuture<HttpResponse<String>> first = gateway.sendAsync("GET", "/slow", null);
    CompletableFuture<HttpResponse<String>> second = gateway.sendAsync("GET", "/slow", null);
    orders.takeRequest();
    orders.takeRequest();

    // when a third arrives
    HttpResponse<String> third = gateway.get("/slow");

    // then it is shed at once, and the first two still get their own answer
    assertThat(third.statusCode()).isEqualTo(503);
    assertThat(third.headers().firstValue("retry-after")).hasValue("2");
    assertThat(third.body()).contains("urn:courier:problem:overloaded");
    assertThat(first.join().statusCode()).isEqualTo(504);
    assertThat(second.join().statusCode()).isEqualTo(504);
    assertThat(gateway.counter("courier.errors", "route", "orders.slow", "error", "overloaded")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void aRecordKafkaWillNeverAcceptIsA413WithoutRetryAfterAndWithoutBrokerDetails() {
    // given a body within the route's limit (65536) but over the producer's max.request.size (60000)
    String body = "x".repeat(64_000);

    HttpResponse<String> response = gateway.send("PUT", "/upload", body);

    // then a client that retries would never succeed: 413, no Retry-After, nothing about topics or exceptions
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.headers().firstValue("retry-after")).isEmpty();
    assertThat(response.body())
        .contains("urn:courier:problem:body-too-large")
        .doesNotContain("errors.orders")
        .doesNotContain("RecordTooLargeException")
        .doesNotContain("max.request.size");
  }

  @Test
  void withKafkaUnreachableTheGatewayIsHealthyButNotReadyAndAnswers503() {
    // given a gateway whose cluster does not exist
    String yaml = YAML.replace("instance-id: errors-gw", "instance-id: errors-gw-down");
    try (GatewayTester down = GatewayTester.startUnready("127.0.0.1:1", yaml)) {
      // then
      assertThat(down.get("/health").statusCode()).isEqualTo(200);
      HttpResponse<String> ready = down.get("/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.body()).contains("urn:courier:problem:not-ready");
      HttpResponse<String> request = down.get("/orders");
      assertThat(request.statusCode()).isEqualTo(503);
      assertThat(request.headers().firstValue("retry-after")).hasValue("2");
      assertThat(request.body()).contains("urn:courier:problem:not-ready");
    }
  }

  @Test
  void aMissingRequestTopicKeepsTheGatewayNotReadyAndSaysWhich() {
    String yaml =
        YAML.replace("instance-id: errors-gw", "instance-id: errors-gw-missing")
            .replace("request-topic: errors.orders", "request-topic: errors.never-created");
    try (GatewayTester missing = GatewayTester.startUnready(kafka.bootstrapServers(), yaml)) {
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> assertThat(missing.get("/ready").body()).contains("topics do not exist: errors.never-created"));
      assertThat(missing.get("/orders").statusCode()).isEqualTo(503);
    }
  }

  @Test
  void requestsNoRouteAnswersAreCountedUnderRouteNone() {
    double before = gateway.counter("courier.errors", "route", "none", "error", "route-not-found");

    gateway.get("/not-a-route");

    assertThat(gateway.counter("courier.errors", "route", "none", "error", "route-not-found")).isEqualTo(before + 1);
  }

  @Test
  void errorsAreCountedPerRoute() {
    gateway.send("POST", "/orders", "{not json");

    assertThat(gateway.counter("courier.errors", "route", "orders.create", "error", "malformed-body")).isGreaterThanOrEqualTo(1);
    assertThat(List.of(gateway.get("/metrics").body().split("\n")))
        .anyMatch(line -> line.startsWith("courier_errors_total{error=\"malformed-body\",route=\"orders.create\"}"));
  }
}
