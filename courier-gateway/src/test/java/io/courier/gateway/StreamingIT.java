package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.ReplyStream;
import io.courier.responder.Request;
import io.courier.responder.Responder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Streamed replies end to end (docs/protocol.md, "Streamed replies"): a real responder streams with {@link
 * ReplyStream}; callers read NDJSON, Server-Sent Events or the assembled array over real sockets; the stream's
 * limits, a slow reader and a caller that leaves end it as documented, and the responder is told to stop.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StreamingIT {
  private static final String YAML =
      """
      instance-id: stream-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: stream.responses
      services:
        - name: feed
          request-topic: stream.requests
          timeout: 5s
          routes:
            - {method: GET, path: "/items/{count}", stream: {idle-timeout: 5s, max-duration: 20s}}
            - {method: GET, path: "/small/{count}", stream: {max-assembled-bytes: 40}}
            - {method: GET, path: "/stall/{count}", stream: {idle-timeout: 700ms, max-duration: 20s}}
            - {method: GET, path: "/forever/{count}", stream: {idle-timeout: 1s, max-duration: 1500ms}}
            - {method: GET, path: "/flood/{count}", stream: {idle-timeout: 10s, max-duration: 60s, buffer-bytes: 65536}}
      """;

  private static final BlockingQueue<String> CANCELLED = new LinkedBlockingQueue<>();
  private static final ExecutorService EMITTERS = Executors.newCachedThreadPool();
  private static final byte[] BIG = ("{\"pad\":\"" + "x".repeat(32 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
  private static Responder responder;
  private static GatewayTester gateway;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("stream.requests", 2);
    GatewayTester.createResponseTopic(kafka, "stream.responses", 2);
    responder =
        Responder.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic("stream.requests")
            .groupId("stream-feed")
            .handler(request -> CompletableFuture.supplyAsync(() -> emit(request), EMITTERS))
            .build()
            .start();
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  /** The service: {@code /items/n} streams n items; the others stall, go on forever, or flood big items. */
  private static Reply emit(Request request) {
    String count = request.pathParam("count").orElseThrow();
    if (count.equals("none")) {
      return Reply.problem(404, "No such feed", "feed none");
    }
    ReplyStream stream = request.stream();
    java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
    request.cancellation().onCancel(() -> {
      CANCELLED.add(request.path());
      cancelled.countDown();
    });
    String kind = request.path().split("/")[1];
    try {
      for (int i = 0; i < Integer.parseInt(count); i++) {
        stream.send("{\"n\":" + i + ",\n\"kind\":\"" + kind + "\"}"); // a raw line break the gateway must flatten
      }
      while (!kind.equals("items") && !kind.equals("small")) {
        if (kind.equals("flood")) {
          stream.send(BIG);
        } else if (kind.equals("forever")) {
          stream.send("{\"tick\":true}");
          cancelled.await(50, java.util.concurrent.TimeUnit.MILLISECONDS); // a tick every 50 ms until cancelled
        } else {
          cancelled.await(); // stall: send nothing until cancelled
          throw new java.util.concurrent.CancellationException();
        }
      }
      return stream.end(200);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void stop() {
    gateway.close();
    responder.close();
    EMITTERS.shutdownNow();
  }

  @Test
  void ndjsonSseAndTheAssembledArrayCarryTheSameItemsInOrderWithTheFinalStatus() {
    double completed = gateway.counter("courier.stream.ended", "outcome", "completed");

    HttpResponse<String> ndjson = gateway.send("GET", "/items/3", null, "Accept", "application/x-ndjson");
    HttpResponse<String> sse = gateway.send("GET", "/items/3", null, "Accept", "text/event-stream");
    HttpResponse<String> array = gateway.send("GET", "/items/3", null, "Accept", "application/json");

    assertThat(ndjson.statusCode()).isEqualTo(200);
    assertThat(ndjson.headers().firstValue("content-type")).hasValue("application/x-ndjson");
    assertThat(ndjson.body().split("\n"))
        .containsExactly(
            "{\"n\":0, \"kind\":\"items\"}", "{\"n\":1, \"kind\":\"items\"}", "{\"n\":2, \"kind\":\"items\"}",
            "{\"courier-stream-end\":{\"status\":200,\"items\":3}}");
    assertThat(sse.statusCode()).isEqualTo(200);
    assertThat(sse.headers().firstValue("content-type")).hasValue("text/event-stream");
    assertThat(sse.body())
        .isEqualTo(
            "id: 0\ndata: {\"n\":0, \"kind\":\"items\"}\n\n"
                + "id: 1\ndata: {\"n\":1, \"kind\":\"items\"}\n\n"
                + "id: 2\ndata: {\"n\":2, \"kind\":\"items\"}\n\n"
                + "event: end\nid: 3\ndata: {\"status\":200,\"items\":3}\n\n");
    assertThat(array.statusCode()).isEqualTo(200);
    assertThat(array.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(array.body())
        .isEqualTo("[{\"n\":0, \"kind\":\"items\"},{\"n\":1, \"kind\":\"items\"},{\"n\":2, \"kind\":\"items\"}]");
    assertThat(gateway.counter("courier.stream.ended", "outcome", "completed")).isEqualTo(completed + 3);
    assertThat(gateway.counter("courier.stream.items")).isGreaterThanOrEqualTo(9);
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void anEmptyStreamAndASingleReplyOnAStreamingRoute() {
    assertThat(gateway.send("GET", "/items/0", null, "Accept", "application/x-ndjson").body())
        .isEqualTo("{\"courier-stream-end\":{\"status\":200,\"items\":0}}\n");
    assertThat(gateway.send("GET", "/items/0", null).body()).isEqualTo("[]");
    HttpResponse<String> notFound = gateway.send("GET", "/items/none", null, "Accept", "application/x-ndjson");
    assertThat(notFound.statusCode()).as("a single reply is the whole answer").isEqualTo(404);
    assertThat(notFound.body()).contains("No such feed");
  }

  @Test
  void anArrayPastMaxAssembledBytesIs502WhileNdjsonStillStreamsIt() {
    HttpResponse<String> tooLarge = gateway.send("GET", "/small/5", null);
    HttpResponse<String> streamed = gateway.send("GET", "/small/5", null, "Accept", "application/x-ndjson");

    assertThat(tooLarge.statusCode()).isEqualTo(502);
    assertThat(tooLarge.body()).contains("urn:courier:problem:stream-too-large");
    assertThat(streamed.body().split("\n")).hasSize(6);
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void anIdleGapEndsTheStreamWithItsMarkerAndStopsTheResponder() throws Exception {
    HttpResponse<String> stalled = gateway.send("GET", "/stall/2", null, "Accept", "application/x-ndjson");

    String[] lines = stalled.body().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[2])
        .startsWith("{\"courier-stream-end\":{\"status\":504,\"items\":2,\"problem\":{")
        .contains("\"type\":\"urn:courier:problem:stream-idle-timeout\"");
    assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("/stall/2");
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void theOverallLimitEndsTheStreamWithItsMarker() {
    io.courier.responder.ResponderStats before = responder.stats();

    HttpResponse<String> sse = gateway.send("GET", "/forever/1", null, "Accept", "text/event-stream");

    assertThat(sse.body()).contains("event: end\n").contains("urn:courier:problem:stream-max-duration").contains("\"status\":504");
    // The limit is the request's deadline: the responder stops there, once, by itself (send throws) or, when the
    // gateway's cancel marker reaches it first (a loaded machine delays its next tick), cancelled.
    await().atMost(Duration.ofSeconds(10)).until(() -> {
      io.courier.responder.ResponderStats now = responder.stats();
      return now.abandoned() + now.cancelled() == before.abandoned() + before.cancelled() + 1;
    });
    CANCELLED.remove("/forever/1"); // a cancel that won is this test's, not the next one's to read
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void aCallerThatGoesAwayCancelsTheStream() throws Exception {
    double cancelled = gateway.counter("courier.stream.ended", "outcome", "cancelled");
    try (Socket caller = new Socket("localhost", gateway.gateway().httpPort())) {
      caller.getOutputStream().write(
          "GET /forever/0 HTTP/1.1\r\nHost: t\r\nAccept: application/x-ndjson\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = caller.getInputStream();
      assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
      in.readNBytes(200); // a few ticks have come
    } // the caller leaves mid-stream

    assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("/forever/0");
    await().atMost(Duration.ofSeconds(5))
        .until(() -> gateway.counter("courier.stream.ended", "outcome", "cancelled") == cancelled + 1);
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void aCallerThatStopsReadingHitsTheBufferBoundAndTheStreamEnds() throws Exception {
    double slow = gateway.counter("courier.stream.ended", "outcome", "slow-reader");
    try (Socket caller = new Socket()) {
      caller.setReceiveBufferSize(4096); // before connecting: a small window, so the gateway's buffer fills soon
      caller.connect(new InetSocketAddress("localhost", gateway.gateway().httpPort()));
      OutputStream out = caller.getOutputStream();
      out.write("GET /flood/0 HTTP/1.1\r\nHost: t\r\nAccept: application/x-ndjson\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // The caller reads nothing: the gateway's bounded buffer fills, the stream ends and is counted.
      await().atMost(Duration.ofSeconds(30))
          .until(() -> gateway.counter("courier.stream.ended", "outcome", "slow-reader") == slow + 1);
      assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("/flood/0");
      // The gateway closed the connection: reading on finds its end.
      caller.setSoTimeout(10_000);
      InputStream in = caller.getInputStream();
      byte[] chunk = new byte[64 * 1024];
      while (in.read(chunk) >= 0) {
        // drain what was sent before the close
      }
    }
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
  }
}
