package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A partition of the response topic that moves to an instance already reading another: the broker may hold that
 * instance's fetch, which does not include the new partition, for up to {@code fetch.max.wait.ms}, so requests
 * name the partition only once that time has passed, and no reply waits for the held fetch meanwhile.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReplyPartitionMovesIT {
  private static final Duration FETCH_MAX_WAIT = Duration.ofSeconds(4);
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: moves.responses
        consumer: {fetch.max.wait.ms: %d}
      services:
        - name: echo
          request-topic: moves.requests
          timeout: 30s
          routes:
            - {method: POST, path: /echo}
      """;

  @Test
  void aPartitionTakenOverFromAnInstanceThatLeftIsNamedOnlyOnceTheFetchesIncludeIt(EmbeddedKafka kafka) {
    kafka.createTopic("moves.requests", 1);
    GatewayTester.createResponseTopic(kafka, "moves.responses", 2);
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "moves.requests")
            .answer(request -> List.of(FakeService.reply(request, 200, "ok")));
        GatewayTester a = GatewayTester.start(kafka.bootstrapServers(), yaml("moves-a"))) {
      int[] aOwned;
      long left;
      try (GatewayTester b = GatewayTester.start(kafka.bootstrapServers(), yaml("moves-b"))) {
        // given two instances with a partition each (an instance's first partitions are named at once)
        await().atMost(Duration.ofSeconds(30))
            .until(() -> a.gateway().ownedReplyPartitions().length == 1 && b.gateway().ownedReplyPartitions().length == 1);
        aOwned = a.gateway().ownedReplyPartitions();
        assertAnsweredAtOnce(a);
        // when B leaves and A is given B's partition
        left = System.nanoTime();
      }

      // then A serves on its own partition meanwhile, each reply read at once
      for (int i = 0; i < 3; i++) {
        assertAnsweredAtOnce(a);
        assertThat(a.gateway().ownedReplyPartitions()).containsExactly(aOwned);
      }
      // and names B's partition only once a fetch the broker held from before it came has been answered
      await().atMost(FETCH_MAX_WAIT.multipliedBy(2).plusSeconds(15)).until(() -> a.gateway().ownedReplyPartitions().length == 2);
      assertThat(Duration.ofNanos(System.nanoTime() - left)).isGreaterThanOrEqualTo(FETCH_MAX_WAIT);
      for (int i = 0; i < 4; i++) {
        assertAnsweredAtOnce(a); // half of them on B's former partition
      }
    }
  }

  /** Answered well within the time a held fetch would have added (the service answers at once). */
  private static void assertAnsweredAtOnce(GatewayTester gateway) {
    long sent = System.nanoTime();
    assertThat(gateway.send("POST", "/echo", "x").statusCode()).isEqualTo(200);
    assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(FETCH_MAX_WAIT.dividedBy(2));
  }

  private static String yaml(String instanceId) {
    return YAML.formatted(instanceId, FETCH_MAX_WAIT.toMillis());
  }
}
