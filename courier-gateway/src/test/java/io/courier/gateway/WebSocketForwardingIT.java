package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.SocketClient;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two gateway instances share a response topic of two partitions (group ownership). A socket's instance owns
 * both while its requests go out; a second instance joins, taking one of them, before any reply is sent. The
 * replies to that partition are read by the newcomer and forwarded (ADR 0002, ADR 0005): the socket still
 * gets every answer.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class WebSocketForwardingIT {
  private static final int REQUESTS = 20;
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: wsfwd.responses
      websocket: {enabled: true}
      services:
        - name: held
          request-topic: wsfwd.requests
          timeout: 30s
          routes:
            - {method: GET, path: "/held/{id}"}
      """;

  @Test
  void aSocketsInstanceThatLosesTheReplyPartitionMidRequestStillAnswersEveryRequest(EmbeddedKafka kafka) {
    kafka.createTopic("wsfwd.requests", 1);
    GatewayTester.createResponseTopic(kafka, "wsfwd.responses", 2);
    Map<String, CompletableFuture<Reply>> held = new ConcurrentHashMap<>();
    try (Responder responder =
            Responder.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .requestTopic("wsfwd.requests")
                .groupId("wsfwd-held")
                .handler(request -> held.computeIfAbsent(request.pathParam("id").orElseThrow(), id -> new CompletableFuture<>()))
                .build()
                .start();
        GatewayTester a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("wsfwd-a"));
        SocketClient socket = SocketClient.open(SocketClient.uri(a, "/ws"))) {
      // Given requests in flight on a socket of A, which owns both reply partitions, so both are named
      assertThat(a.gateway().ownedReplyPartitions()).containsExactlyInAnyOrder(0, 1);
      for (int i = 0; i < REQUESTS; i++) {
        socket.send("{\"id\":\"q-" + i + "\",\"method\":\"GET\",\"path\":\"/held/" + i + "\"}");
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> held.size() == REQUESTS);

      // When B joins and takes one of A's reply partitions
      try (GatewayTester b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("wsfwd-b"))) {
        await("the partitions are split").atMost(Duration.ofSeconds(30))
            .until(() -> a.gateway().ownedReplyPartitions().length == 1 && b.gateway().ownedReplyPartitions().length == 1);

        // and only then does the service reply to each request
        held.forEach((id, reply) -> reply.complete(Reply.ok("{\"n\":" + id + "}")));

        // Then the socket gets every answer, those read by B included
        Map<String, JsonNode> answers = new HashMap<>();
        for (int i = 0; i < REQUESTS; i++) {
          JsonNode answer = socket.next(30);
          answers.put(answer.get("id").asText(), answer);
        }
        for (int i = 0; i < REQUESTS; i++) {
          assertThat(answers.get("q-" + i).get("status").asInt()).isEqualTo(200);
          assertThat(answers.get("q-" + i).at("/body/n").asInt()).isEqualTo(i);
        }
        assertThat(b.counter("courier.forwards", "result", "sent")).as("B forwarded the replies it read for A").isPositive();
        assertThat(a.counter("courier.replies", "source", "forward-topic", "outcome", "matched")).isPositive();
        assertThat(socket.poll()).as("nothing answered twice").isNull();
      }
      a.awaitNothingInFlight(Duration.ofSeconds(5));
    }
  }
}
