package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.StreamMarkers;
import io.courier.testing.FakeService;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A stream whose reply partition moves to another instance mid-stream (docs/protocol.md, "Order, gaps,
 * duplicates"): the records before the move reach the waiting instance directly, those after it land on the
 * other instance and come back forwarded, some out of order, some twice (as a rebalance re-reads them); the
 * caller sees every item once, in order. Static ownership makes the owners certain (A reads partition 0, B
 * partition 1); the service writing to B's partition mid-stream is what a move looks like to the gateways.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StreamForwardingIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: sfwd.responses
        replies: {ownership: static, instance-index: %d, instance-count: 2}
      services:
        - name: feed
          request-topic: sfwd.requests
          timeout: 10s
          routes:
            - {method: GET, path: /feed, stream: {idle-timeout: 10s, max-duration: 30s}}
      """;

  private static GatewayTester a;
  private static GatewayTester b;
  private static FakeService service;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("sfwd.requests", 1);
    GatewayTester.createResponseTopic(kafka, "sfwd.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "sfwd.requests").silent();
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("sfwd-a", 0));
    b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("sfwd-b", 1));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    service.close();
  }

  @Test
  void aStreamWhosePartitionMovesMidStreamReachesTheCallerWholeAndInOrder() throws Exception {
    // Given a caller of A's streaming route
    java.util.concurrent.CompletableFuture<HttpResponse<java.util.stream.Stream<String>>> answer =
        HttpClient.newHttpClient()
            .sendAsync(
                HttpRequest.newBuilder(a.uri("/feed")).header("Accept", "application/x-ndjson").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofLines());
    ConsumerRecord<byte[], byte[]> request = service.takeRequest();
    List<String> read = new ArrayList<>();

    // When items 0-4 come on A's partition and the caller has read them
    for (int i = 0; i < 5; i++) {
      service.send(item(request, i, 0));
    }
    HttpResponse<java.util.stream.Stream<String>> response = answer.get(30, TimeUnit.SECONDS);
    Iterator<String> lines = response.body().iterator();
    for (int i = 0; i < 5; i++) {
      read.add(lines.next());
    }
    double duplicatesBefore = a.counter("courier.replies", "outcome", "duplicate");
    // ... then the partition "moves" to B: the rest land there, 7 before 6, 3 and 4 again (re-read), the end
    for (int i : new int[] {3, 4, 5, 7, 6, 8, 9}) {
      service.send(item(request, i, 1));
    }
    service.send(end(request, 10, 1));
    service.send(item(request, 9, 0)); // a copy after the end, on the old partition
    lines.forEachRemaining(read::add);

    // Then every item once, in order, and the end
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      expected.add("{\"n\":" + i + "}");
    }
    expected.add("{\"courier-stream-end\":{\"status\":200,\"items\":10}}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(read).isEqualTo(expected);
    assertThat(b.counter("courier.replies", "source", "response-topic", "outcome", "foreign")).isGreaterThanOrEqualTo(8);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> a.counter("courier.replies", "outcome", "duplicate") >= duplicatesBefore + 3);
    a.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  private static ProducerRecord<byte[], byte[]> item(ConsumerRecord<byte[], byte[]> request, int n, int partition) {
    ProducerRecord<byte[], byte[]> reply = onPartition(FakeService.reply(request, 200, Map.of(), bytes("{\"n\":" + n + "}")), partition);
    StreamMarkers.markItem(reply.headers(), n);
    return reply;
  }

  private static ProducerRecord<byte[], byte[]> end(ConsumerRecord<byte[], byte[]> request, int n, int partition) {
    ProducerRecord<byte[], byte[]> reply = onPartition(FakeService.reply(request, 200, Map.of(), new byte[0]), partition);
    StreamMarkers.markEnd(reply.headers(), n, 200);
    return reply;
  }

  private static ProducerRecord<byte[], byte[]> onPartition(ProducerRecord<byte[], byte[]> reply, int partition) {
    return new ProducerRecord<>(reply.topic(), partition, reply.key(), reply.value(), reply.headers());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
