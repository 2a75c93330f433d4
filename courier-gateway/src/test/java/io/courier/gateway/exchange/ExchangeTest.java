package io.courier.gateway.exchange;

import static io.courier.gateway.exchange.ExchangeHarness.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.exchange.ExchangeHarness.Published;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The exchange lifecycle without a broker or an HTTP server: admit, register, publish, outcome, release.
 * Time is a fake clock; every test ends with no slot held and nothing pending.
 */
class ExchangeTest {
  private final ExchangeHarness harness =
      new ExchangeHarness(
          route("GET", "/orders/{id}", KeySource.parse("path:id"), 2, 1024, List.of("x-request-id", "accept-language")),
          route("POST", "/orders", KeySource.parse("body:/customerId"), 10, 1024, List.of()),
          route("PUT", "/tenants", KeySource.parse("header:x-tenant"), 10, 1024, List.of()));

  @AfterEach
  void nothingIsLeftHeld() {
    assertThat(harness.slotsHeld()).as("route slots held").isZero();
    assertThat(harness.pending.size()).as("requests pending").isZero();
  }

  private static Outcome.Failed failed(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Outcome.Failed.class);
    return (Outcome.Failed) outcome;
  }

  private String correlationId(Published published) {
    return RequestEnvelope.fromHeaders(published.record().headers()).correlationId();
  }

  private void reply(Published published, int status, HeaderFields headers, String body) {
    harness.pending.complete(correlationId(published), new Outcome.Replied(status, headers, body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aReplyIsTheAnswerAndGivesTheSlotBack() {
    // given
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    Published published = harness.takePublished();
    published.acknowledge();
    assertThat(harness.slotsHeld()).isEqualTo(1);

    // when
    reply(published, 201, HeaderFields.of("content-type", "application/json", "location", "/orders/42"), "{}");

    // then
    Outcome.Replied replied = (Outcome.Replied) caller.onlyAnswer();
    assertThat(replied.status()).isEqualTo(201);
    assertThat(replied.headers().toMap()).containsEntry("location", "/orders/42");
    assertThat(new String(replied.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
    assertThat(harness.clock.scheduled()).as("the deadline is cancelled").isZero();
  }

  private long stageCount(String stage) {
    return io.micrometer.core.instrument.search.Search.in(harness.registry).name("courier.request.stages").tag("stage", stage)
        .timers().stream().mapToLong(io.micrometer.core.instrument.Timer::count).sum();
  }

  @Test
  void aRepliedRequestRecordsEachStageOnceAndAGatewayErrorOnlyThoseItReached() {
    // given: one request replied, one acknowledged then timed out, one never acknowledged
    Caller replied = harness.caller("GET", "/orders/1");
    harness.send(replied);
    Published first = harness.takePublished();
    first.acknowledge();
    assertThat(stageCount("produce")).isEqualTo(1);
    assertThat(stageCount("service")).isZero();
    reply(first, 200, HeaderFields.of(), "{}");

    Caller timedOut = harness.caller("GET", "/orders/2");
    harness.send(timedOut);
    harness.takePublished().acknowledge();
    harness.clock.advance(ExchangeHarness.TIMEOUT);

    Caller refused = harness.caller("GET", "/orders/3");
    harness.send(refused);
    harness.takePublished().fail(new TopicAuthorizationException("no"));

    // then
    assertThat(failed(timedOut.onlyAnswer()).error()).isEqualTo(GatewayError.TIMEOUT);
    assertThat(refused.onlyAnswer()).isInstanceOf(Outcome.Failed.class);
    assertThat(stageCount("produce")).as("acknowledged requests").isEqualTo(2);
    assertThat(stageCount("service")).as("replies").isEqualTo(1);
    assertThat(stageCount("answer")).as("replies answered").isEqualTo(1);
  }

  @Test
  void aReplyThatOvertakesKafkasAcknowledgementStillRecordsItsAnswerStage() {
    Caller caller = harness.caller("GET", "/orders/1");
    harness.send(caller);
    Published published = harness.takePublished();

    reply(published, 200, HeaderFields.of(), "{}");
    published.acknowledge();

    assertThat(((Outcome.Replied) caller.onlyAnswer()).status()).isEqualTo(200);
    assertThat(stageCount("answer")).isEqualTo(1);
    assertThat(stageCount("service")).as("no acknowledgement before the reply: nothing to measure from").isZero();
    assertThat(stageCount("produce")).isEqualTo(1);
  }

  @Test
  void theDeadlineAfterKafkaAcknowledgedIsA504() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    harness.takePublished().acknowledge();

    harness.clock.advance(ExchangeHarness.TIMEOUT.minusMillis(1));
    assertThat(caller.answers).isEmpty();
    harness.clock.advance(Duration.ofMillis(1));

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.TIMEOUT);
  }

  @Test
  void theDeadlineBeforeKafkaAcknowledgedIsA503KafkaUnavailable() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    harness.takePublished(); // never acknowledged

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.KAFKA_UNAVAILABLE);
  }

  @Test
  void aReplyAfterTheDeadlineIsLateAndChangesNothing() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    Published published = harness.takePublished();
    published.acknowledge();
    harness.clock.advance(ExchangeHarness.TIMEOUT);

    ReplyOutcome late =
        harness.pending.complete(correlationId(published), new Outcome.Replied(200, HeaderFields.EMPTY, new byte[0]));

    assertThat(late).isEqualTo(ReplyOutcome.LATE);
    assertThat(caller.answers).hasSize(1);
  }

  @Test
  void aFullQueueInFrontOfKafkaIsA503Overloaded() {
    harness.queueFull.set(true);
    Caller caller = harness.caller("GET", "/orders/42");

    harness.send(caller);

    Outcome.Failed answer = failed(caller.onlyAnswer());
    assertThat(answer.error()).isEqualTo(GatewayError.OVERLOADED);
    assertThat(answer.error().retryable()).isTrue();
  }

  @Test
  void aRecordKafkaWillNeverTakeIsA413WithoutRetry() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);

    harness.takePublished().fail(new RecordTooLargeException("The message is 1048700 bytes when serialized which is larger than 1048576, the value of max.request.size on topic svc.requests"));

    Outcome.Failed answer = failed(caller.onlyAnswer());
    assertThat(answer.error()).isEqualTo(GatewayError.BODY_TOO_LARGE);
    assertThat(answer.error().retryable()).isFalse();
    assertThat(answer.detail()).doesNotContain("svc.requests").doesNotContain("max.request.size");
  }

  @Test
  void aFailureKafkaMayGetOverIsA503WithRetry() {
    Caller timedOut = harness.caller("GET", "/orders/1");
    Caller replicas = harness.caller("GET", "/orders/2");
    harness.send(timedOut);
    harness.takePublished().fail(new TimeoutException("Topic svc.requests not present in metadata after 5000 ms."));
    harness.send(replicas);
    harness.takePublished().fail(new NotEnoughReplicasException("broker-2"));

    for (Caller caller : List.of(timedOut, replicas)) {
      Outcome.Failed answer = failed(caller.onlyAnswer());
      assertThat(answer.error()).isEqualTo(GatewayError.PRODUCE_FAILED);
      assertThat(answer.error().retryable()).isTrue();
      assertThat(answer.detail()).doesNotContain("svc.requests").doesNotContain("broker");
    }
  }

  @Test
  void aPermanentRefusalByKafkaIsA500WithoutRetryAndWithoutTheTopicName() {
    Caller forbidden = harness.caller("GET", "/orders/1");
    Caller invalid = harness.caller("GET", "/orders/2");
    harness.send(forbidden);
    harness.takePublished().fail(new TopicAuthorizationException(java.util.Set.of("svc.requests")));
    harness.send(invalid);
    harness.takePublished().fail(new SerializationException("bad"));

    for (Caller caller : List.of(forbidden, invalid)) {
      Outcome.Failed answer = failed(caller.onlyAnswer());
      assertThat(answer.error()).isEqualTo(GatewayError.KAFKA_REFUSED);
      assertThat(answer.error().status()).isEqualTo(500);
      assertThat(answer.error().retryable()).isFalse();
      assertThat(answer.detail()).doesNotContain("svc.requests");
    }
  }

  @Test
  void whenNotReadyNothingIsAdmittedAndNoSlotIsTaken() {
    harness.notReady = "topics do not exist: svc.requests";
    Caller caller = harness.caller("GET", "/orders/42");

    Exchange exchange = harness.open(caller);

    assertThat(exchange.isOpen()).isFalse();
    Outcome.Failed answer = failed(caller.onlyAnswer());
    assertThat(answer.error()).isEqualTo(GatewayError.NOT_READY);
    assertThat(answer.detail()).as("the reason names topics: for /ready and the log, not callers").doesNotContain("svc.requests");
    assertThat(harness.readiness.refusal().detail()).isEqualTo("topics do not exist: svc.requests");
    assertThat(harness.published).isEmpty();
  }

  @Test
  void whileDrainingRequestsAreRefusedWithShuttingDown() {
    harness.readiness.drain();
    Caller caller = harness.caller("GET", "/orders/42");

    harness.send(caller);

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.SHUTTING_DOWN);
    assertThat(harness.readiness.refusal().error()).isEqualTo(GatewayError.SHUTTING_DOWN);
  }

  @Test
  void aRouteAtItsCapRefusesTheNextAndTakesAgainOnceOneIsAnswered() {
    // given the route's two slots taken
    Caller first = harness.caller("GET", "/orders/1");
    Caller second = harness.caller("GET", "/orders/2");
    harness.send(first);
    harness.send(second);
    Published firstPublished = harness.takePublished();
    harness.takePublished().acknowledge();

    // when a third comes
    Caller third = harness.caller("GET", "/orders/3");
    harness.send(third);

    // then it is refused at once, and the cap holds
    assertThat(failed(third.onlyAnswer()).error()).isEqualTo(GatewayError.OVERLOADED);
    assertThat(harness.slotsHeld()).isEqualTo(2);

    // and once one is answered a fourth is taken
    reply(firstPublished, 200, HeaderFields.EMPTY, "");
    Caller fourth = harness.caller("GET", "/orders/4");
    harness.send(fourth);
    assertThat(harness.slotsHeld()).isEqualTo(2);
    harness.clock.advance(ExchangeHarness.TIMEOUT);
    assertThat(harness.counter("courier.errors", "route", "svc.GET /orders/{id}", "error", "overloaded")).isEqualTo(1);
  }

  @Test
  void aCallerThatLeavesBeforePublishingGetsNothingAndGivesTheSlotBack() {
    Caller caller = harness.caller("GET", "/orders/42");
    Exchange exchange = harness.open(caller);

    exchange.callerGone();
    exchange.publish(caller, new byte[0]);

    assertThat(caller.answers).isEmpty();
    assertThat(harness.published).isEmpty();
  }

  @Test
  void aCallerThatLeavesWhileWaitingGivesTheSlotBackAtOnceAndItsReplyIsLate() {
    Caller caller = harness.caller("GET", "/orders/42");
    Exchange exchange = harness.send(caller);
    Published published = harness.takePublished();
    published.acknowledge();

    exchange.callerGone();

    assertThat(harness.slotsHeld()).isZero();
    assertThat(harness.clock.scheduled()).as("the deadline is cancelled").isZero();
    assertThat(harness.pending.complete(correlationId(published), new Outcome.Replied(200, HeaderFields.EMPTY, new byte[0])))
        .isEqualTo(ReplyOutcome.LATE);
    assertThat(caller.answers).isEmpty();
  }

  @Test
  void theFrontEndFailingARequestAnswersItAndGivesTheSlotBack() {
    Caller caller = harness.caller("GET", "/orders/42");
    Exchange exchange = harness.open(caller);

    exchange.fail(GatewayError.BODY_TOO_LARGE, "the route accepts bodies up to 1024 bytes");
    exchange.fail(GatewayError.REQUEST_TIMEOUT, "again");

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.BODY_TOO_LARGE);
    assertThat(exchange.isOpen()).isFalse();
  }

  @Test
  void aFaultInTheGatewayWhilePublishingIsA500AndGivesTheSlotBack() {
    harness.publisherBug.set(new IllegalStateException("a bug"));
    Caller caller = harness.caller("GET", "/orders/42");

    harness.send(caller);

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.INTERNAL_ERROR);
    assertThat(harness.slotsHeld()).isZero();
    assertThat(harness.pending.size()).as("nothing left waiting for a reply").isZero();
  }

  @Test
  void aRequestWithoutItsKeyIsA400AndNothingIsPublished() {
    Caller missingHeader = harness.caller("PUT", "/tenants");
    Caller notJson = harness.caller("POST", "/orders");
    harness.open(missingHeader).publish(missingHeader, new byte[0]);
    harness.open(notJson).publish(notJson, "{\"customerId\":".getBytes(StandardCharsets.UTF_8));

    assertThat(failed(missingHeader.onlyAnswer()).error()).isEqualTo(GatewayError.MISSING_KEY);
    assertThat(failed(notJson.onlyAnswer()).error()).isEqualTo(GatewayError.MALFORMED_BODY);
    assertThat(harness.published).isEmpty();
  }

  @Test
  void aKeyHeaderSentTwiceIsRefusedRatherThanOnePicked() {
    Caller caller = harness.caller("PUT", "/tenants").header("x-tenant", "a").header("x-tenant", "b");

    harness.open(caller).publish(caller, new byte[0]);

    Outcome.Failed answer = failed(caller.onlyAnswer());
    assertThat(answer.error()).isEqualTo(GatewayError.MALFORMED_REQUEST);
    assertThat(answer.detail()).contains("x-tenant").contains("2 times");
  }

  @Test
  void theRecordCarriesTheEnvelopeAndEveryForwardedValueAsSent() {
    // given a request with a repeated allow-listed header, bytes that are not ASCII, and headers not listed
    byte[] tokyo = "東京".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = {'f', 'r', (byte) 0xE9};
    Caller caller =
        harness
            .caller("GET", "/orders/caf%C3%A9?fields=a%20b")
            .header("x-request-id", "r-1")
            .header("x-request-id", "r-2")
            .header("accept-language", tokyo)
            .header("accept-language", latin1)
            .header("content-type", "application/json")
            .header("authorization", "Bearer secret");

    // when
    harness.send(caller);

    // then
    Published published = harness.takePublished();
    RequestEnvelope envelope = RequestEnvelope.fromHeaders(published.record().headers());
    assertThat(published.record().topic()).isEqualTo("svc.requests");
    assertThat(published.record().key()).isEqualTo("café".getBytes(StandardCharsets.UTF_8));
    assertThat(envelope.path()).isEqualTo("/orders/caf%C3%A9");
    assertThat(envelope.query()).isEqualTo("fields=a%20b");
    assertThat(envelope.pathParams()).containsEntry("id", "café");
    assertThat(envelope.replyTopic()).isEqualTo("courier.responses");
    assertThat(envelope.replyPartition()).isEqualTo(3);
    assertThat(envelope.deadline()).isEqualTo(harness.clock.instant().plus(ExchangeHarness.TIMEOUT));
    assertThat(envelope.correlationId()).startsWith(ExchangeHarness.INSTANCE + ".");
    assertThat(envelope.headers().all("x-request-id")).containsExactly("r-1", "r-2");
    assertThat(envelope.headers().count("accept-language")).isEqualTo(2);
    assertThat(envelope.headers().value(3)).isEqualTo(tokyo);
    assertThat(envelope.headers().value(4)).isEqualTo(latin1);
    assertThat(envelope.headers().first("content-type")).hasValue("application/json");
    assertThat(envelope.headers().first("authorization")).isEmpty();
    harness.clock.advance(ExchangeHarness.TIMEOUT);
  }

  @Test
  void aReplyHeaderHttpCannotCarryIsDroppedAloneAndCounted() {
    // given a reply with a header value holding CR LF, a name with a space, and good fields around them
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    Published published = harness.takePublished();
    HeaderFields headers =
        HeaderFields.builder()
            .add("set-cookie", "a=1")
            .add("x-injected", "ok\r\nset-cookie: evil=1")
            .add("bad name", "x")
            .add("x-city", "東京".getBytes(StandardCharsets.UTF_8))
            .add("set-cookie", "b=2")
            .add("transfer-encoding", "chunked")
            .build();

    // when
    reply(published, 200, headers, "body");

    // then status and body survive; the two bad fields are dropped and counted; framing is the gateway's
    Outcome.Replied replied = (Outcome.Replied) caller.onlyAnswer();
    assertThat(replied.status()).isEqualTo(200);
    assertThat(new String(replied.body(), StandardCharsets.UTF_8)).isEqualTo("body");
    assertThat(replied.headers().all("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(replied.headers().firstBytes("x-city")).isEqualTo("東京".getBytes(StandardCharsets.UTF_8));
    assertThat(replied.headers().count("x-injected") + replied.headers().count("bad name")).isZero();
    assertThat(replied.headers().count("transfer-encoding")).isZero();
    assertThat(harness.counter("courier.reply.headers.dropped", "route", "svc.GET /orders/{id}")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 101, 103, 199})
  void anInformationalReplyStatusIsA502(int status) {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);

    reply(harness.takePublished(), status, HeaderFields.EMPTY, "");

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.BAD_REPLY);
  }

  @Test
  void anUnreadableReplyForAWaitingRequestAnswersItAtOnceWithA502() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    Published published = harness.takePublished();

    harness.pending.complete(correlationId(published), new Outcome.Failed(GatewayError.BAD_REPLY, "bad status"));

    assertThat(failed(caller.onlyAnswer()).error()).isEqualTo(GatewayError.BAD_REPLY);
    assertThat(harness.clock.scheduled()).isZero();
  }

  @Test
  void everyAnswerIsCountedUnderItsRouteAndStatus() {
    Caller caller = harness.caller("GET", "/orders/42");
    harness.send(caller);
    reply(harness.takePublished(), 404, HeaderFields.EMPTY, "");

    assertThat(harness.registry.get("courier.requests").tags("route", "svc.GET /orders/{id}", "status", "404").timer().count())
        .isEqualTo(1);
  }
}
