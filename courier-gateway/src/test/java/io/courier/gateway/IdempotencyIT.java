package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code Idempotency-Key} across two gateway instances against a real broker: a retry, from either instance,
 * gets the first result without a second record on the request topic; concurrent duplicates produce one
 * record; reuse with another body is 422.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class IdempotencyIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: idem.responses
        replies: {ownership: static, instance-index: %d, instance-count: 2}
      services:
        - name: orders
          request-topic: idem.requests
          timeout: 10s
          idempotency: optional
          idempotency-fingerprint-headers: [content-type]
          routes:
            - {method: POST, path: /orders}
            - {method: POST, path: /payments, idempotency: required}
            - {method: POST, path: /refunds, idempotency-duplicates: conflict}
            - {method: POST, path: /plain, idempotency: "off"}
      """;

  private static final ScheduledExecutorService LATER = Executors.newScheduledThreadPool(2);
  private static final AtomicInteger ORDERS = new AtomicInteger();
  private static FakeService service;
  private static String bootstrap;
  private static GatewayTester a;
  private static GatewayTester b;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    bootstrap = kafka.bootstrapServers();
    kafka.createTopic("idem.requests", 1);
    GatewayTester.createResponseTopic(kafka, "idem.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "idem.requests");
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("idem-a", 0));
    b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("idem-b", 1));
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
    ordersAfter(0);
  }

  /** The service makes a new order for each request it reads, and answers {@code delayMillis} later. */
  private static void ordersAfter(long delayMillis) {
    service.answer(request -> {
      String id = "o-" + ORDERS.incrementAndGet();
      var reply = FakeService.reply(request, 201, Map.of("location", "/orders/" + id, "content-type", "application/json"),
          ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
      if (delayMillis == 0) {
        return List.of(reply);
      }
      LATER.schedule(() -> service.send(reply), delayMillis, TimeUnit.MILLISECONDS);
      return List.of();
    });
  }

  private static String key() {
    return "\"" + UUID.randomUUID() + "\"";
  }

  /**
   * Every record on the request topic with this key, read from the topic itself up to its end: every record
   * a gateway produced for an answered request is there, so what is not is not coming.
   */
  private static List<ConsumerRecord<byte[], byte[]>> recordsWith(String key) {
    TopicPartition partition = new TopicPartition("idem.requests", 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<ConsumerRecord<byte[], byte[]>> seen = new ArrayList<>();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          var header = record.headers().lastHeader("idempotency-key");
          if (header != null && ("\"" + new String(header.value(), StandardCharsets.US_ASCII) + "\"").equals(key)) {
            seen.add(record);
          }
        }
      }
      return seen;
    }
  }

  @Test
  void aRetryFromTheSameAndFromAnotherInstanceGetsTheFirstResultFromOneRecord() {
    String key = key();

    HttpResponse<String> first = a.send("POST", "/orders", "{\"item\":1}", "Idempotency-Key", key, "Content-Type", "application/json");
    HttpResponse<String> again = a.send("POST", "/orders", "{\"item\":1}", "Idempotency-Key", key, "Content-Type", "application/json");
    HttpResponse<String> elsewhere = b.send("POST", "/orders", "{\"item\":1}", "Idempotency-Key", key, "Content-Type", "application/json");

    assertThat(first.statusCode()).isEqualTo(201);
    for (HttpResponse<String> retry : List.of(again, elsewhere)) {
      assertThat(retry.statusCode()).isEqualTo(201);
      assertThat(retry.body()).isEqualTo(first.body());
      assertThat(retry.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"));
    }
    List<ConsumerRecord<byte[], byte[]>> records = recordsWith(key);
    assertThat(records).hasSize(1);
    assertThat(new String(records.get(0).headers().lastHeader("idempotency-key").value(), StandardCharsets.US_ASCII))
        .as("forwarded unquoted").isEqualTo(key.substring(1, key.length() - 1));
    assertThat(a.counter("courier.idempotency", "outcome", "replayed") + b.counter("courier.idempotency", "outcome", "replayed"))
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void concurrentDuplicatesSplitAcrossTwoInstancesProduceOneRecordAndIdenticalAnswers() {
    ordersAfter(300);
    String key = key();

    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      GatewayTester instance = i % 2 == 0 ? a : b;
      calls.add(instance.sendAsync("POST", "/orders", "{\"item\":2}", "Idempotency-Key", key, "Content-Type", "application/json"));
    }

    List<HttpResponse<String>> answers = calls.stream().map(CompletableFuture::join).toList();
    assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(201);
    assertThat(answers).extracting(HttpResponse::body).containsOnly(answers.get(0).body());
    assertThat(recordsWith(key)).hasSize(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422AndProducesNothing() {
    String key = key();
    assertThat(a.send("POST", "/orders", "{\"item\":3}", "Idempotency-Key", key).statusCode()).isEqualTo(201);

    HttpResponse<String> reused = b.send("POST", "/orders", "{\"item\":4}", "Idempotency-Key", key);
    HttpResponse<String> otherHeader =
        a.send("POST", "/orders", "{\"item\":3}", "Idempotency-Key", key, "Content-Type", "text/plain");

    assertThat(reused.statusCode()).isEqualTo(422);
    assertThat(reused.body()).contains("urn:courier:problem:idempotency-key-reused");
    assertThat(otherHeader.statusCode()).as("content-type is in the fingerprint").isEqualTo(422);
    assertThat(recordsWith(key)).hasSize(1);
  }

  @Test
  void keysAreScopedPerRoute() {
    String key = key();
    HttpResponse<String> order = a.send("POST", "/orders", "{}", "Idempotency-Key", key);
    HttpResponse<String> payment = a.send("POST", "/payments", "{}", "Idempotency-Key", key);

    assertThat(order.statusCode()).isEqualTo(201);
    assertThat(payment.statusCode()).isEqualTo(201);
    assertThat(payment.body()).isNotEqualTo(order.body());
    assertThat(recordsWith(key)).hasSize(2);
  }

  @Test
  void malformedAndMissingKeysAre400() {
    for (String bad : List.of("\"\"", "\"" + "k".repeat(256) + "\"", "\"open", "two words", "\"bad\\q\"")) {
      HttpResponse<String> refused = a.send("POST", "/orders", "{}", "Idempotency-Key", bad);
      assertThat(refused.statusCode()).as(bad).isEqualTo(400);
      assertThat(refused.body()).contains("urn:courier:problem:malformed-idempotency-key");
    }
    HttpResponse<String> twice = a.send("POST", "/orders", "{}", "Idempotency-Key", "\"a\"", "Idempotency-Key", "\"b\"");
    assertThat(twice.statusCode()).isEqualTo(400);
    HttpResponse<String> missing = a.send("POST", "/payments", "{}");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("requires an Idempotency-Key");
  }

  @Test
  void aBareKeyWorksAndARouteWithoutIdempotencyIgnoresTheHeader() {
    String bare = "bare-" + UUID.randomUUID();
    HttpResponse<String> first = a.send("POST", "/orders", "{}", "Idempotency-Key", bare);
    HttpResponse<String> retry = b.send("POST", "/orders", "{}", "Idempotency-Key", "\"" + bare + "\"");
    assertThat(retry.body()).as("the quoted and the bare form are one key").isEqualTo(first.body());

    HttpResponse<String> plain1 = a.send("POST", "/plain", "{}", "Idempotency-Key", "\"p\"");
    HttpResponse<String> plain2 = a.send("POST", "/plain", "{}", "Idempotency-Key", "\"p\"");
    assertThat(plain2.body()).isNotEqualTo(plain1.body());
  }

  @Test
  void aRetryWhileTheFirstIsInProgressIs409OnAConflictRoute() {
    ordersAfter(1_000);
    String key = key();

    CompletableFuture<HttpResponse<String>> first = a.sendAsync("POST", "/refunds", "{}", "Idempotency-Key", key);
    org.awaitility.Awaitility.await().until(() -> !recordsWith(key).isEmpty()); // the first one is with the service
    HttpResponse<String> retry = b.send("POST", "/refunds", "{}", "Idempotency-Key", key);

    assertThat(retry.statusCode()).isEqualTo(409);
    assertThat(retry.headers().firstValue("retry-after")).isPresent();
    assertThat(retry.body()).contains("urn:courier:problem:idempotency-in-progress");
    assertThat(first.join().statusCode()).isEqualTo(201);
  }

  @Test
  void aRetryOfAnAsyncCommandGetsTheSameLocation() {
    ordersAfter(1_000);
    String key = key();

    HttpResponse<String> first = a.send("POST", "/orders", "{}", "Idempotency-Key", key, "Prefer", "respond-async");
    HttpResponse<String> retry = b.send("POST", "/orders", "{}", "Idempotency-Key", key, "Prefer", "respond-async");

    assertThat(first.statusCode()).isEqualTo(202);
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(retry.headers().firstValue("location")).isEqualTo(first.headers().firstValue("location"));
  }
}
