package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.testing.FakeService;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Replies that match nothing are counted and dropped; the reply loop keeps serving everyone else. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ReplyHandlingIT {
  private static final String RESPONSES = "replies.responses";
  private static final String YAML =
      """
      instance-id: replies-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: replies.responses
      services:
        - name: echo
          request-topic: replies.echo
          routes:
            - {method: POST, path: /echo}
      """;

  private static GatewayTester gateway;
  private static FakeService echo;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("replies.echo", 1);
    GatewayTester.createResponseTopic(kafka, RESPONSES, 2);
    echo = new FakeService(kafka.bootstrapServers(), "replies.echo");
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
  }

  @AfterAll
  static void stop() {
    gateway.close();
    echo.close();
  }

  @Test
  void malformedRepliesAreCountedAndDroppedAndTheNextRequestIsStillAnswered() {
    double before = gateway.counter("courier.replies", "outcome", "malformed");
    ProducerRecord<byte[], byte[]> noCorrelation = new ProducerRecord<>(RESPONSES, 0, null, bytes("?"));
    ProducerRecord<byte[], byte[]> badStatus = new ProducerRecord<>(RESPONSES, 0, null, bytes("?"));
    badStatus.headers().add(HeaderNames.CORRELATION_ID, bytes("replies-gw.abc")).add(HeaderNames.STATUS, bytes("OK"));

    echo.send(noCorrelation);
    echo.send(badStatus);

    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.counter("courier.replies", "outcome", "malformed") == before + 2);
    assertThat(gateway.send("POST", "/echo", "still here").body()).isEqualTo("still here");
  }

  @Test
  void unknownAndForeignCorrelationIdsAreCountedApart() {
    double unknown = gateway.counter("courier.replies", "outcome", "unknown");
    double foreign = gateway.counter("courier.replies", "outcome", "foreign");
    ProducerRecord<byte[], byte[]> ours = new ProducerRecord<>(RESPONSES, 1, null, bytes("?"));
    ours.headers().add(HeaderNames.CORRELATION_ID, bytes("replies-gw.neverIssued"));
    ProducerRecord<byte[], byte[]> theirs = new ProducerRecord<>(RESPONSES, 1, null, bytes("?"));
    theirs.headers().add(HeaderNames.CORRELATION_ID, bytes("another-gw.someId"));

    echo.send(ours);
    echo.send(theirs);

    await().atMost(Duration.ofSeconds(10))
        .until(
            () ->
                gateway.counter("courier.replies", "outcome", "unknown") == unknown + 1
                    && gateway.counter("courier.replies", "outcome", "foreign") == foreign + 1);
  }

  @Test
  void aDuplicateReplyIsCountedAndTheCallerGetsTheFirst() {
    double duplicates = gateway.counter("courier.replies", "outcome", "duplicate");
    echo.answer(
        request ->
            List.of(FakeService.reply(request, 200, "first"), FakeService.reply(request, 500, "second")));

    assertThat(gateway.send("POST", "/echo", "x").body()).isEqualTo("first");
    await().atMost(Duration.ofSeconds(10))
        .until(() -> gateway.counter("courier.replies", "outcome", "duplicate") == duplicates + 1);
    echo.answer(request -> List.of(FakeService.reply(request, 200, new String(request.value(), StandardCharsets.UTF_8))));
  }

  @Test
  void aReplyHeaderHttpCannotCarryIsDroppedAloneAndAnInformationalStatusIsA502() {
    echo.answer(
        request ->
            List.of(
                FakeService.reply(
                    request, 200, java.util.Map.of("x-injected", "a\r\nset-cookie: evil=1", "x-fine", "yes"), bytes("body"))));
    var badHeader = gateway.send("POST", "/echo", "x");
    echo.answer(request -> List.of(FakeService.reply(request, 101, "switching?")));
    var informational = gateway.send("POST", "/echo", "x");
    echo.answer(request -> List.of(FakeService.reply(request, 200, new String(request.value(), StandardCharsets.UTF_8))));

    // the reply's status, body and good headers reach the caller; the field HTTP cannot carry does not
    assertThat(badHeader.statusCode()).isEqualTo(200);
    assertThat(badHeader.body()).isEqualTo("body");
    assertThat(badHeader.headers().firstValue("x-fine")).hasValue("yes");
    assertThat(badHeader.headers().map()).doesNotContainKeys("set-cookie", "x-injected");
    assertThat(informational.statusCode()).isEqualTo(502);
    assertThat(informational.body()).contains("urn:courier:problem:bad-reply").contains("informational");
    // counted just after the response is written, so possibly after the client has read it
    await().atMost(Duration.ofSeconds(5))
        .until(() -> gateway.counter("courier.errors", "route", "echo.POST /echo", "error", "bad-reply") == 1
            && gateway.counter("courier.reply.headers.dropped", "route", "echo.POST /echo") == 1);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
