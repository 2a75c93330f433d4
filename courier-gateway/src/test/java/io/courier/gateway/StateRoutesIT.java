package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Event-driven routes (ADR 0004, docs/protocol.md "State topics") against a real broker and two gateway
 * instances: a command answered when its entity reaches a state, the failed state's status, a state known
 * before the wait, the 504 with the last state seen, queries that long-poll, and a restart.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StateRoutesIT {
  private static final String STATE_TOPIC = "st.orders.state";
  private static final int STATE_PARTITIONS = 4;
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: st.responses
        replies: {ownership: static, instance-index: %d, instance-count: 2}
      results: {enabled: false}
      services:
        - name: orders
          request-topic: st.requests
          timeout: 2s
          routes:
            - method: POST
              path: /orders/validated
              key: body:/id
              state:
                topic: st.orders.state
                entity: body:/id
                field: value:/state
                answers: {VALIDATED: 201, FAILED: 409}
            - method: POST
              path: /orders/assigned
              state:
                topic: st.orders.state
                entity: reply:/id
                field: value:/state
                answers: {VALIDATED: 201, FAILED: 409}
                body: /order
            - method: GET
              path: /orders/{id}
              state:
                mode: query
                topic: st.orders.state
                entity: path:id
                field: value:/state
                answers: {VALIDATED: 200, FAILED: 409}
                max-wait: 5s
      """;

  private static final AtomicInteger IDS = new AtomicInteger();
  private static EmbeddedKafka kafka;
  private static FakeService service;
  private static GatewayTester a;
  private static GatewayTester b;

  @BeforeAll
  static void start(EmbeddedKafka broker) {
    kafka = broker;
    kafka.createTopic("st.requests", 1);
    kafka.createTopic(STATE_TOPIC, STATE_PARTITIONS, Map.of("cleanup.policy", "compact"));
    GatewayTester.createResponseTopic(kafka, "st.responses", 2);
    service = new FakeService(kafka.bootstrapServers(), "st.requests");
    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("st-a", 0));
    b = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("st-b", 1));
  }

  @AfterAll
  static void stop() {
    a.close();
    b.close();
    service.close();
  }

  @BeforeEach
  void reset() {
    // A validator: a quantity above 10 fails (not enough stock), anything else is validated.
    service.answer(request -> List.of(state(idOf(request), validate(request))));
    service.clearRequests();
  }

  private static String newId() {
    return "o-" + IDS.incrementAndGet() + "-" + System.nanoTime();
  }

  private static String idOf(ConsumerRecord<byte[], byte[]> request) {
    return new String(request.key(), StandardCharsets.UTF_8);
  }

  private static String validate(ConsumerRecord<byte[], byte[]> request) {
    return new String(request.value(), StandardCharsets.UTF_8).contains("\"quantity\":99") ? "FAILED" : "VALIDATED";
  }

  private static ProducerRecord<byte[], byte[]> state(String id, String state) {
    String value = "{\"id\":\"" + id + "\",\"state\":\"" + state + "\",\"order\":{\"id\":\"" + id + "\"}}";
    return new ProducerRecord<>(STATE_TOPIC, id.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
  }

  private static String order(String id, int quantity) {
    return "{\"id\":\"" + id + "\",\"quantity\":" + quantity + "}";
  }

  @Test
  void aCommandIsAnsweredWhenItsEntityReachesTheWantedState() {
    String id = newId();

    HttpResponse<String> answer = a.send("POST", "/orders/validated", order(id, 1), "content-type", "application/json");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.body()).contains("\"state\":\"VALIDATED\"").contains(id);
    assertThat(a.counter("courier.state.answered", "route", "orders.POST /orders/validated", "state", "VALIDATED")).isGreaterThanOrEqualTo(1);
    a.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void theFailedStateIsAnsweredWithItsStatusAndTheRecordAsTheProblemsDetail() {
    String id = newId();

    HttpResponse<String> answer = a.send("POST", "/orders/validated", order(id, 99), "content-type", "application/json");

    assertThat(answer.statusCode()).isEqualTo(409);
    assertThat(answer.headers().firstValue("content-type")).hasValue("application/problem+json");
    assertThat(answer.body())
        .contains("\"type\":\"urn:courier:problem:entity-state\"")
        .contains("\"state\":\"FAILED\"")
        .contains("\"entity\":\"" + id + "\"")
        .contains("\\\"state\\\":\\\"FAILED\\\""); // the record itself, as the detail's text
  }

  @Test
  void aStateWrittenBeforeTheWaitBeganStillAnswers() {
    // Given the entity's state is in the topic (and read) before the command comes
    String id = newId();
    service.send(state(id, "VALIDATED"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.get("/orders/" + id).statusCode() == 200);
    service.silent();

    // When the command comes, Then it is answered from that state (once Kafka has the command)
    HttpResponse<String> answer = b.send("POST", "/orders/validated", order(id, 1), "content-type", "application/json");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(idOf(service.takeRequest())).isEqualTo(id);
  }

  @Test
  void anEntityThatDoesNotReachAStateInTimeIs504WithTheLastStateSeen() {
    String id = newId();
    service.answer(request -> List.of(state(idOf(request), "PENDING")));
    double before = a.counter("courier.state.timeouts", "route", "orders.POST /orders/validated");

    HttpResponse<String> answer = a.send("POST", "/orders/validated", order(id, 1), "content-type", "application/json");

    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).contains("urn:courier:problem:state-timeout").contains("PENDING");
    assertThat(a.counter("courier.state.timeouts", "route", "orders.POST /orders/validated")).isEqualTo(before + 1);
    a.awaitNothingInFlight(Duration.ofSeconds(5));
  }

  @Test
  void bothInstancesAnswerWhateverPartitionTheEntityLivesOn() {
    // Given ids on every partition of the state topic
    List<String> ids = new ArrayList<>();
    Set<Integer> partitions = new HashSet<>();
    while (partitions.size() < STATE_PARTITIONS || ids.size() < 8) {
      String id = newId();
      ids.add(id);
      partitions.add(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % STATE_PARTITIONS);
    }

    // When each is sent to both instances by turns, at once
    List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      GatewayTester instance = i % 2 == 0 ? a : b;
      answers.add(instance.sendAsync("POST", "/orders/validated", order(ids.get(i), 1), "content-type", "application/json"));
    }

    // Then every caller is answered by its own instance
    for (int i = 0; i < ids.size(); i++) {
      HttpResponse<String> answer = answers.get(i).join();
      assertThat(answer.statusCode()).as(ids.get(i)).isEqualTo(201);
      assertThat(answer.body()).contains(ids.get(i));
    }
  }

  @Test
  void aServiceThatAssignsTheIdNamesItInItsReply() {
    String id = newId();
    service.answer(request -> List.of(
        state(id, "VALIDATED"), FakeService.reply(request, 202, Map.of("content-type", "application/json"), ("{\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8))));

    HttpResponse<String> answer = a.send("POST", "/orders/assigned", "{}", "content-type", "application/json");

    assertThat(answer.statusCode()).isEqualTo(201);
    assertThat(answer.body()).isEqualTo("{\"id\":\"" + id + "\"}"); // state.body: /order
  }

  @Test
  void aQueryAnswersTheStateNowOr404AndLongPollsForAWantedState() {
    String id = newId();
    assertThat(a.get("/orders/" + id).statusCode()).isEqualTo(404);
    assertThat(a.get("/orders/" + id).body()).contains("urn:courier:problem:entity-state".replace("entity-state", "entity-not-found"));

    // A long poll for VALIDATED, answered when the state comes, not before
    service.send(state(id, "PENDING"));
    CompletableFuture<HttpResponse<String>> poll = b.sendAsync("GET", "/orders/" + id + "?state=VALIDATED", null);
    await().atMost(Duration.ofSeconds(5)).until(() -> a.get("/orders/" + id).body().contains("PENDING"));
    assertThat(poll).isNotDone();
    service.send(state(id, "VALIDATED"));

    HttpResponse<String> answer = poll.join();
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"state\":\"VALIDATED\"");
  }

  @Test
  void aQueryWithPreferWaitEndsAfterItsWaitWithTheLastStateSeen() {
    String id = newId();
    service.send(state(id, "PENDING"));
    await().atMost(Duration.ofSeconds(5)).until(() -> a.get("/orders/" + id).statusCode() == 200);

    HttpResponse<String> answer = a.send("GET", "/orders/" + id, null, "Prefer", "wait=1");

    assertThat(answer.statusCode()).isEqualTo(504);
    assertThat(answer.body()).contains("PENDING");
  }

  @Test
  void aRestartedInstanceAnswersFromStateWrittenBeforeItStarted() {
    String id = newId();
    a.close();
    service.send(state(id, "VALIDATED"));

    a = GatewayTester.start(kafka.bootstrapServers(), YAML.formatted("st-a", 0));

    // ready only once it has read the state topic: the first request already sees the state
    HttpResponse<String> answer = a.get("/orders/" + id);
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).contains("\"state\":\"VALIDATED\"");
  }
}
