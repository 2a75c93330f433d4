package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The good path: what the service receives, and what the caller gets back. */
@ExtendWith(EmbeddedKafkaExtension.class)
class RequestReplyIT {
  private static final String YAML =
      """
      instance-id: rr-gw
      http: {port: 0, event-loops: 2}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: rr.responses
      services:
        - name: orders
          request-topic: rr.orders
          timeout: 10s
          forward-headers: [x-request-id]
          routes:
            - {name: orders.create, method: POST, path: /orders, key: "body:/customerId"}
            - {name: orders.get, method: GET, path: "/orders/{id}", key: "path:id"}
            - {name: orders.byTenant, method: GET, path: /orders, key: "header:x-tenant"}
      """;

  private static GatewayTester gateway;
  private static FakeService orders;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("rr.orders", 3);
    GatewayTester.createResponseTopic(kafka, "rr.responses", 4);
    orders = new FakeService(kafka.bootstrapServers(), "rr.orders");
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    orders.close();
  }

  @Test
  void theServiceReceivesTheRequestWithItsEnvelope() {
    // given a service that answers 201
    orders.answer(request -> List.of(FakeService.reply(request, 201, "created")));
    Instant before = Instant.now();

    // when
    HttpResponse<String> response =
        gateway.send(
            "POST",
            "/orders?dryRun=true",
            "{\"customerId\":\"c-1\"}",
            "content-type", "application/json",
            "x-request-id", "req-7",
            "authorization", "Bearer secret",
            "cookie", "session=1");

    // then the record carries body, key and envelope, and only allow-listed headers
    assertThat(response.statusCode()).isEqualTo(201);
    ConsumerRecord<byte[], byte[]> record = orders.takeRequest();
    assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("{\"customerId\":\"c-1\"}");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("c-1");
    RequestEnvelope envelope = RequestEnvelope.fromHeaders(record.headers());
    assertThat(envelope.profile()).isEqualTo(Profile.COURIER);
    assertThat(envelope.correlationId()).startsWith("rr-gw.");
    assertThat(envelope.replyTopic()).isEqualTo("rr.responses");
    assertThat(envelope.replyPartition()).isBetween(0, 3);
    assertThat(envelope.deadline()).isBetween(before.plusSeconds(9), Instant.now().plusSeconds(10));
    assertThat(envelope.method()).isEqualTo("POST");
    assertThat(envelope.path()).isEqualTo("/orders");
    assertThat(envelope.query()).isEqualTo("dryRun=true");
    assertThat(envelope.route()).isEqualTo("orders.create");
    assertThat(envelope.headers().toMap())
        .containsEntry("content-type", "application/json")
        .containsEntry("x-request-id", "req-7")
        .doesNotContainKeys("authorization", "cookie");
    assertThat(record.headers().lastHeader(HeaderNames.PROTOCOL).value())
        .isEqualTo(HeaderNames.PROTOCOL_VERSION.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void theCallerGetsTheStatusHeadersAndBodyTheServiceChose() {
    // given a service replying with its own headers, and some protocol headers that must not leak
    orders.answer(
        request ->
            List.of(
                FakeService.reply(
                    request,
                    202,
                    Map.of(
                        "content-type", "application/json",
                        "location", "/orders/42",
                        "spring_json_header_types", "{}",
                        "transfer-encoding", "chunked"),
                    "{\"id\":\"42\"}".getBytes(StandardCharsets.UTF_8))));

    // when
    HttpResponse<String> response = gateway.send("GET", "/orders/42", null);

    // then
    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("{\"id\":\"42\"}");
    assertThat(response.headers().firstValue("location")).hasValue("/orders/42");
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.headers().map()).doesNotContainKeys("spring_json_header_types", "courier-status", "courier-correlation-id");
    ConsumerRecord<byte[], byte[]> record = orders.takeRequest();
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("42");
    assertThat(RequestEnvelope.fromHeaders(record.headers()).pathParams()).containsEntry("id", "42");
  }

  @Test
  void pathParametersArePercentDecodedAndKeysComeFromHeaders() {
    orders.answer(request -> List.of(FakeService.reply(request, 200, "ok")));

    assertThat(gateway.send("GET", "/orders/a%20b", null).statusCode()).isEqualTo(200);
    assertThat(RequestEnvelope.fromHeaders(orders.takeRequest().headers()).pathParams()).containsEntry("id", "a b");

    assertThat(gateway.send("GET", "/orders", null, "x-tenant", "acme").statusCode()).isEqualTo(200);
    assertThat(new String(orders.takeRequest().key(), StandardCharsets.UTF_8)).isEqualTo("acme");
  }

  @Test
  void aReplyWithoutStatusIsA200AndAnEmptyBodyStaysEmpty() {
    orders.answer(
        request -> {
          var reply = FakeService.reply(request, 200, Map.of(), new byte[0]);
          reply.headers().remove(HeaderNames.STATUS);
          return List.of(reply);
        });

    HttpResponse<String> response = gateway.send("GET", "/orders/1", null);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    orders.takeRequest();
  }

  @Test
  void healthAndReadinessAreServedByTheGatewayItself() {
    assertThat(gateway.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = gateway.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).contains("READY");
    HttpResponse<String> metrics = gateway.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("courier_replies_total");
  }
}
