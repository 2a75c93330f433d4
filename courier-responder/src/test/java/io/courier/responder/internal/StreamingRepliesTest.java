package io.courier.responder.internal;

import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.courier.protocol.Profile;
import io.courier.protocol.StreamMarkers;
import io.courier.responder.Cancellation;
import io.courier.responder.Reply;
import io.courier.responder.ReplyStream;
import io.courier.responder.RequestHandler;
import io.courier.responder.internal.RequestProcessor.Outcome;
import io.courier.testing.FakeClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class StreamingRepliesTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant DEADLINE = NOW.plusSeconds(30);

  private final FakeClock clock = new FakeClock(NOW);
  private final ResponderCounters counters = new ResponderCounters();
  private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());

  @Test
  void itemsThenTheEndGoToTheReplyPartitionNumberedInOrder() {
    // Given a handler that streams three items
    RequestHandler handler = RequestHandler.of(request -> {
      ReplyStream stream = request.stream();
      for (int i = 1; i <= 3; i++) {
        stream.send("{\"n\":" + i + "}");
      }
      return stream.end(200);
    });

    // When
    Outcome outcome = process(handler, streamingRequest());

    // Then four records on partition 3: items 0-2, then the end marker 3 with the status
    assertThat(outcome).isEqualTo(Outcome.ANSWERED);
    List<ProducerRecord<String, byte[]>> records = producer.history();
    assertThat(records).hasSize(4).allSatisfy(r -> assertThat(r.partition()).isEqualTo(3));
    assertThat(records.stream().map(r -> StreamMarkers.positionOf(r.headers())).toList())
        .containsExactly(
            new StreamMarkers.Position(0, -1), new StreamMarkers.Position(1, -1), new StreamMarkers.Position(2, -1),
            new StreamMarkers.Position(3, 200));
    assertThat(text(records.get(1))).isEqualTo("{\"n\":2}");
    assertThat(records.get(0).headers().lastHeader("courier-correlation-id").value()).isEqualTo(bytes("c-1"));
    assertThat(counters.snapshot().answered()).isEqualTo(1);
  }

  @Test
  void aHandlerThatFailsMidStreamEndsItWithItsProblem() {
    RequestHandler handler = RequestHandler.of(request -> {
      request.stream().send("{\"n\":1}");
      throw new IllegalStateException("store gone");
    });

    process(handler, streamingRequest());

    List<ProducerRecord<String, byte[]>> records = producer.history();
    assertThat(records).hasSize(2);
    assertThat(StreamMarkers.positionOf(records.get(1).headers())).isEqualTo(new StreamMarkers.Position(1, 500));
    assertThat(text(records.get(1))).contains("\"status\":500").contains("store gone");
  }

  @Test
  void aStreamingRequestMayStillBeAnsweredOnce() {
    process(RequestHandler.of(request -> Reply.problem(404, "No customer", "c-9")), streamingRequest());

    assertThat(producer.history()).hasSize(1);
    assertThat(StreamMarkers.positionOf(producer.history().get(0).headers())).isNull();
  }

  @Test
  void aRequestOfARouteThatDoesNotStreamCannotStream() {
    process(RequestHandler.of(request -> {
      assertThat(request.streams()).isFalse();
      return request.stream().end(200);
    }), envelope(Profile.COURIER, "c-1", 3, DEADLINE).toHeaders());

    assertThat(producer.history()).hasSize(1);
    assertThat(text(producer.history().get(0))).contains("takes one reply, not a stream");
  }

  @Test
  void sendBlocksWhileTheWindowOfUnacknowledgedItemsIsFull() throws Exception {
    // Given a producer that acknowledges only when told, and a window of two
    MockProducer<String, byte[]> manual = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    List<Long> sent = new CopyOnWriteArrayList<>();
    ReplyStream stream = new ReplyStream((sequence, end, value) -> {
      CompletableFuture<Void> acked = new CompletableFuture<>();
      manual.send(new ProducerRecord<>("t", value), (metadata, error) -> acked.complete(null));
      sent.add(sequence);
      return acked;
    }, new Cancellation.Source().token(), Instant.MAX, java.time.Clock.systemUTC(), 2);
    stream.send("{}");
    stream.send("{}");

    // When a third item is sent
    Thread emitter = new Thread(() -> stream.send("{}"), "emitter");
    emitter.start();

    // Then it waits for Kafka, and goes once one item is acknowledged
    await().until(() -> emitter.getState() == Thread.State.TIMED_WAITING);
    assertThat(sent).containsExactly(0L, 1L);
    manual.completeNext();
    emitter.join(5_000);
    assertThat(sent).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aCancelledStreamSendsNothingMore() {
    Cancellation.Source cancel = new Cancellation.Source();
    List<Long> sent = new CopyOnWriteArrayList<>();
    ReplyStream stream = new ReplyStream((sequence, end, value) -> {
      sent.add(sequence);
      return CompletableFuture.completedFuture(null);
    }, cancel.token(), DEADLINE, clock, 4);
    stream.send("{}");

    cancel.cancel();

    assertThatThrownBy(() -> stream.send("{}")).isInstanceOf(CancellationException.class).hasMessageContaining("cancelled");
    stream.end(200);
    assertThat(sent).containsExactly(0L);
    assertThat(stream.completion().toCompletableFuture()).isCompletedExceptionally();
  }

  @Test
  void aStreamPastItsDeadlineSendsNothingMore() {
    ReplyStream stream = new ReplyStream((sequence, end, value) -> CompletableFuture.completedFuture(null),
        new Cancellation.Source().token(), DEADLINE, clock, 4);

    clock.advance(Duration.ofSeconds(30));

    assertThatThrownBy(() -> stream.send("{}")).isInstanceOf(CancellationException.class).hasMessageContaining("deadline");
  }

  private Outcome process(RequestHandler handler, Headers headers) {
    RequestProcessor processor = new RequestProcessor(REQUEST_TOPIC, handler, new ReplyProducer(producer), clock, counters);
    return processor.process(record(0, 7, headers)).toCompletableFuture().join();
  }

  private static Headers streamingRequest() {
    Headers headers = envelope(Profile.COURIER, "c-1", 3, DEADLINE).toHeaders();
    StreamMarkers.markStreaming(headers, 10_000);
    return headers;
  }

  private static String text(ProducerRecord<String, byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
