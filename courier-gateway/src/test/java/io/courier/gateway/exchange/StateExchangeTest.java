package io.courier.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonPointer;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StateConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.exchange.ExchangeHarness.Published;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.state.StateView;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Event-driven routes in the exchange core (ADR 0004), with a fake clock and a state view the test feeds:
 * what ends the wait, that a 2xx waits for Kafka's acknowledgement, and that every way out gives the slot
 * back and leaves nothing pending.
 */
class StateExchangeTest {
  private static final StateConfig.StateField FIELD = new StateConfig.StateField(null, JsonPointer.compile("/state"));
  private static final Map<String, Integer> ANSWERS = Map.of("VALIDATED", 201, "FAILED", 409);

  private static RouteConfig route(String name, String method, String path, KeySource key, StateConfig state) {
    return new RouteConfig(name, "orders", "orders.requests", Profile.COURIER, method, path, key, ExchangeHarness.TIMEOUT, 10, 1024,
        List.of(), null, null, null, null, null, state, null);
  }

  private final ExchangeHarness harness =
      ExchangeHarness.withStates(
          route("orders.validated", "POST", "/orders/{id}", KeySource.parse("path:id"),
              new StateConfig("orders.state", StateConfig.Mode.COMMAND, KeySource.parse("path:id"), null, FIELD, ANSWERS, null,
                  StateConfig.DEFAULT_MAX_WAIT, 100)),
          route("orders.assigned", "POST", "/orders", KeySource.NONE,
              new StateConfig("orders.state", StateConfig.Mode.COMMAND, null, JsonPointer.compile("/id"), FIELD, ANSWERS, null,
                  StateConfig.DEFAULT_MAX_WAIT, 100)),
          route("orders.state", "GET", "/orders/{id}/state", KeySource.NONE,
              new StateConfig("orders.state", StateConfig.Mode.QUERY, KeySource.parse("path:id"), null, FIELD, ANSWERS, null,
                  Duration.ofSeconds(10), 100)));
  private final StateView view = harness.states.view("orders.state");

  @AfterEach
  void nothingIsLeftHeld() {
    assertThat(harness.slotsHeld()).as("route slots held").isZero();
    assertThat(harness.pending.size()).as("requests pending").isZero();
    assertThat(view.waiting()).as("callers watching").isZero();
  }

  private long offset;

  /** A record of the state topic, applied as the gateway's consumer of it would. */
  private void state(String entity, String state) {
    view.apply(new ConsumerRecord<>("orders.state", 0, offset++, entity.getBytes(StandardCharsets.UTF_8),
        ("{\"id\":\"" + entity + "\",\"state\":\"" + state + "\"}").getBytes(StandardCharsets.UTF_8)));
  }

  /** Sends a command and has Kafka acknowledge it; the record it became. */
  private Published commanded(Caller caller) {
    harness.send(caller);
    Published command = harness.takePublished();
    command.acknowledge();
    return command;
  }

  /** The service replies to {@code command} with {@code status} and a JSON {@code body}. */
  private void reply(Published command, int status, String body) {
    harness.pending.complete(RequestEnvelope.fromHeaders(command.record().headers()).correlationId(),
        new Outcome.Replied(status, HeaderFields.of("content-type", "application/json"), body.getBytes(StandardCharsets.UTF_8)));
  }

  private static String body(Outcome outcome) {
    return new String(((Outcome.Replied) outcome).body(), StandardCharsets.UTF_8);
  }

  @Test
  void theCommandIsAnsweredWithTheStateItsEntityReaches() {
    Caller caller = harness.caller("POST", "/orders/o-1");
    commanded(caller);

    state("o-1", "CREATED");
    assertThat(caller.answers).as("not a state it waits for").isEmpty();
    state("o-1", "VALIDATED");

    Outcome.Replied answer = (Outcome.Replied) caller.onlyAnswer();
    assertThat(answer.status()).isEqualTo(201);
    assertThat(body(answer)).contains("\"state\":\"VALIDATED\"");
    assertThat(harness.counter("courier.state.answered", "route", "orders.validated", "state", "VALIDATED")).isEqualTo(1);
  }

  @Test
  void aStateReachedBeforeKafkaAcknowledgedTheCommandIsAnsweredOnlyOnceItHas() {
    // Given the entity is VALIDATED already (a retry, or a state known before the command)
    state("o-2", "VALIDATED");
    Caller caller = harness.caller("POST", "/orders/o-2");
    harness.send(caller);
    Published command = harness.takePublished();
    assertThat(caller.answers).as("a 2xx must mean the command is in Kafka").isEmpty();

    // When Kafka acknowledges it
    command.acknowledge();

    // Then
    assertThat(((Outcome.Replied) caller.onlyAnswer()).status()).isEqualTo(201);
  }

