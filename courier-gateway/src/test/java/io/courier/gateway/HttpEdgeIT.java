package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.RawHttp;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.RequestEnvelope;
import io.courier.testing.FakeService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The front door over a bare socket: every request gets an answer (or a closed connection when none can be
 * written), no caller holds a connection or a route slot for ever, and header bytes pass through as sent.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class HttpEdgeIT {
  private static final String YAML =
      """
      instance-id: edge-gw
      http: {port: 0, event-loops: 1, header-timeout: 1s, body-timeout: 1s, idle-timeout: 1s}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: edge.responses
      services:
        - name: shop
          request-topic: edge.requests
          timeout: 5s
          forward-headers: [x-city, x-forwarded-for]
          routes:
            - {name: customers.get, method: GET, path: "/customers/{id}", key: "path:id"}
            - {name: orders.create, method: POST, path: /orders, key: "body:/customerId", max-in-flight: 5}
            - {name: baskets.put, method: PUT, path: "/baskets/{customerId}/items/{sku}", key: "path:customerId", max-body-bytes: 64}
            - {name: slow.get, method: GET, path: /slow, timeout: 3s}
            - {name: patient.get, method: GET, path: /patient, timeout: 60s}
      """;

  private static GatewayTester gateway;
  private static FakeService service;
  private static final ScheduledExecutorService LATER = Executors.newSingleThreadScheduledExecutor();

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("edge.requests", 1);
    GatewayTester.createResponseTopic(kafka, "edge.responses", 1);
    service = new FakeService(kafka.bootstrapServers(), "edge.requests");
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    service.close();
    LATER.shutdownNow();
  }

  @BeforeEach
  void echo() {
    service.answer(request -> List.of(FakeService.reply(request, 200, "ok")));
    service.clearRequests();
  }

  private RawHttp connect() {
    return new RawHttp(gateway.gateway().httpPort());
  }

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  }

  // 1. Every request gets an answer

  @ParameterizedTest
  @ValueSource(strings = {"/customers/%ZZ", "/customers/%", "/customers/%E9", "/customers/%C3", "/customers/..", "/customers/%2e%2E"})
  void aPathThatCannotBeReadIsA400AndTheConnectionStaysUsable(String path) {
    try (RawHttp http = connect()) {
      RawHttp.Response bad = http.exchange(get(path));
      RawHttp.Response next = http.exchange(get("/customers/c-1"));

      assertThat(bad.status()).isEqualTo(400);
      assertThat(bad.header("content-type")).isEqualTo("application/problem+json");
      assertThat(bad.bodyText()).contains("urn:courier:problem:malformed-request");
      assertThat(next.status()).as("the same connection serves the next request").isEqualTo(200);
    }
    assertThat(gateway.counter("courier.errors", "route", "none", "error", "malformed-request")).isPositive();
  }

  @Test
  void rawBytesThatAreNotUtf8InThePathAreA400() {
    try (RawHttp http = connect()) {
      http.send("GET /customers/r").send(new byte[] {(byte) 0xE9}).send("s HTTP/1.1\r\nHost: x\r\n\r\n");

      assertThat(http.read().status()).isEqualTo(400);
    }
  }

  @Test
  void aRequestTheServerCannotParseIsAProblemToo() {
    try (RawHttp tooLong = connect(); RawHttp notHttp = connect()) {
      RawHttp.Response uri = tooLong.exchange(get("/customers/" + "x".repeat(5000)));
      RawHttp.Response garbage = notHttp.exchange("GET /customers/1 HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n");

      assertThat(uri.status()).isEqualTo(414);
      assertThat(uri.bodyText()).contains("urn:courier:problem:uri-too-long");
      assertThat(garbage.status()).isEqualTo(400);
      assertThat(garbage.bodyText()).contains("urn:courier:problem:malformed-request");
    }
  }

  @Test
  void headerFieldsLargerThanTheLimitAreA431() {
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange("GET /customers/1 HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(9000) + "\r\n\r\n");

      assertThat(response.status()).isEqualTo(431);
      assertThat(response.bodyText()).contains("urn:courier:problem:headers-too-large");
    }
  }

  @Test
  void aChunkedBodyThatIsNotValidIsA400() {
    try (RawHttp http = connect()) {
      RawHttp.Response response =
          http.exchange("PUT /baskets/c-1/items/sku-42 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\n{\"a\":\r\nzz\r\n");

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).contains("urn:courier:problem:malformed-request");
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().requestsInFlight() == 0);
  }

  @Test
  void aChunkedBodyIsReadWhole() {
    try (RawHttp http = connect()) {
      RawHttp.Response response =
          http.exchange("PUT /baskets/c-1/items/sku-42 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\n{\"a\":\r\n2\r\n1}\r\n0\r\n\r\n");

      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(new String(lastRequestFor("/baskets/c-1/items/sku-42").value(), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "identity", "xchunked", "chunked;q=1", "chunked, gzip"})
  void aTransferEncodingThatDoesNotEndInChunkedIsA400AndNothingAfterItIsProcessed(String coding) {
    try (RawHttp http = connect()) {
      // a body that is a request of its own: read as "no body", it would be smuggled in
      String smuggled = "GET /customers/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
      http.send("POST /orders HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + coding + "\r\n\r\n" + smuggled);

      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).contains("malformed-request").contains("Transfer-Encoding");
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).as("and no second response").isTrue();
    }
    assertNotProcessed("/customers/smuggled");
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /ready", "GET /health", "GET /nowhere", "GET /results/unknown", "DELETE /ready", "GET /customers/%ZZ"})
  void anAnswerOfTheGatewaysOwnEndsAConnectionThatAskedForClose(String requestLine) {
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange(requestLine + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");

      assertThat(response.status()).isBetween(200, 599);
      // within 700 ms: the header, body and idle timers of this gateway (1 s) would close it later anyway
      assertThat(http.closedWithin(Duration.ofMillis(700))).as("closed at once (RFC 9112 section 9.6)").isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http/1.1", "Http/1.1", "HTTP/01.1", "http/1.0", "FOO/1.1", "HTTPS/1.1"})
  void anHttpVersionNotWrittenAsRfc9112SaysIsA400Problem(String version) {
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange("GET /health " + version + "\r\nHost: x\r\n\r\n");

      assertThat(response.status()).as("not Vert.x's bare 501").isEqualTo(400);
      assertThat(response.header("content-type")).isEqualTo("application/problem+json");
      assertThat(response.bodyText()).contains("urn:courier:problem:malformed-request").contains("HTTP/1.1");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Length: %d\r\nTransfer-Encoding: chunked", "Transfer-Encoding: chunked\r\nContent-Length: %d",
      "Content-Length: %d\r\nTransfer-Encoding: gzip, chunked"})
  void aLengthAndAChunkedTransferEncodingTogetherAreA400AndNothingAfterIsProcessed(String framing) {
    // what a proxy trusting Content-Length reads as one request carries a second one for a chunked reader
    String smuggled = "GET /customers/smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    String chunked = "17\r\n{\"customerId\":\"c-1001\"}\r\n0\r\n\r\n";
    try (RawHttp http = connect()) {
      http.send("POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + framing.formatted(chunked.length() + smuggled.length()) + "\r\n\r\n" + chunked + smuggled);

      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).contains("malformed-request").contains("ambiguous");
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).as("and no second response").isTrue();
    }
    assertNotProcessed("/customers/smuggled");
  }

  @ParameterizedTest
  @ValueSource(strings = {"keep-alive, close", "close, keep-alive", "te, close", "foo,close", "close,"})
  void closeAmongOtherConnectionOptionsEndsTheConnection(String options) {
    try (RawHttp http = connect()) {
      http.send("GET /customers/c-1 HTTP/1.1\r\nHost: x\r\nConnection: " + options + "\r\n\r\n"
          + get("/customers/after-close"));

      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).as("and no second response").isTrue();
    }
    assertNotProcessed("/customers/after-close");
  }

  @Test
  void aBodyAtTheDefaultLimitFitsInARecordWhateverThePathAndHeaders() {
    // the longest path the request line allows (taken as the key and a path parameter too), the most
    // forwarded header bytes the header block allows, and a body of exactly the default limit
    String id = "p".repeat(4040);
    String city = "x-city: " + "c".repeat(3900) + "\r\n";
    int limit = 1_048_576 - 2 * 8192 - 4 * 4096 - 8192;
    try (RawHttp http = connect()) {
      RawHttp.Response fits =
          http.exchange("GET /customers/" + id + " HTTP/1.1\r\nHost: x\r\n" + city + city + "Content-Length: " + limit
              + "\r\n\r\n" + "a".repeat(limit));
      RawHttp.Response over =
          http.exchange("GET /customers/" + id + " HTTP/1.1\r\nHost: x\r\n" + city + city + "Content-Length: " + (limit + 1)
              + "\r\n\r\n");

      assertThat(fits.status()).as("Kafka takes it: not 413 from the producer").isEqualTo(200);
      assertThat(over.status()).isEqualTo(413);
      assertThat(over.bodyText()).contains("body-too-large");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET /customers/c-1 HTTP/1.1\r\n\r\n", "GET /customers/c-1 HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "POST /orders HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"})
  void aRequestWithAmbiguousFramingOrAddressingIsA400(String request) {
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange(request);

      assertThat(response.status()).isEqualTo(400);
      assertThat(response.bodyText()).contains("malformed-request");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.2", "HTTP/2.0", "HTTP/0.9"})
  void anHttpVersionOtherThan10Or11IsA505Problem(String version) {
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange("GET /health " + version + "\r\nHost: x\r\n\r\n");

      assertThat(response.status()).isEqualTo(505);
      assertThat(response.bodyText()).contains("urn:courier:problem:http-version-not-supported");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aPipelinedRequestWithABrokenBodyIsAnsweredAfterTheOneBeforeIt() {
    try (RawHttp http = connect()) {
      // a GET that waits for its reply from Kafka, then a PUT whose chunked body breaks, in one write
      http.send("GET /customers/c-1001 HTTP/1.1\r\nHost: x\r\n\r\n"
          + "PUT /baskets/c-1/items/s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");

      RawHttp.Response first = http.read();
      RawHttp.Response second = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).isEqualTo("ok");
      assertThat(second.status()).isEqualTo(400);
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aSlowNextRequestIsAnswered408OnlyAfterTheReplyOwedBeforeIt() {
    // a reply that takes 2 s, longer than the 1 s header timeout
    service.answer(request -> {
      ProducerRecord<byte[], byte[]> reply = FakeService.reply(request, 200, "owed");
      LATER.schedule(() -> service.send(reply), 2000, TimeUnit.MILLISECONDS);
      return List.of();
    });
    try (RawHttp http = connect()) {
      http.send("GET /patient HTTP/1.1\r\nHost: x\r\n\r\nGET /customers/c-2 HTTP/1.1\r\nHo");

      RawHttp.Response first = http.read();
      RawHttp.Response second = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).isEqualTo("owed");
      assertThat(second.status()).isEqualTo(408);
    }
  }

  @Test
  void aPartialRequestInTheSameWriteAsAWholeOneStillHasAHeaderTimeout() {
    try (RawHttp http = connect()) {
      http.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /custo");

      assertThat(http.read().status()).isEqualTo(200);
      RawHttp.Response timedOut = http.read();
      assertThat(timedOut.status()).as("408 after the 1 s header timeout, not a silent close after the idle one").isEqualTo(408);
    }
  }

  @Test
  void aCallerThatClosesItsSendingSideIsGoneAndGivesItsSlotBackAtOnce() {
    service.answer(request -> List.of()); // the reply never comes; the route waits 60 s
    try (RawHttp http = connect()) {
      http.send(get("/patient"));
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().requestsInFlight() == 1);

      http.halfClose();

      // a server cannot tell a half-close from a caller that left: the slot comes back now, not in 60 s
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().requestsInFlight() == 0);
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aWholePipelinedRequestWaitingBehindASlowReplyIsNotTimedOut() {
    // a reply that takes 2 s, longer than the 1 s header timeout, and a whole request queued behind it
    service.answer(request -> {
      ProducerRecord<byte[], byte[]> reply = FakeService.reply(request, 200, "owed");
      if (RequestEnvelope.fromHeaders(request.headers()).path().equals("/patient")) {
        LATER.schedule(() -> service.send(reply), 2000, TimeUnit.MILLISECONDS);
        return List.of();
      }
      return List.of(reply);
    });
    try (RawHttp http = connect()) {
      http.send(get("/patient") + get("/customers/c-2") + get("/nowhere"));

      RawHttp.Response first = http.read();
      RawHttp.Response second = http.read();
      RawHttp.Response third = http.read();

      assertThat(first.status()).isEqualTo(200);
      assertThat(second.status()).as("its header block was complete: not a slow client").isEqualTo(200);
      assertThat(third.status()).as("answered by the gateway itself, and flushed").isEqualTo(404);
    }
  }

  @Test
  void afterAConnectionCloseAnswerNothingElseOnTheConnectionIsProcessed() {
    try (RawHttp http = connect()) {
      // a refused expectation whose client sends its body anyway, and another request behind it
      http.send("PUT /baskets/c-1/items/s HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: foo\r\n"
          + "Content-Length: 14\r\n\r\n{\"quantity\":1}"
          + "PUT /baskets/c-777/items/x HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n"
          + "{\"quantity\":77}");

      assertThat(http.read().status()).isEqualTo(417);
      assertThat(http.closedWithin(Duration.ofSeconds(5))).as("no answer for the second, and the end").isTrue();
    }
    assertNotProcessed("/baskets/c-777/items/x");
  }

  // 2. Nothing waits for ever

  @Test
  void aBodyThatStopsComingIsA408AndGivesItsSlotBack() {
    // given three callers that promise 60000 bytes, send 20, then wait
    List<RawHttp> stalled =
        List.of(connect(), connect(), connect());
    try {
      for (RawHttp http : stalled) {
        http.send("POST /orders HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60000\r\n\r\n")
            .send("{\"customerId\":\"c-1\",");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().requestsInFlight() == 3);

      // then each is answered 408 within the body timeout, the connection closes, the slots come back
      for (RawHttp http : stalled) {
        RawHttp.Response response = http.read();
        assertThat(response.status()).isEqualTo(408);
        assertThat(response.bodyText()).contains("urn:courier:problem:request-timeout");
        assertThat(response.header("connection")).isEqualTo("close");
        // the caller sees the end of the stream right after the answer, not a drain timeout later
        assertThat(http.closedWithin(Duration.ofMillis(500))).isTrue();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> gateway.gateway().requestsInFlight() == 0);
      assertThat(gateway.counter("courier.errors", "route", "orders.create", "error", "request-timeout")).isGreaterThanOrEqualTo(3);
    } finally {
      stalled.forEach(RawHttp::close);
    }
  }

  @Test
  void headersSentTooSlowlyAreA408AndTheConnectionCloses() {
    try (RawHttp http = connect()) {
      // one header line, then nothing: a slowloris client
      http.send("GET /customers/c-1 HTTP/1.1\r\nHost: x\r\n");

      RawHttp.Response response = http.read();

      assertThat(response.status()).isEqualTo(408);
      assertThat(response.bodyText()).contains("urn:courier:problem:request-timeout");
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void anIdleConnectionIsClosedButARequestWaitingForItsReplyIsNot() {
    // given a service that answers after 1.5 s, longer than the 1 s idle timeout
    service.answer(request -> {
      ProducerRecord<byte[], byte[]> reply = FakeService.reply(request, 200, "slow but fine");
      LATER.schedule(() -> service.send(reply), 1500, TimeUnit.MILLISECONDS);
      return List.of();
    });
    try (RawHttp http = connect()) {
      // then the waiting request is answered on its connection
      RawHttp.Response response = http.exchange(get("/slow"));
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("slow but fine");

      // and the connection, idle afterwards, is closed
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  @Test
  void aBodyThatIsStillComingAfterARefusalClosesTheConnectionInTime() {
    try (RawHttp http = connect()) {
      // a 404 answered before its promised body came
      http.send("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc");

      assertThat(http.read().status()).isEqualTo(404);
      assertThat(http.closedWithin(Duration.ofSeconds(5))).isTrue();
    }
  }

  // 3. Expect: 100-continue

  @Test
  void expect100ContinueIsAnsweredAtOnceThenTheBodyIsRead() {
    try (RawHttp http = connect()) {
      http.send("PUT /baskets/c-1/items/sku-42 HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 14\r\nExpect: 100-continue\r\n\r\n");

      assertThat(http.read().status()).isEqualTo(100);
      http.send("{\"quantity\":2}");
      assertThat(http.read().status()).isEqualTo(200);
    }
  }

  @Test
  void expect100ContinueWithABodyTooLargeIsRefusedWithoutReadingIt() {
    try (RawHttp http = connect()) {
      RawHttp.Response response =
          http.exchange("PUT /baskets/c-1/items/sku-42 HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n");

      assertThat(response.status()).isEqualTo(413);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedWithin(Duration.ofMillis(500))).isTrue();
    }
  }

  @Test
  void anExpectationOtherThan100ContinueIsA417() {
    try (RawHttp http = connect()) {
      RawHttp.Response response =
          http.exchange("PUT /baskets/c-1/items/sku-42 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 200-ok\r\n\r\n");

      assertThat(response.status()).isEqualTo(417);
      assertThat(response.bodyText()).contains("urn:courier:problem:expectation-failed");
    }
  }

  @Test
  void expectOnAPathWithoutARouteGetsTheRefusalNotAContinue() {
    try (RawHttp http = connect()) {
      RawHttp.Response response =
          http.exchange("PUT /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");

      // and the connection closes: the client will not send the body, which the server would otherwise wait for
      assertThat(response.status()).isEqualTo(404);
      assertThat(response.header("connection")).isEqualTo("close");
      assertThat(http.closedWithin(Duration.ofMillis(500))).isTrue();
    }
  }

  // 4. HEAD

  @ParameterizedTest
  @ValueSource(strings = {"/health", "/ready", "/metrics", "/status", "/status.json", "/customers/c-1"})
  void headIsServedWhereverGetIs(String path) {
    try (RawHttp http = connect()) {
      RawHttp.Response get = http.exchange(get(path));
      RawHttp.Response head = http.exchange("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      RawHttp.Response after = http.exchange(get(path));

      assertThat(head.status()).isEqualTo(get.status()).isEqualTo(200);
      assertThat(head.header("content-type")).isEqualTo(get.header("content-type"));
      assertThat(head.body()).isEmpty();
      assertThat(after.status()).as("no stray body bytes on the connection").isEqualTo(200);
    }
  }

  @Test
  void headWhereNoRouteIsIsA404WithoutBodyAndTheServiceSeesAGet() {
    try (RawHttp http = connect()) {
      RawHttp.Response missing = http.exchange("HEAD /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(missing.status()).isEqualTo(404);
      assertThat(missing.body()).isEmpty();
    }
    try (RawHttp http = connect()) {
      http.exchange("HEAD /customers/c-9 HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    assertThat(RequestEnvelope.fromHeaders(lastRequestFor("/customers/c-9").headers()).method()).isEqualTo("GET");
  }

  // 5 and 6. Header bytes and repeated headers

  @Test
  void replyHeaderBytesReachTheCallerExactlyAndRepeatsStaySeparate() {
    byte[] tokyo = "東京".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = "attachment; filename=\"r\u00e9sum\u00e9.pdf\"".getBytes(StandardCharsets.ISO_8859_1);
    service.answer(request -> List.of(FakeService.reply(request, 200,
        HeaderFields.builder()
            .add("set-cookie", "a=1")
            .add("x-city", tokyo)
            .add("content-disposition", latin1)
            .add("x-bad", "line\r\nbreak")
            .add("set-cookie", "b=2")
            .build(),
        "body".getBytes(StandardCharsets.UTF_8))));
    try (RawHttp http = connect()) {
      RawHttp.Response response = http.exchange(get("/customers/c-1"));

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("body");
      assertThat(response.values("x-city")).singleElement().isEqualTo(tokyo);
      assertThat(response.values("content-disposition")).singleElement().isEqualTo(latin1);
      assertThat(response.values("set-cookie")).extracting(v -> new String(v, StandardCharsets.UTF_8)).containsExactly("a=1", "b=2");
      assertThat(response.values("x-bad")).isEmpty();
    }
    assertThat(gateway.counter("courier.reply.headers.dropped", "route", "customers.get")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void requestHeaderBytesReachKafkaExactlyAndRepeatsStaySeparate() {
    byte[] tokyo = "東京".getBytes(StandardCharsets.UTF_8);
    try (RawHttp http = connect()) {
      http.send("GET /customers/c-7 HTTP/1.1\r\nHost: x\r\nX-City: ").send(tokyo)
          .send("\r\nX-Forwarded-For: 10.0.0.1\r\nX-Forwarded-For: 10.0.0.2\r\nX-Other: no\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }

    RequestEnvelope envelope = RequestEnvelope.fromHeaders(lastRequestFor("/customers/c-7").headers());
    assertThat(envelope.headers().firstBytes("x-city")).isEqualTo(tokyo);
    assertThat(envelope.headers().all("x-forwarded-for")).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(envelope.headers().count("x-other")).isZero();
  }

  @Test
  void rawUtf8InThePathReachesKafkaAsTheSameBytes() {
    try (RawHttp http = connect()) {
      http.send("GET /customers/").send("東京".getBytes(StandardCharsets.UTF_8)).send(" HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(http.read().status()).isEqualTo(200);
    }

    ConsumerRecord<byte[], byte[]> request = lastRequestFor("/customers/東京");
    assertThat(request.headers().lastHeader(HeaderNames.PATH).value()).isEqualTo("/customers/東京".getBytes(StandardCharsets.UTF_8));
    assertThat(request.key()).isEqualTo("東京".getBytes(StandardCharsets.UTF_8));
  }

  // 7. A reply with an unusable status

  @ParameterizedTest
  @ValueSource(strings = {"abc", "600", "20", "2000", ""})
  void aReplyWithAnUnusableStatusIsA502AtOnce(String status) {
    service.answer(request -> {
      ProducerRecord<byte[], byte[]> reply = FakeService.reply(request, 200, "x");
      reply.headers().remove(HeaderNames.STATUS).add(HeaderNames.STATUS, status.getBytes(StandardCharsets.UTF_8));
      return List.of(reply);
    });
    try (RawHttp http = connect()) {
      // the route waits 60 s; a 502 (not a 504 after a minute) shows the reply answered the caller at once
      RawHttp.Response response = http.exchange(get("/patient"));

      assertThat(response.status()).isEqualTo(502);
      assertThat(response.bodyText()).contains("urn:courier:problem:bad-reply");
    }
  }

  /**
   * That no request for {@code path} reached the service: a request sent afterwards on a new connection is
   * the next one the service reads (one partition: it reads in the order they were produced).
   */
  private void assertNotProcessed(String path) {
    try (RawHttp http = connect()) {
      assertThat(http.exchange(get("/customers/sentinel")).status()).isEqualTo(200);
    }
    for (int i = 0; i < 20; i++) {
      String seen = RequestEnvelope.fromHeaders(service.takeRequest().headers()).path();
      assertThat(seen).as("a request the gateway should not have processed").isNotEqualTo(path);
      if (seen.equals("/customers/sentinel")) {
        return;
      }
    }
    throw new AssertionError("the sentinel request never reached the service");
  }

  private static ConsumerRecord<byte[], byte[]> lastRequestFor(String path) {
    for (int i = 0; i < 20; i++) {
      ConsumerRecord<byte[], byte[]> request = service.takeRequest();
      if (RequestEnvelope.fromHeaders(request.headers()).path().equals(path)) {
        return request;
      }
    }
    throw new AssertionError("no request for " + path);
  }
}
