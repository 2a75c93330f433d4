package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Async commands (docs/protocol.md, "Async commands and results") against a real broker: 202 only once Kafka
 * has the request, {@code wait=N} both ways, results read from another instance and after a restart, late
 * replies after a 504, long polls, expiry.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class AsyncResultsIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: async.responses
        producer: {max.request.size: 60000}
        replies: {ownership: static, instance-index: %d, instance-count: 2}
      results: {retention: %s, max-wait: 5s}
      services:
        - name: orders
          request-topic: async.requests
          timeout: 2s
          routes:
            - {method: POST, path: /orders}
            - {method: POST, path: /big, max-body-bytes: 200000}
      """;

  private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor();
  private static EmbeddedKafka kafka;
  private static FakeService service;
  private static GatewayTester a;
  private static GatewayTester b;

  @BeforeAll
  static void start(EmbeddedKafka broker) {
    kafka = broker;
    kafka.createTopic("async.requests", 1);
    GatewayTester.createResponseTopic(kafka, "async.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "async.requests");
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("async-a", 0, "1h"));
    b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("async-b", 1, "1h"));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    service.close();
    LATER.shutdownNow();
  }

  @BeforeEach
  void reset() {
    service.silent();
    service.clearRequests();
  }

  /** Replies to each request {@code delayMillis} after reading it. */
  private static void replyAfter(long delayMillis, String body) {
    service.answer(request -> {
      LATER.schedule(() -> service.send(FakeService.reply(request, 201, Map.of("location", "/orders/o-1"), body.getBytes())), delayMillis, TimeUnit.MILLISECONDS);
      return List.of();
    });
  }

  @Test
  void respondAsyncIsAnswered202WithALocationOnceKafkaHasTheRequest() {
    // When
    HttpResponse<String> accepted = a.send("POST", "/orders", "{}", "Prefer", "respond-async");

    // Then the command is in Kafka by the time the caller has its 202
    assertThat(accepted.statusCode()).isEqualTo(202);
    assertThat(accepted.headers().firstValue("preference-applied")).hasValue("respond-async");
    String location = accepted.headers().firstValue("location").orElseThrow();
    assertThat(location).startsWith("/results/async-a.");
    assertThat(accepted.body()).contains("\"status\":\"pending\"").contains("\"route\":\"orders.POST /orders\"");
    ConsumerRecord<byte[], byte[]> request = service.takeRequest();

    // and its result is pending until the service replies, then it is the reply itself
    assertThat(a.get(location).statusCode()).isEqualTo(200);
    assertThat(a.get(location).body()).contains("\"status\":\"pending\"");
    service.send(FakeService.reply(request, 201, Map.of("location", "/orders/o-9"), "{\"id\":\"o-9\"}".getBytes()));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.get(location).statusCode() == 201);
    HttpResponse<String> result = a.get(location);
    assertThat(result.body()).isEqualTo("{\"id\":\"o-9\"}");
    assertThat(result.headers().firstValue("location")).hasValue("/orders/o-9");
  }

  @Test
  void aCommandKafkaRefusesIsNeverAccepted() {
    // A body the route takes but the producer refuses (max.request.size 60000): Kafka never has it
    HttpResponse<String> refused = a.send("POST", "/big", "x".repeat(100_000), "Prefer", "respond-async");

    assertThat(refused.statusCode()).isEqualTo(413);
    assertThat(refused.headers().firstValue("location")).isEmpty();
  }

  @Test
  void waitAnswersTheReplyWhenItComesInTime() {
    replyAfter(200, "{\"fast\":true}");

    HttpResponse<String> answer = a.send("POST", "/orders", "{}", "Prefer", "respond-async, wait=5");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.body()).isEqualTo("{\"fast\":true}");
  }

  @Test
  void waitFallsBackTo202WhenTheReplyIsLate() {
    long start = System.nanoTime();

    HttpResponse<String> answer = a.send("POST", "/orders", "{}", "Prefer", "respond-async, wait=1");

    assertThat(answer.statusCode()).isEqualTo(202);
    assertThat(answer.headers().firstValue("preference-applied")).hasValue("respond-async, wait=1");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
    assertThat(answer.headers().firstValue("location")).isPresent();
  }

  @Test
  void anyInstanceAnswersForAResultAndItSurvivesARestart() {
    // Given a command accepted by A, and its reply
    HttpResponse<String> accepted = a.send("POST", "/orders", "{}", "Prefer", "respond-async");
    String location = accepted.headers().firstValue("location").orElseThrow();
    ConsumerRecord<byte[], byte[]> request = service.takeRequest();

    // B knows the pending result at once, and the reply once it comes
    assertThat(b.get(location).body()).contains("\"status\":\"pending\"");
    service.send(FakeService.reply(request, 200, "done"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.get(location).statusCode() == 200 && b.get(location).body().equals("done"));

    // When A restarts, it still has it
    a.close();
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("async-a", 0, "1h"));
    assertThat(a.get(location).body()).isEqualTo("done");
  }

  @Test
  void aSynchronousCallerThatTimesOutGetsALocationForTheLateReply() {
    HttpResponse<String> timedOut = a.send("POST", "/orders", "{}");
    ConsumerRecord<byte[], byte[]> request = service.takeRequest();

    assertThat(timedOut.statusCode()).isEqualTo(504);
    String location = timedOut.headers().firstValue("location").orElseThrow();
    assertThat(a.get(location).body()).contains("\"status\":\"timed-out\"");

    double kept = a.counter("courier.results.replies.kept") + b.counter("courier.results.replies.kept");
    service.send(FakeService.reply(request, 200, "late but kept"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.get(location).body().equals("late but kept"));
    assertThat(a.counter("courier.results.replies.kept") + b.counter("courier.results.replies.kept")).isEqualTo(kept + 1);
    // the id is the path's last segment, percent-decoded
    assertThat(b.get(location.replace(".", "%2E")).body()).isEqualTo("late but kept");
  }

  @Test
  void aLongPollAnswersAsSoonAsTheReplyComes() {
    HttpResponse<String> accepted = a.send("POST", "/orders", "{}", "Prefer", "respond-async");
    String location = accepted.headers().firstValue("location").orElseThrow();
    ConsumerRecord<byte[], byte[]> request = service.takeRequest();

    var poll = b.sendAsync("GET", location, null, "Prefer", "wait=5");
    LATER.schedule(() -> service.send(FakeService.reply(request, 200, "polled")), 300, TimeUnit.MILLISECONDS);

    HttpResponse<String> answer = poll.join();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("polled");
  }

  @Test
  void aLongPollWithoutAReplyAnswersTheStatusAfterItsWait() {
    String location = a.send("POST", "/orders", "{}", "Prefer", "respond-async").headers().firstValue("location").orElseThrow();
    long start = System.nanoTime();

    HttpResponse<String> answer = a.send("GET", location, null, "Prefer", "wait=1");

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"status\":\"pending\"");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void unknownIdsAndOtherMethodsAreRefused() {
    HttpResponse<String> unknown = b.get("/results/async-a.AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("urn:courier:problem:result-not-found");
    assertThat(a.get("/results/").statusCode()).isEqualTo(404);
    try (io.courier.gateway.testing.RawHttp raw = new io.courier.gateway.testing.RawHttp(a.gateway().httpPort())) {
      var unreadable = raw.exchange("GET /results/%ZZ HTTP/1.1\r\nHost: t\r\n\r\n");
      assertThat(unreadable.status()).as("read like any path").isEqualTo(400);
      assertThat(unreadable.bodyText()).contains("urn:courier:problem:malformed-request");
    }
    assertThat(a.get("/results/a/b").statusCode()).isEqualTo(404);
    HttpResponse<String> put = a.send("PUT", "/results/x", "{}");
    assertThat(put.statusCode()).isEqualTo(405);
    assertThat(put.headers().firstValue("allow")).hasValue("GET, HEAD, DELETE");
  }

  @Test
  void aLookupNeverWaitsForTheResultsConsumersFetch() {
    // Given an instance whose consumers' fetches wait at the broker for up to 20 s when there is nothing to read
    String yaml = YAML.formatted("async-d", 0, "1h")
        .replace("  producer: {max.request.size: 60000}", "  producer: {max.request.size: 60000}\n  consumer: {fetch.max.wait.ms: 20000}");
    try (GatewayTester parkedFetches = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // When ids it does not know are looked up, one after the other: each catches up with the results topic
      for (int i = 0; i < 3; i++) {
        long start = System.nanoTime();
        HttpResponse<String> unknown = parkedFetches.get("/results/async-d.AAAAAAAAAAAAAAAAAAAAA" + i);

        // Then each is answered at once, not after the fetch the results consumer has waiting at the broker
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("lookup %d", i).isLessThan(Duration.ofSeconds(3));
      }
      // And a result another instance accepted a moment ago is found, as quickly
      String location = a.send("POST", "/orders", "{}", "Prefer", "respond-async").headers().firstValue("location").orElseThrow();
      long start = System.nanoTime();
      assertThat(parkedFetches.get(location).statusCode()).isEqualTo(200);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aResultIsForgottenAfterTheRetentionWindow() {
    try (GatewayTester shortLived =
        GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("async-c", 0, "2s"))) {
      String location =
          shortLived.send("POST", "/orders", "{}", "Prefer", "respond-async").headers().firstValue("location").orElseThrow();
      assertThat(shortLived.get(location).statusCode()).isEqualTo(200);

      await().atMost(Duration.ofSeconds(10)).until(() -> shortLived.get(location).statusCode() == 404);
    }
  }
}
