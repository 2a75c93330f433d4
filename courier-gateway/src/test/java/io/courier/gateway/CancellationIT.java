package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.RawHttp;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.Responder;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cancellation end to end (docs/protocol.md, "Cancellation"): {@code DELETE} on a result and a caller that
 * disconnects put a cancel marker on the request's partition; a real responder's handler sees it and no reply
 * is produced.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CancellationIT {
  private static final String YAML =
      """
      instance-id: cancel-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: cancel.responses
      services:
        - name: jobs
          request-topic: cancel.requests
          timeout: 20s
          routes:
            - {method: POST, path: "/jobs/{id}", key: "path:id"}
      """;

  /** The requests the handler holds: it finishes none by itself. */
  private static final Map<String, Request> RUNNING = new ConcurrentHashMap<>();
  private static final BlockingQueue<String> STARTED = new LinkedBlockingQueue<>();
  private static final BlockingQueue<String> CANCELLED = new LinkedBlockingQueue<>();
  private static Responder responder;
  private static GatewayTester gateway;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("cancel.requests", 3);
    GatewayTester.createResponseTopic(kafka, "cancel.responses", 1);
    responder =
        Responder.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic("cancel.requests")
            .groupId("cancel-jobs")
            .handler(request -> {
              RUNNING.put(request.correlationId(), request);
              request.cancellation().onCancel(() -> CANCELLED.add(request.pathParam("id").orElseThrow()));
              STARTED.add(request.pathParam("id").orElseThrow());
              return new CompletableFuture<Reply>(); // long work, until cancelled or the deadline
            })
            .build()
            .start();
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    responder.close();
  }

  @Test
  void deleteOnAPendingResultCancelsTheHandlerAndNoReplyComes() throws Exception {
    // Given an accepted command the service is working on
    HttpResponse<String> accepted = gateway.send("POST", "/jobs/j-1", "{}", "Prefer", "respond-async");
    String location = accepted.headers().firstValue("location").orElseThrow();
    assertThat(STARTED.poll(10, TimeUnit.SECONDS)).isEqualTo("j-1");

    // When the caller cancels it
    HttpResponse<String> cancelled = gateway.send("DELETE", location, null);

    // Then the handler is told, and the result says so from then on
    assertThat(cancelled.statusCode()).isEqualTo(202);
    assertThat(cancelled.body()).contains("\"status\":\"cancelled\"");
    assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("j-1");
    await().atMost(Duration.ofSeconds(10)).until(() -> responder.stats().cancelled() == 1);
    assertThat(responder.stats().answered()).as("no reply for a cancelled request").isZero();
    assertThat(gateway.get(location).body()).contains("\"status\":\"cancelled\"");
    assertThat(gateway.send("DELETE", location, null).statusCode()).as("cancelling again changes nothing").isEqualTo(202);
    assertThat(gateway.gateway().pendingRequests()).as("nothing left waiting for the reply").isZero();
  }

  @Test
  void aCallerThatDisconnectsCancelsItsRequest() throws Exception {
    double before = gateway.counter("courier.cancels");
    try (RawHttp caller = new RawHttp(gateway.gateway().httpPort())) {
      caller.send("POST /jobs/j-2 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n{}");
      assertThat(STARTED.poll(10, TimeUnit.SECONDS)).isEqualTo("j-2");
    } // the caller goes away

    assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("j-2");
    assertThat(gateway.counter("courier.cancels")).isEqualTo(before + 1);
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void deletingAnAnsweredOrUnknownResultIsRefused() {
    assertThat(gateway.send("DELETE", "/results/cancel-gw.AAAAAAAAAAAAAAAAAAAAAA", null).statusCode()).isEqualTo(404);
  }
}
