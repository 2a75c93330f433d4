package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.RawHttp;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HTTP/2 without TLS (h2c): off unless configured, and when on, the same routes, limits and problems as
 * HTTP/1.1, without the HTTP/1.1-only {@code Connection} field. The gateway without h2c also runs on Java NIO
 * ({@code http.native-transport: false}), so both transports serve in this class; every other IT runs on the
 * default, epoll.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class Http2IT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1, body-timeout: 1s, header-timeout: 1s, http2-cleartext: %s, native-transport: %s}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: h2.responses
      services:
        - name: shop
          request-topic: h2.requests
          timeout: 5s
          routes:
            - {name: customers.get, method: GET, path: "/customers/{id}", key: "path:id"}
            - {name: orders.create, method: POST, path: /orders, max-body-bytes: 64}
      """;

  private static GatewayTester h2c;
  private static GatewayTester plain;
  private static FakeService service;
  private static Vertx vertx;
  private static HttpClient priorKnowledge;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("h2.requests", 1);
    GatewayTester.createResponseTopic(kafka, "h2.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "h2.requests");
    service.answer(request -> List.of(FakeService.reply(request, 200, "ok")));
    h2c = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("h2c-gw", "true", "true"));
    plain = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("h1-gw", "false", "false"));
    vertx = Vertx.vertx();
    priorKnowledge =
        vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    h2c.close();
    plain.close();
    service.close();
  }

  private record Answer(HttpVersion version, int status, io.vertx.core.MultiMap headers, String body) {}

  private static Answer call(GatewayTester gateway, HttpMethod method, String path, String body) throws Exception {
    RequestOptions options =
        new RequestOptions().setMethod(method).setHost("localhost").setPort(gateway.gateway().httpPort()).setURI(path);
    Future<Answer> answer =
        priorKnowledge
            .request(options)
            .compose(request -> body == null ? request.send() : request.send(Buffer.buffer(body)))
            .compose(response -> response.body().map(bytes -> answer(response, bytes)));
    return answer.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Answer upgraded(HttpClient client, RequestOptions options) throws Exception {
    return client.request(options).compose(request -> request.send())
        .compose(response -> response.body().map(bytes -> answer(response, bytes)))
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private static Answer answer(HttpClientResponse response, Buffer body) {
    return new Answer(response.version(), response.statusCode(), response.headers(), body.toString());
  }

  @Test
  void whenEnabledARouteIsServedOverH2cWithPriorKnowledge() throws Exception {
    Answer answer = call(h2c, HttpMethod.GET, "/customers/c-1", null);

    assertThat(answer.version()).isEqualTo(HttpVersion.HTTP_2);
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("ok");
  }

  @Test
  void overH2cTheErrorsAreTheSameProblemsWithoutAConnectionField() throws Exception {
    Answer tooLarge = call(h2c, HttpMethod.POST, "/orders", "x".repeat(1000));
    Answer noRoute = call(h2c, HttpMethod.GET, "/nowhere", null);
    Answer badPath = call(h2c, HttpMethod.GET, "/customers/%ZZ", null);
    Answer afterwards = call(h2c, HttpMethod.GET, "/customers/c-2", null);

    assertThat(tooLarge.status()).isEqualTo(413);
    assertThat(tooLarge.body()).contains("urn:courier:problem:body-too-large");
    assertThat(tooLarge.headers().contains("connection")).as("HTTP/2 forbids Connection (RFC 9113 8.2.2)").isFalse();
    assertThat(noRoute.status()).isEqualTo(404);
    assertThat(badPath.status()).isEqualTo(400);
    assertThat(afterwards.status()).as("the connection still serves").isEqualTo(200);
  }

  @Test
  void overH2cHeadHasNoBody() throws Exception {
    Answer head = call(h2c, HttpMethod.HEAD, "/customers/c-1", null);

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void overH2cABodyThatStopsComingIsA408() throws Exception {
    RequestOptions options =
        new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(h2c.gateway().httpPort()).setURI("/orders")
            .putHeader("content-length", "50");
    Future<Answer> answer =
        priorKnowledge
            .request(options)
            .compose(request -> {
              request.write(Buffer.buffer("{\"a\":")); // and never the rest
              return request.response();
            })
            .compose(response -> response.body().map(bytes -> answer(response, bytes)));

    Answer timedOut = answer.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);

    assertThat(timedOut.status()).isEqualTo(408);
    assertThat(timedOut.body()).contains("urn:courier:problem:request-timeout");
  }

  @Test
  void aConnectionUpgradedToH2cIsNotTimedOutAsAnHttp11One() throws Exception {
    // given a client that asks for HTTP/2 by an HTTP/1.1 Upgrade on the same connection
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger closed = new AtomicInteger();
    HttpClient upgrading =
        vertx.httpClientBuilder()
            .with(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(true))
            .withConnectHandler(connection -> {
              connections.incrementAndGet();
              connection.closeHandler(ignored -> closed.incrementAndGet());
            })
            .build();
    try {
      RequestOptions options =
          new RequestOptions().setMethod(HttpMethod.GET).setHost("localhost").setPort(h2c.gateway().httpPort()).setURI("/customers/c-1");
      Answer first = upgraded(upgrading, options);

      // when longer than the 1 s HTTP/1.1 header timeout passes with no request on it
      // (the connection must stay open throughout: nothing to wait for, a condition that must keep holding)
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(5)).until(() -> closed.get() == 0);
      Answer second = upgraded(upgrading, options);

      // then the same HTTP/2 connection still serves: no HTTP/1.1 408 was written into it, nor was it closed
      assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.body()).isEqualTo("ok");
      assertThat(connections).as("one connection, upgraded at first and kept").hasValue(1);
    } finally {
      upgrading.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void byDefaultH2cIsNotServed() {
    // prior knowledge: the HTTP/1.1 server does not speak HTTP/2
    Throwable refused = catchThrowable(() -> call(plain, HttpMethod.GET, "/customers/c-1", null));
    assertThat(refused).isNotNull();

    // and an upgrade request is answered in HTTP/1.1, without switching
    try (RawHttp http = new RawHttp(plain.gateway().httpPort())) {
      RawHttp.Response response =
          http.exchange("GET /customers/c-1 HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
              + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("ok");
    }
  }

  @Test
  void theEventLoopsRunOnEpollUnlessNativeTransportIsOff() throws Exception {
    assertThat(plain.gateway().httpTransport()).isEqualTo("nio");
    // epoll where Netty's native library loads (Linux on x86-64 or ARM64: CI and the bench); NIO elsewhere
    assertThat(h2c.gateway().httpTransport()).isEqualTo(Transport.EPOLL.available() ? "epoll" : "nio");
    if (System.getProperty("os.name").equals("Linux") && System.getProperty("os.arch").equals("amd64")
        && !Boolean.getBoolean("io.netty.transport.noNative")) { // the suite run on NIO on purpose (README)
      assertThat(Transport.EPOLL.available()).as("epoll on Linux x86-64: %s", Transport.EPOLL.unavailabilityCause()).isTrue();
    }

    try (RawHttp http = new RawHttp(plain.gateway().httpPort())) {
      RawHttp.Response response = http.exchange("GET /customers/c-3 HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(response.status()).as("served over Java NIO").isEqualTo(200);
    }
    assertThat(call(h2c, HttpMethod.GET, "/customers/c-3", null).status()).as("served over epoll").isEqualTo(200);
  }
}
