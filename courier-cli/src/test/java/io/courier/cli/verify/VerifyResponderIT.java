package io.courier.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.cli.verify.CheckResult.Verdict;
import io.courier.examples.RunningService;
import io.courier.examples.orders.OrdersService;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.testing.FakeService;
import io.courier.testing.SpringSendToResponder;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/** The conformance kit against real responders on the embedded broker: conforming ones, and a broken one. */
@ExtendWith(EmbeddedKafkaExtension.class)
class VerifyResponderIT {
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
  private static final Duration WAIT = Duration.ofSeconds(2);

  private final EmbeddedKafka kafka;

  VerifyResponderIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @Test
  void theExampleOrdersServicePassesEveryCourierCheckThroughTheCommand() {
    // (orders, not customers: a cancel marker reaches one member of a share group, not always the one that
    // gets its request, so the share-group customers service does not pass cancel-stops-work)
    kafka.createTopic(OrdersService.REQUEST_TOPIC, 3);
    try (RunningService orders = OrdersService.start(kafka.bootstrapServers())) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(orders::isRunning);
      java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
      java.io.PrintStream original = System.out;
      int exit;
      try {
        System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
        exit = new CommandLine(new io.courier.cli.CourierCommand()).execute(
            "verify-responder", "--bootstrap-servers", kafka.bootstrapServers(), "--request-topic", OrdersService.REQUEST_TOPIC,
            "--profile", "courier", "--path", "/orders/o-404", "--path-param", "id=o-404", "--wait", "2s");
      } finally {
        System.setOut(original);
      }
      String table = printed.toString(java.nio.charset.StandardCharsets.UTF_8);
      System.out.println(table);
      assertThat(exit).as(table).isZero();
      assertThat(table).contains("checks passed: 6, failed: 0, not applicable: 0").contains("status 404");
    }
  }

  @Test
  void aZillaConventionResponderPassesTheChecksItsConventionHas() {
    String topic = topic();
    try (FakeService zilla = FakeService.zillaStyle(kafka.bootstrapServers(), topic)) {
      List<CheckResult> results = verify(topic, Profile.ZILLA, new Probe("PUT", "/items/42", "{\"name\":\"lamp\"}", null));

      assertThat(verdicts(results)).containsExactly(
          "correlation-echo=PASSED", "reply-partition=NOT_APPLICABLE", "status-and-headers=PASSED",
          "expired-not-answered=NOT_APPLICABLE", "cancel-stops-work=NOT_APPLICABLE", "idempotent-duplicate=NOT_APPLICABLE");
      assertThat(results.get(2).evidence()).contains("status 201");
      assertThat(ResponderVerifier.conforms(results)).isTrue();
    }
  }

  @Test
  void aSpringSendToListenerPassesTheChecksItsConventionHas() {
    kafka.createTopic(SpringSendToResponder.TOPIC, 1);
    try (SpringSendToResponder spring = SpringSendToResponder.start(kafka.bootstrapServers())) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(spring::hasPartitions);

      List<CheckResult> results = verify(SpringSendToResponder.TOPIC, Profile.SPRING,
          new Probe("POST", "/greetings/ada", "hello", HeaderFields.of("content-type", "text/plain"), Map.of("name", "ada")));

      assertThat(verdicts(results)).containsExactly(
          "correlation-echo=PASSED", "reply-partition=PASSED", "status-and-headers=PASSED",
          "expired-not-answered=NOT_APPLICABLE", "cancel-stops-work=NOT_APPLICABLE", "idempotent-duplicate=NOT_APPLICABLE");
      assertThat(results.get(0).evidence()).startsWith("kafka_correlationId = ");
    }
  }

  @Test
  void aResponderThatAnswersEverythingOnPartitionZeroFailsAndTheTableSaysWhy() {
    // Given a responder that echoes the correlation id but ignores the reply partition, deadlines and markers
    String topic = topic();
    try (FakeService careless = new FakeService(kafka.bootstrapServers(), topic).answer(request -> {
      String replyTo = FakeService.header(request, HeaderNames.REPLY_TOPIC);
      if (replyTo == null) {
        return List.of(); // a cancel marker
      }
      ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(replyTo, 0, request.key(), "{}".getBytes());
      reply.headers().add(HeaderNames.CORRELATION_ID, request.headers().lastHeader(HeaderNames.CORRELATION_ID).value());
      return List.of(reply);
    })) {
      List<CheckResult> results = verify(topic, Profile.COURIER, new Probe("GET", "/anything", "", HeaderFields.EMPTY));

      assertThat(verdicts(results)).containsExactly(
          "correlation-echo=PASSED", "reply-partition=FAILED", "status-and-headers=PASSED",
          "expired-not-answered=FAILED", "cancel-stops-work=FAILED", "idempotent-duplicate=PASSED");
      assertThat(results.get(1).evidence()).matches("asked for .*-2, got .*-0");
      assertThat(ResponderVerifier.conforms(results)).isFalse();
      assertThat(ResponderVerifier.table(results)).contains("FAILED").contains("checks passed: 3, failed: 3");
    }
  }

  private List<CheckResult> verify(String requestTopic, Profile profile, Probe probe) {
    String replyTopic = requestTopic + ".replies";
    kafka.createTopic(replyTopic, 3);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
        KafkaConsumer<String, byte[]> replies = new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<CheckResult> results =
          new ResponderVerifier(producer, replies, requestTopic, replyTopic, 3, profile, probe, WAIT, Clock.systemUTC()).verify();
      System.out.println(ResponderVerifier.table(results));
      return results;
    }
  }

  private String topic() {
    String topic = "verify-it-" + TEST_NUMBER.incrementAndGet() + ".requests";
    kafka.createTopic(topic, 2);
    return topic;
  }

  private static List<String> verdicts(List<CheckResult> results) {
    return results.stream().map(result -> result.check() + "=" + result.verdict().name()).toList();
  }
}
