package io.courier.responder.internal;

import io.courier.testing.FakeClock;
import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.malformed;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.Profile;
import io.courier.responder.Reply;
import io.courier.responder.RequestHandler;
import io.courier.responder.ResponderStats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The poll loop driven turn by turn on the test thread, over MockConsumer and a MockProducer whose
 * acknowledgements the test gives, with handlers that complete when the test says.
 */
class PollLoopTest {
  private static final TopicPartition P0 = new TopicPartition(REQUEST_TOPIC, 0);
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private final FakeClock clock = new FakeClock(NOW);
  private final ResponderCounters counters = new ResponderCounters();
  private final RecordingConsumer consumer = new RecordingConsumer();
  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
  /** The handler's answer to each request, by correlation id; the test completes them. */
  private final Map<String, CompletableFuture<Reply>> inHandler = new ConcurrentHashMap<>();
  private final RequestHandler handler =
      request -> inHandler.computeIfAbsent(request.correlationId(), id -> new CompletableFuture<>());

  @Test
  void commitsOnlyContiguousAnsweredOffsetsWhenHandlersCompleteOutOfOrder() {
    // Given four requests in the handler
    PollLoop loop = assignedLoop(8, Duration.ofSeconds(5));
    addRequests(0, 4);
    loop.pollOnce();
    assertThat(inHandler).hasSize(4);

    // When the second and third are answered first, Then nothing is committed
    answer(2);
    answer(1);
    loop.pollOnce();
    assertThat(committed()).isNull();

    // When the first is answered, Then the commit covers the first three
    answer(0);
    loop.pollOnce();
    assertThat(committed()).isEqualTo(3);

    answer(3);
    loop.pollOnce();
    assertThat(committed()).isEqualTo(4);
    assertThat(counters.snapshot().answered()).isEqualTo(4);
  }

  @Test
  void anOffsetIsNotCommittedBeforeItsReplyIsAcknowledged() {
    PollLoop loop = assignedLoop(8, Duration.ofSeconds(5));
    addRequests(0, 1);
    loop.pollOnce();

    // When the handler answers but Kafka has not acknowledged the reply
    inHandler.get("c-0").complete(Reply.status(200));
    loop.pollOnce();

    // Then nothing is committed, until the acknowledgement
    assertThat(committed()).isNull();
    producer.completeNext();
    loop.pollOnce();
    assertThat(committed()).isEqualTo(1);
  }

  @Test
  void pausesAtMaxInFlightAndResumesBelowIt() {
    // Given at most two requests in the handler and five waiting
    PollLoop loop = assignedLoop(2, Duration.ofSeconds(5));
    addRequests(0, 5);

    // When
    loop.pollOnce();

    // Then two are handled and the partition is paused
    assertThat(inHandler).containsOnlyKeys("c-0", "c-1");
    assertThat(consumer.paused()).containsExactly(P0);

    // When one is answered, Then one more is taken
    answer(0);
    loop.pollOnce();
    assertThat(inHandler).containsOnlyKeys("c-0", "c-1", "c-2");
    assertThat(consumer.paused()).containsExactly(P0);

    answer(1);
    answer(2);
    loop.pollOnce();
    assertThat(inHandler).hasSize(5);

    // When all are answered, Then the partition is resumed and everything committed
    answer(3);
    answer(4);
    loop.pollOnce();
    assertThat(consumer.paused()).isEmpty();
    assertThat(committed()).isEqualTo(5);
  }

  @Test
  void skippedRecordsLetTheOffsetAdvance() {
    // Given a malformed record, an expired request and a live one
    PollLoop loop = assignedLoop(8, Duration.ofSeconds(5));
    consumer.addRecord(malformed(0, 0));
    consumer.addRecord(record(0, 1, envelope(Profile.COURIER, "c-1", 0, NOW.minusMillis(1))));
    consumer.addRecord(record(0, 2, envelope(Profile.COURIER, "c-2", 0, NOW.plusSeconds(30))));

    // When
    loop.pollOnce();
    answer(2);
    loop.pollOnce();

    // Then only the live one reached the handler, and all three are committed
    assertThat(inHandler).containsOnlyKeys("c-2");
    assertThat(committed()).isEqualTo(3);
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(1, 0, 1, 1));
  }

  @Test
  void revocationWaitsForRequestsInHandCommitsThemAndLeavesTheRestToTheNextOwner() {
    // Given one request in the handler and two fetched behind it
    PollLoop loop = assignedLoop(1, Duration.ofSeconds(10));
    addRequests(0, 3);
    loop.pollOnce();
    assertThat(inHandler).containsOnlyKeys("c-0");
    assertThat(loop.isRunning()).isTrue();

    // When the partition is revoked while the handler is still working (it answers a moment later)
    CompletableFuture.runAsync(() -> answer(0), CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS));
    consumer.rebalance(List.of());

    // Then the answered request is committed, the two never started are not
    assertThat(committed()).isEqualTo(1);
    assertThat(inHandler).containsOnlyKeys("c-0");
    assertThat(loop.isRunning()).isFalse();
  }

  @Test
  void revocationGivesUpOnAHandlerThatOutlastsTheShutdownTimeout() {
    // Given a first request that never completes and a second one answered
    PollLoop loop = assignedLoop(8, Duration.ofMillis(100));
    addRequests(0, 2);
    loop.pollOnce();
    answer(1);

    // When
    consumer.rebalance(List.of());

    // Then nothing is committed: the next owner answers the first request
    assertThat(committed()).isNull();
  }

  @Test
  void aCompletionAfterRevocationIsIgnored() {
    PollLoop loop = assignedLoop(8, Duration.ofMillis(50));
    addRequests(0, 1);
    loop.pollOnce();
    consumer.rebalance(List.of());

    // When the partition comes back and the old request completes
    consumer.rebalance(List.of(P0));
    answer(0);
    loop.pollOnce();

    // Then its completion does not commit on behalf of the new assignment
    assertThat(committed()).isNull();
  }

  private PollLoop assignedLoop(int maxInFlight, Duration shutdownTimeout) {
    ResponderLoop.Settings settings =
        new ResponderLoop.Settings(
            "localhost:9092", REQUEST_TOPIC, "orders", handler, shutdownTimeout, maxInFlight, Map.of());
    ReplyProducer replies = new ReplyProducer(producer);
    RequestProcessor processor = new RequestProcessor(REQUEST_TOPIC, handler, replies, clock, counters);
    PollLoop loop = new PollLoop(settings, consumer, replies, processor);
    loop.subscribe();
    consumer.rebalance(List.of(P0));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    return loop;
  }

  private void addRequests(int from, int count) {
    for (int offset = from; offset < from + count; offset++) {
      consumer.addRecord(record(0, offset, envelope(Profile.COURIER, "c-" + offset, 0, NOW.plusSeconds(30))));
    }
  }

  /** The handler answers the request at this offset and Kafka acknowledges the reply. */
  private void answer(long offset) {
    inHandler.get("c-" + offset).complete(Reply.status(200));
    producer.completeNext();
  }

  private Long committed() {
    return consumer.lastCommit(P0);
  }
}
