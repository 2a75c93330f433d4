package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.KafkaCluster;
import io.courier.responder.GroupType;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A service answering in a share group behind the real gateway, on a three-node cluster (replication factor
 * 3, so the share-group state topic is replicated too): six instances on three partitions all work, and
 * every caller gets its own answer once.
 */
class ShareGroupGatewayIT {
  private static final String REQUESTS = "share.requests";
  private static final String RESPONSES = "share.responses";
  private static final String GROUP = "share-work";
  private static final String YAML =
      """
      instance-id: share-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: share.responses
      services:
        - name: work
          request-topic: share.requests
          timeout: 20s
          routes:
            - {name: work.post, method: POST, path: "/work/{id}", key: "path:id"}
      """;

  private static KafkaCluster cluster;
  private static GatewayTester gateway;
  private static final List<Responder> RESPONDERS = new ArrayList<>();
  /** How many requests each instance handled, and how often each request was handled. */
  private static final Map<Integer, AtomicInteger> BY_INSTANCE = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> RUNS = new ConcurrentHashMap<>();

  @BeforeAll
  static void start() {
    cluster = KafkaCluster.start(3);
    cluster.createTopic(REQUESTS, 3);
    cluster.createResponseTopic(RESPONSES, 3);
    Executor slow = CompletableFuture.delayedExecutor(100, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 6; i++) {
      AtomicInteger handled = BY_INSTANCE.computeIfAbsent(i, k -> new AtomicInteger());
      RESPONDERS.add(Responder.builder()
          .bootstrapServers(cluster.bootstrapServers())
          .requestTopic(REQUESTS)
          .groupId(GROUP)
          .groupType(GroupType.SHARE)
          .maxInFlight(1)
          .handler(request -> CompletableFuture.supplyAsync(() -> {
            handled.incrementAndGet();
            RUNS.computeIfAbsent(request.bodyAsString(), k -> new AtomicInteger()).incrementAndGet();
            return Reply.status(200).body("text/plain", request.body());
          }, slow))
          .build()
          .start());
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> RESPONDERS.stream().allMatch(Responder::isRunning));
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      ShareGroupDescription group = cluster.admin().describeShareGroups(List.of(GROUP)).all().get().get(GROUP);
      return group.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count() == 6;
    });
    gateway = GatewayTester.start(cluster.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    try {
      if (gateway != null) {
        gateway.close();
      }
      RESPONDERS.forEach(Responder::close);
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  // Keyed, so that the requests spread over the partitions; each partition has two members then.
  void sixInstancesOnThreePartitionsAnswerEveryCallerOnceThroughTheGateway() {
    List<CompletableFuture<HttpResponse<String>>> calls = IntStream.range(0, 48)
        .mapToObj(i -> CompletableFuture.supplyAsync(() -> gateway.send("POST", "/work/job-" + i, "job-" + i, "content-type", "text/plain")))
        .toList();

    List<HttpResponse<String>> responses = calls.stream().map(CompletableFuture::join).toList();

    assertThat(responses).allSatisfy(response -> assertThat(response.statusCode()).isEqualTo(200));
    assertThat(responses).extracting(HttpResponse::body)
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 48).mapToObj(i -> "job-" + i).toList());
    assertThat(RUNS).hasSize(48).allSatisfy((job, runs) -> assertThat(runs.get()).as(job).isEqualTo(1));
    assertThat(BY_INSTANCE.values()).allSatisfy(handled -> assertThat(handled.get()).isPositive());
  }
}