  @Test
  void aCommandKafkaNeverTakesIsNotAnsweredFromTheState() {
    state("o-3", "VALIDATED");
    Caller caller = harness.caller("POST", "/orders/o-3");
    harness.send(caller);
    harness.takePublished().fail(new org.apache.kafka.common.errors.TimeoutException("no metadata"));

    assertThat(((Outcome.Failed) caller.onlyAnswer()).error().status()).isEqualTo(503);
  }

  @Test
  void theFailedStateIsAProblemWithItsStatus() {
    Caller caller = harness.caller("POST", "/orders/o-4");
    commanded(caller);

    state("o-4", "FAILED");

    Outcome.Replied answer = (Outcome.Replied) caller.onlyAnswer();
    assertThat(answer.status()).isEqualTo(409);
    assertThat(answer.headers().toMap()).containsEntry("content-type", "application/problem+json");
    assertThat(body(answer)).contains("urn:courier:problem:entity-state").contains("\"entity\":\"o-4\"");
  }

  @Test
  void noAwaitedStateByTheDeadlineIsA504NamingTheLastStateSeen() {
    Caller caller = harness.caller("POST", "/orders/o-5");
    commanded(caller);
    state("o-5", "CREATED");

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    Outcome.Failed answer = (Outcome.Failed) caller.onlyAnswer();
    assertThat(answer.error()).isEqualTo(GatewayError.STATE_TIMEOUT);
    assertThat(answer.detail()).contains("CREATED");
    assertThat(harness.counter("courier.state.timeouts", "route", "orders.validated")).isEqualTo(1);
  }

  @Test
  void anErrorReplyFromTheServiceAnswersAtOnce() {
    Caller caller = harness.caller("POST", "/orders/o-6");
    reply(commanded(caller), 400, "{\"error\":\"no\"}");

    assertThat(((Outcome.Replied) caller.onlyAnswer()).status()).isEqualTo(400);
  }

  @Test
  void aServiceThatAssignsTheIdNamesItInItsReplyAndTheWaitStartsThen() {
    Caller caller = harness.caller("POST", "/orders");
    reply(commanded(caller), 201, "{\"id\":\"o-7\"}");
    assertThat(caller.answers).as("a success reply only names the entity").isEmpty();
    state("o-7", "VALIDATED");

    assertThat(((Outcome.Replied) caller.onlyAnswer()).status()).isEqualTo(201);
  }

  @Test
  void aReplyThatNamesNoEntityIsABadReply() {
    Caller caller = harness.caller("POST", "/orders");
    reply(commanded(caller), 201, "{}");

    assertThat(((Outcome.Failed) caller.onlyAnswer()).error()).isEqualTo(GatewayError.BAD_REPLY);
  }

  @Test
  void aCallerThatLeavesWhileItsEntityIsAwaitedGivesItsSlotBack() {
    Caller caller = harness.caller("POST", "/orders/o-8");
    Exchange exchange = harness.open(caller);
    exchange.publish(caller, new byte[0]);
    harness.takePublished().acknowledge();

    exchange.callerGone();
    state("o-8", "VALIDATED");

    assertThat(caller.answers).isEmpty();
  }

  @Test
  void aQueryAnswersTheStateNowOr404() {
    state("o-9", "CREATED");

    Caller known = harness.caller("GET", "/orders/o-9/state");
    harness.send(known);
    Caller unknown = harness.caller("GET", "/orders/o-nope/state");
    harness.send(unknown);

    assertThat(((Outcome.Replied) known.onlyAnswer()).status()).isEqualTo(200);
    assertThat(body(known.onlyAnswer())).contains("CREATED");
    assertThat(((Outcome.Failed) unknown.onlyAnswer()).error()).isEqualTo(GatewayError.ENTITY_NOT_FOUND);
    assertThat(harness.published).as("a query produces nothing").isEmpty();
  }

  @Test
  void aQueryForAStateWaitsForItAndAFinalStateItDidNotWantEndsItAsAnswersSay() {
    Caller validated = harness.caller("GET", "/orders/o-10/state?state=VALIDATED");
    harness.send(validated);
    Caller other = harness.caller("GET", "/orders/o-11/state?state=VALIDATED");
    harness.send(other);

    state("o-10", "CREATED");
    assertThat(validated.answers).isEmpty();
    state("o-10", "VALIDATED");
    state("o-11", "FAILED");

    assertThat(((Outcome.Replied) validated.onlyAnswer()).status()).isEqualTo(200);
    assertThat(((Outcome.Replied) other.onlyAnswer()).status()).isEqualTo(409);
  }

  @Test
  void aQueryWaitsNoLongerThanPreferWaitCappedByMaxWait() {
    Caller caller = harness.caller("GET", "/orders/o-12/state").header("prefer", "wait=60");
    harness.send(caller);

    harness.clock.advance(Duration.ofSeconds(10).minusMillis(1));
    assertThat(caller.answers).isEmpty();
    harness.clock.advance(Duration.ofMillis(1));

    assertThat(((Outcome.Failed) caller.onlyAnswer()).error()).isEqualTo(GatewayError.STATE_TIMEOUT);
  }
}
