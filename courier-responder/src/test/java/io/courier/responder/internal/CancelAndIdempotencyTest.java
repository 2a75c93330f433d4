package io.courier.responder.internal;

import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.CancelMarker;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.RequestHandler;
import io.courier.responder.internal.RequestProcessor.Outcome;
import io.courier.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Protocol 2 in the responder: cancel markers reach handlers, and a handler runs once per idempotency key. */
class CancelAndIdempotencyTest {
  private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
  private static final Instant DEADLINE = NOW.plusSeconds(30);

  private final FakeClock clock = new FakeClock(NOW);
  private final ResponderCounters counters = new ResponderCounters();
  private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final List<Request> handled = new CopyOnWriteArrayList<>();

  private RequestProcessor processor(RequestHandler handler) {
    return new RequestProcessor(
        REQUEST_TOPIC, request -> {
          handled.add(request);
          return handler.handle(request);
        }, new ReplyProducer(producer), clock, counters, ResponderLoop.Settings.DEFAULT_REPLY_TOPICS,
        Duration.ofMinutes(5), clock::schedule, Duration.ofHours(1), ResponderTracing.NOOP, Redelivery.NEVER);
  }

  private static org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]> marker(long offset, String correlationId) {
    return record(0, offset, CancelMarker.headers(correlationId));
  }

  private static RequestEnvelope withKey(String correlationId, String key) {
    return envelope(Profile.COURIER, correlationId, 0, DEADLINE).toBuilder()
        .headers(HeaderFields.of("idempotency-key", key))
        .build();
  }

  @Test
  void aCancelMarkerSignalsTheRunningHandlerAndNoReplyIsProduced() {
    // Given a handler still working on a request
    AtomicInteger stopped = new AtomicInteger();
    RequestProcessor processor = processor(request -> {
      request.cancellation().onCancel(stopped::incrementAndGet);
      return new CompletableFuture<>();
    });
    CompletableFuture<Outcome> outcome = processor.process(record(0, 7, envelope(Profile.COURIER, "c-1", 0, DEADLINE))).toCompletableFuture();

    // When its cancel marker comes
    Outcome marker = processor.process(marker(8, "c-1")).toCompletableFuture().join();

    // Then the handler is told, the request's slot is free at once, and nothing is produced
    assertThat(marker).isEqualTo(Outcome.MARKER);
    assertThat(stopped).hasValue(1);
    assertThat(handled.get(0).cancellation().isCancelled()).isTrue();
    assertThat(outcome).isCompletedWithValue(Outcome.CANCELLED);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot().cancelled()).isEqualTo(1);
    assertThat(clock.scheduled()).as("the handler timeout is disarmed").isZero();
  }

  @Test
  void aMarkerThatComesBeforeItsRequestStartsSkipsTheRequest() {
    RequestProcessor processor = processor(RequestHandler.of(request -> Reply.status(200)));

    processor.process(marker(8, "c-2")); // read past a backlog the request waits in
    Outcome outcome = processor.process(record(0, 7, envelope(Profile.COURIER, "c-2", 0, DEADLINE))).toCompletableFuture().join();

    assertThat(outcome).isEqualTo(Outcome.CANCELLED);
    assertThat(handled).isEmpty();
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aMarkerForAFinishedRequestChangesNothing() {
    RequestProcessor processor = processor(RequestHandler.of(request -> Reply.status(200)));
    assertThat(processor.process(record(0, 7, envelope(Profile.COURIER, "c-3", 0, DEADLINE))).toCompletableFuture().join())
        .isEqualTo(Outcome.ANSWERED);

    assertThat(processor.process(marker(8, "c-3")).toCompletableFuture().join()).isEqualTo(Outcome.MARKER);

    assertThat(producer.history()).hasSize(1);
    assertThat(counters.snapshot().cancelled()).isZero();
  }

  @Test
  void aRetryWithTheSameIdempotencyKeyGetsTheFirstReplyWithoutRunningTheHandler() {
    AtomicInteger orders = new AtomicInteger();
    RequestProcessor processor =
        processor(RequestHandler.of(request -> Reply.status(201).header("location", "/orders/" + orders.incrementAndGet())));

    processor.process(record(0, 7, withKey("c-a", "k-1"))).toCompletableFuture().join();
    Outcome retry = processor.process(record(0, 8, withKey("c-b", "k-1"))).toCompletableFuture().join();
    processor.process(record(0, 9, withKey("c-c", "k-2"))).toCompletableFuture().join();

    assertThat(retry).isEqualTo(Outcome.ANSWERED);
    assertThat(handled).extracting(Request::correlationId).containsExactly("c-a", "c-c");
    assertThat(producer.history()).hasSize(3);
    ReplyEnvelope second = ReplyEnvelope.fromHeaders(producer.history().get(1).headers());
    assertThat(second.correlationId()).as("answered under the retry's own correlation id").isEqualTo("c-b");
    assertThat(second.headers().first("location")).hasValue("/orders/1");
    assertThat(counters.snapshot().replayed()).isEqualTo(1);
  }

  @Test
  void aRetryWhileTheFirstRunsWaitsForItsReply() {
    CompletableFuture<Reply> first = new CompletableFuture<>();
    RequestProcessor processor = processor(request -> first);

    CompletableFuture<Outcome> one = processor.process(record(0, 7, withKey("c-a", "k-1"))).toCompletableFuture();
    CompletableFuture<Outcome> two = processor.process(record(0, 8, withKey("c-b", "k-1"))).toCompletableFuture();
    assertThat(two).isNotDone();
    first.complete(Reply.status(200).json("{\"n\":1}"));

    assertThat(one).isCompletedWithValue(Outcome.ANSWERED);
    assertThat(two).isCompletedWithValue(Outcome.ANSWERED);
    assertThat(handled).hasSize(1);
    assertThat(new String(producer.history().get(1).value(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
  }

  @Test
  void aFailedFirstAttemptIsNotReplayed() {
    AtomicInteger calls = new AtomicInteger();
    RequestProcessor processor = processor(RequestHandler.of(request -> {
      if (calls.incrementAndGet() == 1) {
        throw new IllegalStateException("database down");
      }
      return Reply.status(200);
    }));

    processor.process(record(0, 7, withKey("c-a", "k-1"))).toCompletableFuture().join();
    processor.process(record(0, 8, withKey("c-b", "k-1"))).toCompletableFuture().join();

    assertThat(calls).hasValue(2);
    assertThat(ReplyEnvelope.fromHeaders(producer.history().get(1).headers()).status()).isEqualTo(200);
  }

  @Test
  void theSameKeyOnAnotherRouteIsAnotherCommand() {
    RequestProcessor processor = processor(RequestHandler.of(request -> Reply.status(200)));

    processor.process(record(0, 7, withKey("c-a", "k-1"))).toCompletableFuture().join();
    processor.process(record(0, 8, withKey("c-b", "k-1").toBuilder().route("other-route").build())).toCompletableFuture().join();

    assertThat(handled).hasSize(2);
  }

  @Test
  void keysAreForgottenAfterTheWindow() {
    RequestProcessor processor = processor(RequestHandler.of(request -> Reply.status(200)));

    processor.process(record(0, 7, withKey("c-a", "k-1"))).toCompletableFuture().join();
    clock.advance(Duration.ofHours(1));
    processor.process(record(0, 8, withKey("c-b", "k-1").toBuilder().deadline(clock.instant().plusSeconds(30)).build()))
        .toCompletableFuture().join();

    assertThat(handled).hasSize(2);
  }
}
