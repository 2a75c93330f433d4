package io.courier.gateway.exchange;

import static io.courier.gateway.exchange.ExchangeHarness.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.Idempotency;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.exchange.ExchangeHarness.Published;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Async commands and idempotency keys in the exchange core, with a fake results log whose writes a test
 * acknowledges one by one: what the caller gets, and when, whatever order Kafka answers in.
 */
class AsyncExchangeTest {
  private static final Idempotency OPTIONAL = new Idempotency(Idempotency.Mode.OPTIONAL, Idempotency.Duplicates.WAIT, List.of());
  private static final Idempotency CONFLICT = new Idempotency(Idempotency.Mode.OPTIONAL, Idempotency.Duplicates.CONFLICT, List.of());

  private static RouteConfig idempotent(String path, Idempotency idempotency) {
    return new RouteConfig("svc.POST " + path, "svc", "svc.requests", Profile.COURIER, "POST", path, KeySource.NONE,
        ExchangeHarness.TIMEOUT, 100, 1024, List.of(), null, idempotency);
  }

  private final ExchangeHarness harness =
      ExchangeHarness.withResults(route("POST", "/orders"), idempotent("/payments", OPTIONAL), idempotent("/refunds", CONFLICT));

  @AfterEach
  void nothingIsLeftHeld() {
    harness.clock.advance(Duration.ofMinutes(1)); // every deadline passes
    assertThat(harness.slotsHeld()).as("route slots held").isZero();
    assertThat(harness.pending.size()).as("requests pending").isZero();
  }

  private static String correlationId(Published published) {
    return RequestEnvelope.fromHeaders(published.record().headers()).correlationId();
  }

