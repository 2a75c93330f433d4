package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.testing.ChildJvm;
import io.courier.gateway.testing.EchoResponders;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Services scale out too: two responder processes share the request topic in one consumer group, and one is
 * killed (SIGKILL) under load. The requests it had taken but not answered are redelivered to the survivor
 * once the group notices (session timeout 6 s) and answered if their deadline allows, else the caller gets
 * 504 at the deadline. Every caller gets exactly one answer; none hangs.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ResponderFailoverIT {
  private static final int RATE_PER_SECOND = 100;
  private static final long KILL_AT = 5_000;
  private static final long LOAD_MILLIS = 16_000;
  private static final String YAML =
      """
      instance-id: failover-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: failover.responses
      services:
        - name: echo
          request-topic: failover.requests
          timeout: 12s
          routes:
            - {method: POST, path: /echo}
      """;

  @Test
  void aKilledResponderIsReplacedByItsGroupAndNoCallerHangsOrGetsTwoAnswers(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("failover.requests", 4);
    GatewayTester.createResponseTopic(kafka, "failover.responses", 2);
    String bootstrap = kafka.bootstrapServers();
    String[] echoArgs = {bootstrap, "failover.requests", "failover-echo", "50"};
    List<CompletableFuture<HttpResponse<String>>> responses = new CopyOnWriteArrayList<>();
    try (ChildJvm survivor = ChildJvm.start(EchoResponders.class, echoArgs);
        ChildJvm victim = ChildJvm.start(EchoResponders.class, echoArgs);
        GatewayTester gateway = GatewayTester.start(bootstrap, YAML)) {
      long start = System.nanoTime();
      boolean killed = false;
      while (elapsedMillis(start) < LOAD_MILLIS) {
        responses.add(gateway.sendAsync("POST", "/echo", "n" + responses.size()));
        if (!killed && elapsedMillis(start) >= KILL_AT) {
          victim.kill();
          killed = true;
        }
        TimeUnit.MICROSECONDS.sleep(1_000_000 / RATE_PER_SECOND); // pacing the load generator
      }

      // every request gets exactly one answer, within its deadline plus slack
      CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      Map<Integer, Long> byStatus =
          responses.stream().map(CompletableFuture::join).collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
      System.out.printf(
          "ResponderFailoverIT: sent=%d byStatus=%s duplicateReplies=%.0f lateReplies=%.0f%n",
          responses.size(), byStatus,
          gateway.counter("courier.replies", "outcome", "duplicate"),
          gateway.counter("courier.replies", "outcome", "late"));
      assertThat(byStatus.keySet()).isSubsetOf(200, 504);
      // How many of the victim's requests beat their deadline depends on how fast the group rebalances
      // (here every one did); what must hold is that most are answered and none twice or never.
      assertThat(byStatus.get(200)).isGreaterThan(responses.size() / 2L);
      for (int i = 0; i < responses.size(); i++) {
        HttpResponse<String> response = responses.get(i).join();
        if (response.statusCode() == 200) {
          assertThat(response.body()).as("request %d got its own answer", i).isEqualTo("n" + i);
        }
      }
      assertThat(survivor.readyDetail()).isEqualTo("responder");
    }
  }

  private static long elapsedMillis(long start) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }
}
