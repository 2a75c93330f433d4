package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A gateway that is asked to stop drains: no new work, /ready goes 503, requests in flight still answered; and
 * an idle one stops without waiting out the fetch the broker holds for it.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ShutdownIT {
  private static final String YAML =
      """
      instance-id: drain-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: drain.responses
      services:
        - name: held
          request-topic: drain.requests
          timeout: 20s
          routes:
            - {method: GET, path: /held}
      """;

  @Test
  void closingDrainsTheRequestsInFlightAndRefusesNewOnes(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("drain.requests", 1);
    GatewayTester.createResponseTopic(kafka, "drain.responses", 1);
    try (FakeService held = new FakeService(kafka.bootstrapServers(), "drain.requests").silent()) {
      GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
      // given a request the service is still working on
      CompletableFuture<HttpResponse<String>> inFlight = gateway.sendAsync("GET", "/held", null);
      ConsumerRecord<byte[], byte[]> request = held.takeRequest();

      // when the gateway is asked to stop
      CompletableFuture<Void> closing = CompletableFuture.runAsync(() -> gateway.gateway().close(Duration.ofSeconds(20)));

      // then it stops taking work and says so on /ready
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.get("/ready").statusCode() == 503);
      assertThat(gateway.get("/ready").body()).contains("urn:courier:problem:shutting-down");
      HttpResponse<String> refused = gateway.get("/held");
      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(refused.body()).contains("urn:courier:problem:shutting-down");
      assertThat(closing).isNotDone();

      // and the request in flight is still answered before it stops
      held.send(FakeService.reply(request, 200, "done"));
      assertThat(inFlight.get().statusCode()).isEqualTo(200);
      assertThat(inFlight.get().body()).isEqualTo("done");
      closing.get();
      assertThat(gateway.gateway().pendingRequests()).isZero();
      held.answer(r -> List.of());
    }
  }

  @Test
  void anIdleGatewayStopsWithoutWaitingOutTheFetchTheBrokerHoldsForIt(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("idle.requests", 1);
    GatewayTester.createResponseTopic(kafka, "idle.responses", 1);
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "idle.requests").silent()) {
      GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), YAML.replace("drain", "idle"));
      // given a fetch of the whole-topics consumer just held anew: a forward for this instance (without a
      // correlation id: counted as malformed) answers the one the broker held, and Kafka's consumer sends the next
      // one, held for up to fetch.max.wait.ms (5 s by default), before it hands over the record
      service.send(new ProducerRecord<>("idle.responses.forwards", "idle-gw".getBytes(StandardCharsets.UTF_8), new byte[0]));
      await().atMost(Duration.ofSeconds(10))
          .until(() -> gateway.counter("courier.replies", "source", "forward-topic", "outcome", "malformed") == 1);

      // when it is asked to stop with nothing in flight
      long started = System.nanoTime();
      gateway.gateway().close(Duration.ofSeconds(20));

      // then closing that consumer does not wait behind the held fetch (to end its fetch session) for 5 s
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
    }
  }
}