  private void reply(Published published, String body) {
    harness.pending.complete(correlationId(published), new Outcome.Replied(201, HeaderFields.EMPTY, body.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void respondAsyncIsAnswered202OnlyOnceBothTheRequestAndItsResultAreInKafka() {
    Caller caller = harness.caller("POST", "/orders").header("prefer", "respond-async");
    harness.send(caller);
    Published request = harness.takePublished();
    assertThat(caller.answers).as("nothing before Kafka has the request").isEmpty();

    request.acknowledge();
    assertThat(caller.answers).as("nothing before Kafka has its result").isEmpty();
    harness.acknowledgeResult();

    Outcome.Accepted accepted = (Outcome.Accepted) caller.onlyAnswer();
    assertThat(accepted.resultId()).isEqualTo(correlationId(request));
    assertThat(accepted.preferenceApplied()).isEqualTo("respond-async");
    assertThat(harness.view.get(accepted.resultId()).requestPartition()).as("known, for a cancel marker").isZero();

    // The reply that comes after the 202 becomes the result
    reply(request, "later");
    harness.acknowledgeResult();
    assertThat(new String(harness.view.get(accepted.resultId()).reply().body(), StandardCharsets.UTF_8)).isEqualTo("later");
  }

  @Test
  void aReplyFasterThanTheResultsRecordStillGetsA202ThatPointsAtIt() {
    Caller caller = harness.caller("POST", "/orders").header("prefer", "respond-async");
    harness.send(caller);
    Published request = harness.takePublished();
    request.acknowledge();
    reply(request, "fast");
    assertThat(caller.answers).isEmpty();

    harness.acknowledgeAllResults();

    Outcome.Accepted accepted = (Outcome.Accepted) caller.onlyAnswer();
    assertThat(new String(accepted.statusDocument(), StandardCharsets.UTF_8)).contains("\"status\":\"done\"");
    assertThat(harness.view.get(accepted.resultId()).state()).isEqualTo(io.courier.gateway.results.StoredResult.State.DONE);
  }

  @Test
  void aKafkaRefusalIsNeverA202() {
    Caller caller = harness.caller("POST", "/orders").header("prefer", "respond-async");
    harness.send(caller);

    harness.takePublished().fail(new org.apache.kafka.common.errors.NotEnoughReplicasException("x"));

    assertThat(((Outcome.Failed) caller.onlyAnswer()).error()).isEqualTo(GatewayError.PRODUCE_FAILED);
    assertThat(harness.resultWrites).isEmpty();
  }

  @Test
  void waitAnswersTheReplyWhenItComesInTimeElse202AtTheWait() {
    Caller fast = harness.caller("POST", "/orders").header("prefer", "respond-async, wait=2");
    harness.send(fast);
    Published first = harness.takePublished();
    first.acknowledge();
    harness.acknowledgeResult();
    reply(first, "in time");
    assertThat(((Outcome.Replied) fast.onlyAnswer()).status()).isEqualTo(201);

    Caller slow = harness.caller("POST", "/orders").header("prefer", "respond-async, wait=2");
    harness.send(slow);
    harness.takePublished().acknowledge();
    harness.acknowledgeAllResults();
    harness.clock.advance(Duration.ofMillis(1999));
    assertThat(slow.answers).isEmpty();
    harness.clock.advance(Duration.ofMillis(1));
    assertThat(((Outcome.Accepted) slow.onlyAnswer()).preferenceApplied()).isEqualTo("respond-async, wait=2");
  }

  @Test
  void aTimeoutPointsToWhereTheLateReplyWillBeKept() {
    Caller caller = harness.caller("POST", "/orders");
    harness.send(caller);
    Published request = harness.takePublished();
    request.acknowledge();

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    Outcome.Failed timedOut = (Outcome.Failed) caller.onlyAnswer();
    assertThat(timedOut.error()).isEqualTo(GatewayError.TIMEOUT);
    assertThat(timedOut.resultId()).isEqualTo(correlationId(request));
    assertThat(harness.view.get(timedOut.resultId())).as("kept at once, before its record is acknowledged").isNotNull();
  }

  @Test
  void aRetryWithTheSameKeyFollowsTheFirstAndIsNeverProduced() {
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-1\"");
    harness.send(first);
    harness.acknowledgeResult(); // the claim
    Published request = harness.takePublished();
    request.acknowledge();

    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-1\"");
    harness.send(retry);
    harness.acknowledgeAllResults(); // the first one's partition, then the retry's claim, which loses
    assertThat(harness.published).as("the retry is not produced").isEmpty();
    assertThat(retry.answers).as("it waits for the first one's result").isEmpty();

    reply(request, "paid");
    harness.acknowledgeAllResults();

    assertThat(new String(((Outcome.Replied) first.onlyAnswer()).body(), StandardCharsets.UTF_8)).isEqualTo("paid");
    assertThat(new String(((Outcome.Replied) retry.onlyAnswer()).body(), StandardCharsets.UTF_8)).isEqualTo("paid");
    assertThat(harness.counter("courier.idempotency", "outcome", "replayed")).isEqualTo(1);
  }

  @Test
  void theSameKeyWithAnotherBodyIs422() {
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-2\"");
    harness.open(first).publish(first, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
    harness.acknowledgeResult();
    harness.takePublished().acknowledge();

    Caller reuse = harness.caller("POST", "/payments").header("idempotency-key", "\"k-2\"");
    harness.open(reuse).publish(reuse, "{\"a\":2}".getBytes(StandardCharsets.UTF_8));
    harness.acknowledgeAllResults(); // the first one's partition, the reuse's claim and its tombstone

    assertThat(((Outcome.Failed) reuse.onlyAnswer()).error()).isEqualTo(GatewayError.IDEMPOTENCY_KEY_REUSED);
  }

  @Test
  void aRetryWhileTheFirstRunsIs409OnAConflictRoute() {
    Caller first = harness.caller("POST", "/refunds").header("idempotency-key", "\"k-3\"");
    harness.send(first);
    harness.acknowledgeResult();
    harness.takePublished().acknowledge();

    Caller retry = harness.caller("POST", "/refunds").header("idempotency-key", "\"k-3\"");
    harness.send(retry);
    harness.acknowledgeAllResults();

    assertThat(((Outcome.Failed) retry.onlyAnswer()).error()).isEqualTo(GatewayError.IDEMPOTENCY_IN_PROGRESS);
  }

  @Test
  void aRequestKafkaRefusesGivesItsKeyUpSoThatARetryRuns() {
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-4\"");
    harness.send(first);
    harness.acknowledgeResult();
    harness.takePublished().fail(new org.apache.kafka.common.errors.NotEnoughReplicasException("x"));
    harness.acknowledgeAllResults(); // the tombstone

    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-4\"");
    harness.send(retry);
    harness.acknowledgeResult();

