package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderNames;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reply that lands on an instance that did not send the request reaches the one that did, through the
 * forward topic. Static ownership makes the owner of each partition certain: A reads partition 0, B reads 1.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ForwardingIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: fwd.responses
        replies: {ownership: static, instance-index: %d, instance-count: %d}
      services:
        - name: svc
          request-topic: fwd.requests
          timeout: 10s
          routes:
            - {method: POST, path: /work}
      """;

  private static GatewayTester a;
  private static GatewayTester b;
  private static FakeService service;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("fwd.requests", 1);
    GatewayTester.createResponseTopic(kafka, "fwd.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "fwd.requests");
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("fwd-a", 0, 2));
    b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("fwd-b", 1, 2));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    service.close();
  }

  @Test
  void eachInstanceReadsItsOwnPartitionsAndNamesThem() {
    assertThat(a.gateway().ownedReplyPartitions()).containsExactly(0);
    assertThat(b.gateway().ownedReplyPartitions()).containsExactly(1);
  }

  @Test
  void aReplyOnAnotherInstancesPartitionIsForwardedToTheInstanceWaitingForIt() {
    // given a service that answers A's request on B's partition, as after a partition move
    service.answer(request -> List.of(onPartition(FakeService.reply(request, 200, "via b"), 1)));
    double forwardedByB = b.counter("courier.forwards", "result", "sent");

    // when
    HttpResponse<String> response = a.send("POST", "/work", "x");

    // then A answers, having received the reply from B through the forward topic
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("via b");
    assertThat(b.counter("courier.replies", "source", "response-topic", "outcome", "foreign")).isGreaterThanOrEqualTo(1);
    assertThat(b.counter("courier.forwards", "result", "sent")).isEqualTo(forwardedByB + 1);
    assertThat(a.counter("courier.replies", "source", "forward-topic", "outcome", "matched")).isGreaterThanOrEqualTo(1);
    service.answer(request -> List.of(FakeService.reply(request, 200, "direct")));
  }

  @Test
  void aReplyForAnInstanceThatIsGoneIsForwardedAndNobodyElseTakesIt() {
    double before = a.counter("courier.forwards", "result", "sent");
    ProducerRecord<byte[], byte[]> orphan = new ProducerRecord<>("fwd.responses", 0, null, bytes("?"));
    orphan.headers().add(HeaderNames.CORRELATION_ID, bytes("fwd-gone.someRequest"));

    service.send(orphan);

    await().atMost(Duration.ofSeconds(10)).until(() -> a.counter("courier.forwards", "result", "sent") == before + 1);
    assertThat(b.counter("courier.replies", "source", "forward-topic")).isZero();
  }

  @Test
  void manyRequestsFromBothInstancesAreAllAnsweredWhateverPartitionTheRepliesLandOn() {
    // given a service that sends every other reply to the wrong instance's partition
    int[] n = {0};
    service.answer(request -> List.of(onPartition(FakeService.reply(request, 200, "ok"), n[0]++ % 2)));

    List<CompletableFuture<HttpResponse<String>>> responses = new java.util.ArrayList<>();
    for (int i = 0; i < 50; i++) {
      responses.add((i % 2 == 0 ? a : b).sendAsync("POST", "/work", "x"));
    }

    assertThat(responses).allSatisfy(response -> assertThat(response.join().statusCode()).isEqualTo(200));
    service.answer(request -> List.of(FakeService.reply(request, 200, "direct")));
  }

  @Test
  void staticOwnershipWithMoreInstancesThanPartitionsIsRefusedWithAClearMessage(EmbeddedKafka kafka) {
    try (GatewayTester refused = GatewayTester.startUnready(kafka.bootstrapServers(), YAML.formatted("fwd-c", 2, 3))) {
      assertThat(refused.gateway().whenReady()).failsWithin(Duration.ofSeconds(20));

      assertThat(refused.gateway().refusal()).contains("instance-count 3").contains("which has 2");
      assertThat(refused.get("/ready").body()).contains("instance-count 3");
    }
  }

  private static ProducerRecord<byte[], byte[]> onPartition(ProducerRecord<byte[], byte[]> reply, int partition) {
    return new ProducerRecord<>(reply.topic(), partition, reply.key(), reply.value(), reply.headers());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
