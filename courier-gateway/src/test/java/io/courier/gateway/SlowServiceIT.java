package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.lang.management.ManagementFactory;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A service that stops answering must not take the gateway down with it: the route's in-flight cap sheds
 * the surplus with 503 at once, the admitted requests end with 504 at their deadline, and memory held for
 * waiting requests never grows past the cap.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class SlowServiceIT {
  private static final int CAP = 100;
  private static final int REQUESTS = 600;
  private static final String YAML =
      """
      instance-id: slow-gw
      http: {port: 0, event-loops: 2}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: slow.responses
      services:
        - name: stuck
          request-topic: slow.requests
          timeout: 3s
          max-in-flight: %d
          routes:
            - {method: POST, path: /stuck}
      """
          .formatted(CAP);

  @Test
  void aStuckServiceDrivesTheRouteToItsCapAndTheRestIsShedWith503(EmbeddedKafka kafka) throws Exception {
    // given a service that reads requests and never answers
    kafka.createTopic("slow.requests", 2);
    GatewayTester.createResponseTopic(kafka, "slow.responses", 2);
    try (FakeService stuck = new FakeService(kafka.bootstrapServers(), "slow.requests").silent();
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), YAML)) {
      long heapBefore = usedHeapAfterGc();
      AtomicInteger maxPending = new AtomicInteger();
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      sampler.scheduleAtFixedRate(
          () -> maxPending.accumulateAndGet(gateway.gateway().pendingRequests(), Math::max), 0, 5, TimeUnit.MILLISECONDS);

      // when many more requests than the cap arrive at once
      List<CompletableFuture<HttpResponse<String>>> responses = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        responses.add(gateway.sendAsync("POST", "/stuck", "{\"n\":" + i + "}", "content-type", "application/json"));
      }
      CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      sampler.shutdownNow();
      long heapAfter = usedHeapAfterGc();

      // then exactly the cap was admitted and timed out; everything else was shed at once
      Map<Integer, Long> byStatus =
          responses.stream().map(CompletableFuture::join).collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
      System.out.printf(
          "SlowServiceIT: %d requests -> %s; max pending %d (cap %d); heap after GC %d MB -> %d MB%n",
          REQUESTS, byStatus, maxPending.get(), CAP, heapBefore >> 20, heapAfter >> 20);
      assertThat(byStatus).containsOnlyKeys(503, 504);
      assertThat(byStatus.get(504)).isEqualTo(CAP);
      assertThat(byStatus.get(503)).isEqualTo(REQUESTS - CAP);
      assertThat(maxPending.get()).isLessThanOrEqualTo(CAP);
      assertThat(responses.stream().map(CompletableFuture::join).filter(r -> r.statusCode() == 503))
          .allMatch(r -> r.body().contains("urn:courier:problem:overloaded") && r.headers().firstValue("retry-after").isPresent());
      assertThat(stuck.requestsSeen()).isEqualTo(CAP);
      assertThat(gateway.gateway().pendingRequests()).isZero();
    }
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
