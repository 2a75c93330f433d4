package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.SocketClient;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The WebSocket front end against a real broker and a real responder, over real sockets (the JDK's client):
 * requests as frames through the same routes, authentication and limits as HTTP (docs/protocol.md,
 * "WebSocket"). One gateway with the default limits, one with tight ones.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class WebSocketIT {
  private static final String KEY = "ws-test-key-0123456789";
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1, header-timeout: %s, idle-timeout: %s}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: %s
      authentication:
        api-keys: {keys: [{name: tester, sha256: %s}]}
      websocket: %s
      services:
        - name: echo
          request-topic: ws.requests
          timeout: 20s
          authentication: none
          routes:
            - {method: POST, path: "/echo/{id}", key: "path:id"}
            - {method: GET, path: "/hold/{id}"}
            - {method: GET, path: "/count/{id}", stream: {idle-timeout: 5s, max-duration: 20s}}
        - name: secret
          request-topic: ws.requests
          authentication: api-key
          routes:
            - {method: GET, path: "/secret/{id}"}
      """;

  private static final BlockingQueue<String> HELD = new LinkedBlockingQueue<>();
  private static final BlockingQueue<String> CANCELLED = new LinkedBlockingQueue<>();
  private static final Map<String, CompletableFuture<Reply>> HOLDING = new ConcurrentHashMap<>();
  private static final ScheduledExecutorService DELAY = Executors.newSingleThreadScheduledExecutor();
  private static Responder responder;
  private static GatewayTester gateway;
  private static GatewayTester tight;

  @BeforeAll
  static void start(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("ws.requests", 3);
    GatewayTester.createResponseTopic(kafka, "ws.responses", 2);
    GatewayTester.createResponseTopic(kafka, "ws.tight.responses", 1);
    responder =
        Responder.builder()
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic("ws.requests")
            .groupId("ws-echo")
            .handler(request -> {
              String id = request.pathParam("id").orElseThrow();
              if (request.path().startsWith("/hold/")) {
                CompletableFuture<Reply> held = new CompletableFuture<>();
                HOLDING.put(id, held);
                request.cancellation().onCancel(() -> CANCELLED.add(id));
                HELD.add(id);
                return held;
              }
              if (request.path().startsWith("/count/")) {
                return CompletableFuture.supplyAsync(() -> count(request, Integer.parseInt(id)), DELAY);
              }
              if (request.path().startsWith("/secret/")) {
                return CompletableFuture.completedFuture(Reply.ok("{\"caller\":\"" + request.identity().orElseThrow().name() + "\"}"));
              }
              // Answers out of order: the later ids of each ten first.
              CompletableFuture<Reply> reply = new CompletableFuture<>();
              Reply echo = Reply.status(201).header("x-echo", id).body("application/json", request.body());
              DELAY.schedule(() -> reply.complete(echo), 10L * (10 - Integer.parseInt(id) % 10), TimeUnit.MILLISECONDS);
              return reply;
            })
            .build()
            .start();
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("ws-gw", "10s", "75s", "ws.responses", hash, "{enabled: true}"));
    tight =
        GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("ws-tight", "300ms", "300ms", "ws.tight.responses", hash,
            "{enabled: true, path: /socket, max-frame-bytes: 2048, max-in-flight: 2, idle-timeout: 2s, max-sockets: 2}"));
  }

  /** Streams {@code {"n":i}} for i below {@code count}, then ends with 200 (ReplyStream, docs/protocol.md "Streamed replies"). */
  private static Reply count(io.courier.responder.Request request, int count) {
    io.courier.responder.ReplyStream stream = request.stream();
    for (int i = 0; i < count; i++) {
      stream.send("{\"n\":" + i + "}");
    }
    return stream.end(200);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    tight.close();
    responder.close();
    DELAY.shutdownNow();
  }

  @Test
  void aHundredConcurrentRequestsOnOneSocketAreEachAnsweredUnderTheirOwnId() {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(gateway, "/ws"))) {
      // When a hundred requests are sent at once, without waiting for any answer
      for (int i = 0; i < 100; i++) {
        socket.send("{\"id\":\"r-" + i + "\",\"method\":\"POST\",\"path\":\"/echo/" + i + "\",\"body\":{\"n\":" + i + "}}");
      }

      // Then each is answered once, with its own status, headers and JSON body, as the replies came
      Map<String, JsonNode> answers = new java.util.LinkedHashMap<>();
      for (int i = 0; i < 100; i++) {
        JsonNode answer = socket.next(30);
        assertThat(answers.put(answer.get("id").asText(), answer)).as("answered once: " + answer).isNull();
      }
      for (int i = 0; i < 100; i++) {
        JsonNode answer = answers.get("r-" + i);
        assertThat(answer.get("status").asInt()).isEqualTo(201);
        assertThat(answer.at("/headers/x-echo").asText()).isEqualTo(Integer.toString(i));
        assertThat(answer.at("/headers/content-type").asText()).isEqualTo("application/json");
        assertThat(answer.at("/body/n").asInt()).isEqualTo(i);
      }
      assertThat(answers.keySet().stream().toList()).as("answered as they completed, not in the order sent").isNotEqualTo(
          java.util.stream.IntStream.range(0, 100).mapToObj(i -> "r-" + i).toList());
      assertThat(gateway.counter("courier.websocket.frames", "direction", "in")).isGreaterThanOrEqualTo(100);
      assertThat(io.micrometer.core.instrument.search.Search.in(gateway.gateway().meterRegistry()).name("courier.requests")
          .tag("route", "echo.POST /echo/{id}").timers().stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum())
          .as("counted by the route's own meters, as HTTP requests are").isGreaterThanOrEqualTo(100);
    }
  }

  @Test
  void aStreamingRouteIsAnsweredWithAFramePerItemInOrderThenItsEndAndOtherRequestsGoOnBetween() {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(gateway, "/ws"))) {
      // When a streamed request and an ordinary one go out on the same socket
      socket.send("{\"id\":\"s\",\"method\":\"GET\",\"path\":\"/count/5\"}");
      socket.send("{\"id\":\"e\",\"method\":\"POST\",\"path\":\"/echo/9\",\"body\":{\"n\":9}}");

      // Then the stream comes as frames under its id: items by seq, in order, then the end with the final status
      java.util.List<JsonNode> stream = new java.util.ArrayList<>();
      JsonNode echo = null;
      while (stream.isEmpty() || !stream.get(stream.size() - 1).has("status") || echo == null) {
        JsonNode frame = socket.next(20);
        if (frame.get("id").asText().equals("e")) {
          echo = frame;
        } else {
          stream.add(frame);
        }
      }
      assertThat(stream).hasSize(6);
      for (int i = 0; i < 5; i++) {
        assertThat(stream.get(i).get("seq").asLong()).isEqualTo(i);
        assertThat(stream.get(i).at("/item/n").asInt()).isEqualTo(i);
        assertThat(stream.get(i).has("status")).as("an item is not final").isFalse();
      }
      assertThat(stream.get(0).has("headers")).as("the stream's headers come with its first frame").isTrue();
      assertThat(stream.get(5).get("status").asInt()).isEqualTo(200);
      assertThat(stream.get(5).get("end").toString()).isEqualTo("{\"status\":200,\"items\":5}");
      assertThat(echo.get("status").asInt()).isEqualTo(201);
      assertThat(socket.poll()).isNull();
    }
  }

  @Test
  void badFramesGetAProblemFrameWithTheirIdWhenItCouldBeReadAndTheSocketStaysOpen() {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(gateway, "/ws"))) {
      socket.send("not json");
      JsonNode unreadable = socket.next(10);
      assertThat(unreadable.get("id").isNull()).isTrue();
      assertThat(unreadable.get("status").asInt()).isEqualTo(400);
      assertThat(unreadable.at("/headers/content-type").asText()).isEqualTo("application/problem+json");
      assertThat(unreadable.at("/body/type").asText()).isEqualTo("urn:courier:problem:malformed-request");

      socket.send("{\"id\":\"no-path\",\"method\":\"GET\"}");
      JsonNode noPath = socket.next(10);
      assertThat(noPath.get("id").asText()).isEqualTo("no-path");
      assertThat(noPath.at("/body/detail").asText()).contains("\"path\"");

      socket.send("{\"id\":\"nowhere\",\"method\":\"GET\",\"path\":\"/nowhere\"}");
      assertThat(socket.next(10).at("/body/type").asText()).isEqualTo("urn:courier:problem:route-not-found");

      socket.send("{\"id\":\"wrong-method\",\"method\":\"DELETE\",\"path\":\"/echo/1\"}");
      JsonNode wrongMethod = socket.next(10);
      assertThat(wrongMethod.get("status").asInt()).isEqualTo(405);
      assertThat(wrongMethod.at("/headers/allow").asText()).isEqualTo("POST");

      // And the socket still serves requests, with a text body and a binary one
      socket.send("{\"id\":\"text\",\"method\":\"POST\",\"path\":\"/echo/7\",\"headers\":{\"Content-Type\":\"text/plain\"},\"body\":\"héllo\"}");
      JsonNode text = socket.next(10);
      assertThat(text.get("status").asInt()).isEqualTo(201);
      assertThat(text.get("body").asText()).isEqualTo("héllo");
      socket.send("{\"id\":\"bytes\",\"method\":\"POST\",\"path\":\"/echo/8\",\"headers\":{\"content-type\":\"application/octet-stream\"},\"bodyBase64\":\"AP+A\"}");
      assertThat(socket.next(10).get("bodyBase64").asText()).isEqualTo("AP+A");
    }
  }

  @Test
  void aProtectedRouteIsRefusedOnASocketWhoseUpgradeCarriedNoKeyAndServedOnOneWhoseUpgradeDid() {
    try (SocketClient anonymous = SocketClient.open(SocketClient.uri(gateway, "/ws"));
        SocketClient keyed = SocketClient.open(SocketClient.uri(gateway, "/ws"), "x-api-key", KEY)) {
      // A key in a frame's headers is not a credential: only the upgrade's are
      anonymous.send("{\"id\":\"a\",\"method\":\"GET\",\"path\":\"/secret/1\",\"headers\":{\"x-api-key\":\"" + KEY + "\"}}");
      JsonNode refused = anonymous.next(10);
      assertThat(refused.get("status").asInt()).isEqualTo(401);
      assertThat(refused.at("/headers/www-authenticate").asText()).contains("ApiKey");

      keyed.send("{\"id\":\"k\",\"method\":\"GET\",\"path\":\"/secret/1\"}");
      JsonNode allowed = keyed.next(10);
      assertThat(allowed.get("status").asInt()).isEqualTo(200);
      assertThat(allowed.at("/body/caller").asText()).isEqualTo("tester");
    }
  }

  @Test
  void aDuplicateIdInFlightIsRefusedAndASocketThatClosesCancelsWhatItHadInFlight() throws Exception {
    double cancels = gateway.counter("courier.cancels");
    SocketClient socket = SocketClient.open(SocketClient.uri(gateway, "/ws"));
    socket.send("{\"id\":\"same\",\"method\":\"GET\",\"path\":\"/hold/h-1\"}");
    assertThat(HELD.poll(10, TimeUnit.SECONDS)).isEqualTo("h-1");

    socket.send("{\"id\":\"same\",\"method\":\"GET\",\"path\":\"/hold/h-2\"}");
    JsonNode duplicate = socket.next(10);
    assertThat(duplicate.get("status").asInt()).isEqualTo(409);
    assertThat(duplicate.at("/body/type").asText()).isEqualTo("urn:courier:problem:duplicate-request-id");

    // When the client goes away with the request in flight
    socket.abort();

    // Then the service is told to stop, and nothing is left waiting
    assertThat(CANCELLED.poll(10, TimeUnit.SECONDS)).isEqualTo("h-1");
    assertThat(gateway.counter("courier.cancels")).isEqualTo(cancels + 1);
    gateway.awaitNothingInFlight(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(5)).until(() -> gauge(gateway, "courier.websocket.sockets") == 0);
  }

  @Test
  void oneRequestPastTheSocketsInFlightLimitIsRefusedAndTheSocketStaysOpen() throws Exception {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      socket.send("{\"id\":\"1\",\"method\":\"GET\",\"path\":\"/hold/t-1\"}");
      socket.send("{\"id\":\"2\",\"method\":\"GET\",\"path\":\"/hold/t-2\"}");
      awaitHeld("t-1", "t-2");

      socket.send("{\"id\":\"3\",\"method\":\"GET\",\"path\":\"/hold/t-3\"}");
      JsonNode refused = socket.next(10);
      assertThat(refused.get("id").asText()).isEqualTo("3");
      assertThat(refused.get("status").asInt()).isEqualTo(429);
      assertThat(refused.at("/body/type").asText()).isEqualTo("urn:courier:problem:socket-in-flight-limit");
      assertThat(refused.at("/headers/retry-after").asText()).isEqualTo("1");

      HOLDING.remove("t-1").complete(Reply.ok("{\"done\":1}"));
      assertThat(socket.next(10).get("id").asText()).isEqualTo("1");
      socket.send("{\"id\":\"3\",\"method\":\"GET\",\"path\":\"/hold/t-3\"}");
      awaitHeld("t-3");
      HOLDING.remove("t-2").complete(Reply.ok("{\"done\":2}"));
      HOLDING.remove("t-3").complete(Reply.ok("{\"done\":3}"));
      assertThat(java.util.List.of(socket.next(10).get("id").asText(), socket.next(10).get("id").asText())).containsExactlyInAnyOrder("2", "3");
      assertThat(tight.counter("courier.websocket.refusals", "reason", "in-flight-limit")).isEqualTo(1);
    }
  }

  @Test
  void aMessageLargerThanTheLimitClosesTheSocketWith1009WhetherOneFrameOrFragmented() {
    String big = "{\"id\":\"big\",\"method\":\"POST\",\"path\":\"/echo/1\",\"body\":\"" + "x".repeat(3000) + "\"}";
    try (SocketClient oneFrame = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      oneFrame.send(big);
      assertThat(oneFrame.closed()).succeedsWithin(Duration.ofSeconds(10));
      assertThat(oneFrame.closed().join()).startsWith("1009");
    }
    try (SocketClient fragmented = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      fragmented.sendFragmented(big.substring(0, 1500), big.substring(1500));
      assertThat(fragmented.closed().join()).startsWith("1009");
    }
    assertThat(tight.counter("courier.websocket.refusals", "reason", "frame-too-large")).isEqualTo(2);
  }

  @Test
  void httpsHeaderAndIdleTimeoutsDoNotCloseASocket() {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      socket.send("{\"id\":\"before\",\"method\":\"POST\",\"path\":\"/echo/1\",\"body\":1}");
      assertThat(socket.next(10).get("status").asInt()).isEqualTo(201);

      // When longer than http.header-timeout and http.idle-timeout (300 ms) pass, but not websocket.idle-timeout
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> true);

      // Then the socket still takes requests
      socket.send("{\"id\":\"after\",\"method\":\"POST\",\"path\":\"/echo/2\",\"body\":2}");
      assertThat(socket.next(10).get("id").asText()).isEqualTo("after");
      assertThat(socket.closed()).isNotDone();
    }
  }

  @Test
  void aGatewayThatStopsClosesItsSocketsWith1001(EmbeddedKafka kafka) throws Exception {
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(KEY.getBytes(StandardCharsets.UTF_8)));
    GatewayTester stopping =
        GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("ws-stop", "10s", "75s", "ws.tight.responses", hash, "{enabled: true}"));
    try (SocketClient socket = SocketClient.open(SocketClient.uri(stopping, "/ws"))) {
      stopping.close();

      assertThat(socket.closed()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("1001 gateway shutting down");
    }
  }

  @Test
  void aBinaryMessageClosesTheSocketWith1003() {
    try (SocketClient socket = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      socket.sendBinary(new byte[] {1, 2, 3});
      assertThat(socket.closed().join()).startsWith("1003");
    }
  }

  @Test
  void anIdleSocketIsClosedWith1000() {
    double before = tight.counter("courier.websocket.idle.closed");
    try (SocketClient socket = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      assertThat(socket.closed()).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("1000 idle timeout");
    }
    assertThat(tight.counter("courier.websocket.idle.closed")).isEqualTo(before + 1);
  }

  @Test
  void upgradesPastMaxSocketsOrFromAnotherOriginAreRefusedAndAPlainGetIsTold426() {
    await().atMost(Duration.ofSeconds(5)).until(() -> gauge(tight, "courier.websocket.sockets") == 0);
    try (SocketClient first = SocketClient.open(SocketClient.uri(tight, "/socket"));
        SocketClient second = SocketClient.open(SocketClient.uri(tight, "/socket"))) {
      assertThat(refusedStatus(() -> SocketClient.open(SocketClient.uri(tight, "/socket")))).isEqualTo(503);
      assertThat(tight.counter("courier.websocket.refusals", "reason", "max-sockets")).isEqualTo(1);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> gauge(tight, "courier.websocket.sockets") == 0);
    assertThat(refusedStatus(() -> SocketClient.open(SocketClient.uri(tight, "/socket"), "origin", "https://evil.example"))).isEqualTo(403);
    int port = tight.gateway().httpPort();
    try (SocketClient sameOrigin = SocketClient.open(SocketClient.uri(tight, "/socket"), "origin", "http://localhost:" + port)) {
      sameOrigin.send("{\"id\":\"o\",\"method\":\"GET\",\"path\":\"/nowhere\"}");
      assertThat(sameOrigin.next(10).get("status").asInt()).isEqualTo(404);
    }

    HttpResponse<String> plain = tight.get("/socket");
    assertThat(plain.statusCode()).isEqualTo(426);
    assertThat(plain.headers().firstValue("upgrade")).hasValue("websocket");
    assertThat(plain.body()).contains("urn:courier:problem:upgrade-required");
  }

  private static int refusedStatus(Runnable open) {
    Throwable[] refusal = new Throwable[1];
    assertThatThrownBy(open::run).isInstanceOf(CompletionException.class).satisfies(thrown -> refusal[0] = thrown.getCause());
    assertThat(refusal[0]).isInstanceOf(WebSocketHandshakeException.class);
    return ((WebSocketHandshakeException) refusal[0]).getResponse().statusCode();
  }

  private static void awaitHeld(String... ids) throws InterruptedException {
    for (int i = 0; i < ids.length; i++) {
      assertThat(HELD.poll(10, TimeUnit.SECONDS)).isIn((Object[]) ids);
    }
  }

  private static double gauge(GatewayTester tester, String name) {
    return io.micrometer.core.instrument.search.Search.in(tester.gateway().meterRegistry()).name(name).gauge().value();
  }
}