    assertThat(harness.published).as("the retry is produced").hasSize(1);
    Published second = harness.takePublished();
    second.acknowledge();
    reply(second, "second try");
    harness.acknowledgeAllResults();
    assertThat(new String(((Outcome.Replied) retry.onlyAnswer()).body(), StandardCharsets.UTF_8)).isEqualTo("second try");
  }

  @Test
  void aCallerThatLeavesWhileItsKeyIsClaimedGivesTheKeyUp() {
    Caller caller = harness.caller("POST", "/payments").header("idempotency-key", "\"k-5\"");
    Exchange exchange = harness.send(caller);

    exchange.callerGone();
    harness.acknowledgeAllResults(); // the claim, then its tombstone

    assertThat(harness.published).isEmpty();
    assertThat(harness.view.claimOf(io.courier.gateway.results.IdempotencyKeys.scope(idempotent("/payments", OPTIONAL), null, "k-5"))).isNull();
  }

  @Test
  void aSynchronousCallerThatLeavesCancelsItsRequestInItsPartition() {
    Caller caller = harness.caller("POST", "/orders");
    Exchange exchange = harness.send(caller);
    Published request = harness.takePublished();

    exchange.callerGone();
    assertThat(harness.published).as("no marker before Kafka has placed the request").isEmpty();
    request.acknowledge();

    Published marker = harness.takePublished();
    assertThat(io.courier.protocol.CancelMarker.cancelledId(marker.record().headers())).isEqualTo(correlationId(request));
    assertThat(marker.record().partition()).isZero();
    assertThat(marker.record().topic()).isEqualTo("svc.requests");
  }

  @Test
  void aRetryFollowingARequestThatGivesItsKeyUpClaimsItAgainAndRuns() {
    // Given a first request holding the key, and a retry following it
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-6\"");
    harness.send(first);
    harness.acknowledgeResult();
    Published firstRequest = harness.takePublished();
    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-6\"");
    harness.send(retry);
    harness.acknowledgeAllResults();
    assertThat(harness.published).isEmpty();

    // When Kafka refuses the first one, which gives the key up
    firstRequest.fail(new org.apache.kafka.common.errors.NotEnoughReplicasException("x"));
    harness.acknowledgeAllResults(); // its tombstone, then the retry's new claim

    // Then the retry runs
    Published retried = harness.takePublished();
    retried.acknowledge();
    reply(retried, "retried");
    harness.acknowledgeAllResults();
    assertThat(((Outcome.Failed) first.onlyAnswer()).error()).isEqualTo(GatewayError.PRODUCE_FAILED);
    assertThat(new String(((Outcome.Replied) retry.onlyAnswer()).body(), StandardCharsets.UTF_8)).isEqualTo("retried");
  }

  @Test
  void anAsyncRetryIsAcceptedOnlyOnceTheFirstIsInKafka() {
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-7\"");
    harness.send(first);
    harness.acknowledgeResult();
    Published firstRequest = harness.takePublished();

    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-7\"").header("prefer", "respond-async");
    harness.send(retry);
    harness.acknowledgeAllResults();
    assertThat(retry.answers).as("the first one is not in Kafka yet").isEmpty();

    firstRequest.acknowledge();
    harness.acknowledgeAllResults(); // the first one's claim, now with its partition

    Outcome.Accepted accepted = (Outcome.Accepted) retry.onlyAnswer();
    assertThat(accepted.resultId()).isEqualTo(correlationId(firstRequest));
    reply(firstRequest, "done");
    harness.acknowledgeAllResults();
  }

  @Test
  void aFailureAfterTheServiceHadTheRequestIsKeptForRetries() {
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-8\"");
    harness.send(first);
    harness.acknowledgeResult();
    Published request = harness.takePublished();
    request.acknowledge();
    harness.pending.fail(correlationId(request), GatewayError.BAD_REPLY, "unreadable");
    harness.acknowledgeAllResults();

    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-8\"");
    harness.send(retry);
    harness.acknowledgeAllResults();

    Outcome.Replied replayed = (Outcome.Replied) retry.onlyAnswer();
    assertThat(replayed.status()).isEqualTo(502);
    assertThat(new String(replayed.body(), StandardCharsets.UTF_8)).contains("urn:courier:problem:bad-reply");
    assertThat(harness.published).as("not produced again").isEmpty();
  }

  @Test
  void aFullQueueGivesTheKeyUp() {
    harness.queueFull.set(true);
    Caller first = harness.caller("POST", "/payments").header("idempotency-key", "\"k-9\"");
    harness.send(first);
    harness.acknowledgeAllResults();
    assertThat(((Outcome.Failed) first.onlyAnswer()).error()).isEqualTo(GatewayError.OVERLOADED);

    harness.queueFull.set(false);
    Caller retry = harness.caller("POST", "/payments").header("idempotency-key", "\"k-9\"");
    harness.send(retry);
    harness.acknowledgeAllResults();

    Published retried = harness.takePublished();
    retried.acknowledge();
    reply(retried, "ok");
    harness.acknowledgeAllResults();
    assertThat(((Outcome.Replied) retry.onlyAnswer()).status()).isEqualTo(201);
  }

  @Test
  void waitBeyondTheDeadlineIsStillA202() {
    Caller caller = harness.caller("POST", "/orders").header("prefer", "respond-async, wait=30");
    harness.send(caller);
    harness.takePublished().acknowledge();
    harness.acknowledgeAllResults();

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    assertThat(caller.onlyAnswer()).isInstanceOf(Outcome.Accepted.class);
  }
}
