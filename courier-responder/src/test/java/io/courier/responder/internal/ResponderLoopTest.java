package io.courier.responder.internal;

import io.courier.testing.FakeClock;
import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.courier.protocol.Profile;
import io.courier.responder.Reply;
import io.courier.responder.RequestHandler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The lifecycle (start, running, close) over MockConsumer and MockProducer, with the real poll thread. */
class ResponderLoopTest {
  private static final TopicPartition P0 = new TopicPartition(REQUEST_TOPIC, 0);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String THREAD_NAME = "courier-responder-" + REQUEST_TOPIC;

  private final FakeClock clock = new FakeClock(NOW);
  private final RecordingConsumer consumer = new RecordingConsumer();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final KafkaClients clients =
      new KafkaClients() {
        @Override
        public Consumer<String, byte[]> consumer(Map<String, Object> config) {
          return consumer;
        }

        @Override
        public Producer<String, byte[]> producer(Map<String, Object> config) {
          return producer;
        }
      };

  @AfterEach
  void noPollThreadIsLeft() {
    await().untilAsserted(() -> assertThat(pollThreadAlive()).isFalse());
  }

  @Test
  void answersThenCommitsAndReleasesEverythingOnClose() {
    // Given a request waiting on the topic
    ResponderLoop loop = loop(RequestHandler.of(request -> Reply.status(200)));
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L));
          consumer.addRecord(record(0, 0, envelope(Profile.COURIER, "c-0", 0, NOW.plusSeconds(30))));
        });

    // When
    loop.start();

    // Then
    await().until(loop::isRunning);
    await().until(() -> producer.history().size() == 1);
    assertThat(pollThreadAlive()).isTrue();

    // When
    loop.close();

    // Then
    assertThat(loop.isRunning()).isFalse();
    assertThat(consumer.closed()).isTrue();
    assertThat(producer.closed()).isTrue();
    assertThat(consumer.lastCommit(P0)).isEqualTo(1);
    assertThat(pollThreadAlive()).isFalse();
    assertThat(loop.stats().answered()).isEqualTo(1);
  }

  @Test
  void closeIsIdempotentAndAClosedLoopCannotStart() {
    ResponderLoop loop = loop(RequestHandler.of(request -> Reply.status(200)));
    loop.start();

    loop.close();
    loop.close();

    assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closeBeforeStartCreatesNoClients() {
    ResponderLoop loop = loop(RequestHandler.of(request -> Reply.status(200)));

    loop.close();

    assertThat(consumer.closed()).isFalse();
    assertThatThrownBy(loop::start).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aHandlerMayCloseItsOwnResponder() {
    // Given a handler that closes the responder it runs in, on the poll thread
    AtomicReference<ResponderLoop> self = new AtomicReference<>();
    ResponderLoop loop =
        loop(
            RequestHandler.of(
                request -> {
                  self.get().close();
                  return Reply.status(200);
                }));
    self.set(loop);
    consumer.schedulePollTask(
        () -> {
          consumer.rebalance(List.of(P0));
          consumer.updateBeginningOffsets(Map.of(P0, 0L));
          consumer.addRecord(record(0, 0, envelope(Profile.COURIER, "c-0", 0, NOW.plusSeconds(30))));
        });

    // When
    loop.start();

    // Then the loop still answers that request, commits and stops
    await().until(consumer::closed);
    assertThat(producer.history()).hasSize(1);
    assertThat(consumer.lastCommit(P0)).isEqualTo(1);
  }

  @Test
  void aPollLoopThatStopsOnAnErrorTellsItsHost() {
    // given a host that listens for the responder's failure
    AtomicReference<Throwable> told = new AtomicReference<>();
    ResponderLoop.Settings settings =
        new ResponderLoop.Settings(
            "localhost:9092", REQUEST_TOPIC, "orders", RequestHandler.of(request -> Reply.status(200)), Duration.ofSeconds(5), 8,
            Map.of(), ResponderLoop.Settings.DEFAULT_REPLY_TOPICS, Duration.ofMinutes(1), told::set);
    ResponderLoop loop = new ResponderLoop(settings, clock, clients);
    consumer.schedulePollTask(() -> {
      throw new IllegalStateException("the consumer broke");
    });

    // when its poll loop dies
    loop.start();

    // then the host is told, and the responder says it is not healthy
    await().until(() -> told.get() != null);
    assertThat(told.get()).hasMessage("the consumer broke");
    assertThat(loop.failure()).isSameAs(told.get());
    assertThat(loop.isRunning()).isFalse();
    loop.close();
  }

  private ResponderLoop loop(RequestHandler handler) {
    ResponderLoop.Settings settings =
        new ResponderLoop.Settings(
            "localhost:9092", REQUEST_TOPIC, "orders", handler, Duration.ofSeconds(5), 8, Map.of());
    return new ResponderLoop(settings, clock, clients);
  }

  private static boolean pollThreadAlive() {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(thread -> thread.getName().equals(THREAD_NAME) && thread.isAlive());
  }
}
