package io.courier.responder.internal;

import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.delivery;
import static io.courier.responder.internal.TestRequests.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.responder.RequestHandler;
import io.courier.responder.RetryableException;
import io.courier.responder.internal.RequestProcessor.Outcome;
import io.courier.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Transient and permanent handler failures, and what a share-group loop tells Kafka of each outcome. */
class RetryableFailureTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant DEADLINE = NOW.plusSeconds(30);
  private static final RequestHandler TRANSIENT = request -> {
    throw new RetryableException("stock service restarting");
  };

  private final FakeClock clock = new FakeClock(NOW);
  private final ResponderCounters counters = new ResponderCounters();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  void aTransientFailureWithTimeLeftIsReleasedWithoutAReply() {
    Outcome outcome = process(share(TRANSIENT), 1);

    assertThat(outcome).isEqualTo(Outcome.RELEASED);
    assertThat(ShareLoop.acknowledgement(outcome)).isEqualTo(AcknowledgeType.RELEASE);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot().released()).isEqualTo(1);
  }

  @Test
  void onTheLastDeliveryATransientFailureIsAnswered503AndRejected() {
    Outcome outcome = process(share(TRANSIENT), Redelivery.DEFAULT_DELIVERY_LIMIT);

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(ShareLoop.acknowledgement(outcome)).isEqualTo(AcknowledgeType.REJECT);
    assertThat(onlyReply().status()).isEqualTo(503);
    assertThat(header(HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("5");
    assertThat(counters.snapshot().redelivered()).isEqualTo(1);
  }

  @Test
  void aTransientFailureOfAConsumerGroupIsAnswered503AtOnce() {
    RequestProcessor consumerGroup = processor(TRANSIENT, Redelivery.NEVER);

    Outcome outcome = consumerGroup.process(TestRequests.record(0, 7, envelope(Profile.COURIER, "c-1", 0, DEADLINE)))
        .toCompletableFuture().join();

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertThat(onlyReply().status()).isEqualTo(503);
    assertThat(header(HeaderNames.DELIVERY_ATTEMPT)).as("no delivery count in a consumer group").isNull();
  }

  @Test
  void aPermanentFailureIsAnswered500AtOnceAndRejected() {
    Outcome outcome = process(share(request -> {
      throw new IllegalArgumentException("no such product");
    }), 1);

    assertThat(ShareLoop.acknowledgement(outcome)).isEqualTo(AcknowledgeType.REJECT);
    assertThat(onlyReply().status()).isEqualTo(500);
    assertThat(header(HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("1");
  }

  @Test
  void aTransientFailureAfterTheDeadlineIsNotReleased() {
    RequestProcessor processor = share(request -> {
      clock.advance(Duration.ofSeconds(31)); // the handler took longer than the caller waits
      throw new RetryableException("too late anyway");
    });

    assertThat(process(processor, 1)).isNotEqualTo(Outcome.RELEASED);
    assertThat(counters.snapshot().released()).isZero();
  }

  @ParameterizedTest
  @EnumSource(value = Outcome.class, names = {"ANSWERED", "EXPIRED", "ABANDONED", "CANCELLED", "MARKER", "REPLY_FAILED"})
  void everyOutcomeNobodyCouldUseAgainIsAccepted(Outcome outcome) {
    assertThat(ShareLoop.acknowledgement(outcome)).isEqualTo(AcknowledgeType.ACCEPT);
  }

  private RequestProcessor share(RequestHandler handler) {
    return processor(handler, Redelivery.beforeDeadline(Redelivery.DEFAULT_DELIVERY_LIMIT));
  }

  private RequestProcessor processor(RequestHandler handler, Redelivery redelivery) {
    return new RequestProcessor(
        REQUEST_TOPIC, handler, new ReplyProducer(producer), clock, counters,
        ResponderLoop.Settings.DEFAULT_REPLY_TOPICS, Duration.ofMinutes(5), clock::schedule, Duration.ZERO,
        ResponderTracing.NOOP, redelivery);
  }

  private Outcome process(RequestProcessor processor, int attempt) {
    return processor.process(delivery(attempt, envelope(Profile.COURIER, "c-1", 0, DEADLINE)))
        .toCompletableFuture().join();
  }

  private ReplyEnvelope onlyReply() {
    assertThat(producer.history()).hasSize(1);
    return ReplyEnvelope.fromHeaders(producer.history().get(0).headers());
  }

  private String header(String name) {
    ProducerRecord<String, byte[]> reply = producer.history().get(0);
    var header = reply.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
