package io.courier.responder.internal;

import io.courier.testing.FakeClock;
import static io.courier.responder.internal.TestRequests.REPLY_TOPIC;
import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.malformed;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.Reply;
import io.courier.responder.RequestHandler;
import io.courier.responder.ResponderStats;
import io.courier.responder.internal.RequestProcessor.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestProcessorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final Instant DEADLINE = NOW.plusSeconds(30);

  private final FakeClock clock = new FakeClock(NOW);
  private final ResponderCounters counters = new ResponderCounters();
  private MockProducer<String, byte[]> producer = autoCompletingProducer();

  @Test
  void answersWithTheHandlersReplyOnTheRequestedTopicAndPartition() {
    // Given
    RequestProcessor processor = processor(request -> Reply.status(201).header("location", "/orders/42").json("{}"));

    // When
    Outcome outcome = process(processor, envelope(Profile.COURIER, "c-1", 3, DEADLINE));

    // Then
    assertThat(outcome).isEqualTo(Outcome.ANSWERED);
    ProducerRecord<String, byte[]> reply = onlyReply();
    assertThat(reply.topic()).isEqualTo(REPLY_TOPIC);
    assertThat(reply.partition()).isEqualTo(3);
    assertThat(reply.key()).isEqualTo("key-7");
    ReplyEnvelope envelope = ReplyEnvelope.fromHeaders(reply.headers());
    assertThat(envelope.correlationId()).isEqualTo("c-1");
    assertThat(envelope.status()).isEqualTo(201);
    assertThat(envelope.headers().toMap()).containsEntry("location", "/orders/42");
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(1, 0, 0, 0));
  }

  @Test
  void leavesThePartitionToTheProducerWhenTheRequestNamesNone() {
    process(processor(request -> Reply.status(204)), envelope(Profile.ZILLA, "z-1", -1, DEADLINE));

    ProducerRecord<String, byte[]> reply = onlyReply();
    assertThat(reply.partition()).isNull();
    assertThat(reply.headers().lastHeader(HeaderNames.ZILLA_CORRELATION_ID).value())
        .isEqualTo("z-1".getBytes(StandardCharsets.UTF_8));
    assertThat(reply.headers().lastHeader(HeaderNames.ZILLA_STATUS).value())
        .isEqualTo("204".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aThrowingHandlerIsAnsweredWithA500Problem() {
    RequestProcessor processor =
        processor(
            request -> {
              throw new IllegalStateException("stock service down");
            });

    Outcome outcome = process(processor, envelope(Profile.COURIER, "c-2", 0, DEADLINE));

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    assertProblem500(onlyReply(), "c-2", "java.lang.IllegalStateException: stock service down");
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(1, 1, 0, 0));
  }

  @Test
  void aHandlerStageCompletedExceptionallyIsAnsweredWithA500NamingTheCause() {
    RequestHandler handler =
        request ->
            CompletableFuture.supplyAsync(
                () -> {
                  throw new IllegalArgumentException("bad order");
                });

    Outcome outcome = process(processorFor(handler), envelope(Profile.COURIER, "c-3", 0, DEADLINE));

    assertThat(outcome).isEqualTo(Outcome.FAILED);
    // the CompletionException wrapper is not what the service threw
    assertProblem500(onlyReply(), "c-3", "java.lang.IllegalArgumentException: bad order");
  }

  @Test
  void aHandlerReturningNoStageIsAnsweredWithA500() {
    RequestHandler handler = request -> null;

    process(processorFor(handler), envelope(Profile.COURIER, "c-4", 0, DEADLINE));

    assertProblem500(onlyReply(), "c-4", "java.lang.NullPointerException: handler returned no CompletionStage");
    assertThat(counters.snapshot().failed()).isEqualTo(1);
  }

  @Test
  void aHandlerCompletingWithoutAReplyIsAnsweredWithA500() {
    RequestHandler handler = request -> CompletableFuture.completedFuture(null);

    process(processorFor(handler), envelope(Profile.COURIER, "c-5", 0, DEADLINE));

    assertProblem500(onlyReply(), "c-5", "java.lang.NullPointerException: handler completed without a Reply");
  }

  @Test
  void anExpiredRequestIsSkippedWithoutCallingTheHandler() {
    // Given a request whose deadline passes before it is read
    AtomicInteger calls = new AtomicInteger();
    RequestProcessor processor =
        processor(
            request -> {
              calls.incrementAndGet();
              return Reply.status(200);
            });
    clock.advance(Duration.ofSeconds(31));

    // When
    Outcome outcome = process(processor, envelope(Profile.COURIER, "c-6", 0, DEADLINE));

    // Then
    assertThat(outcome).isEqualTo(Outcome.EXPIRED);
    assertThat(calls).hasValue(0);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(0, 0, 1, 0));
  }

  @Test
  void aRequestIsExpiredFromTheDeadlineItselfButNotBefore() {
    RequestProcessor processor = processor(request -> Reply.status(200));

    clock.advance(Duration.ofSeconds(30).minusMillis(1));
    assertThat(process(processor, envelope(Profile.COURIER, "c-7", 0, DEADLINE))).isEqualTo(Outcome.ANSWERED);

    clock.advance(Duration.ofMillis(1));
    assertThat(process(processor, envelope(Profile.COURIER, "c-8", 0, DEADLINE))).isEqualTo(Outcome.EXPIRED);
  }

  @Test
  void aRecordWithoutCorrelationIdIsSkippedAsMalformed() {
    RequestProcessor processor = processor(request -> Reply.status(200));

    Outcome outcome = processor.process(malformed(0, 0)).toCompletableFuture().join();

    assertThat(outcome).isEqualTo(Outcome.MALFORMED);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(0, 0, 0, 1));
  }

  @Test
  void aReplyThatCannotBeProducedIsCountedAsFailedAndLetsTheRequestGo() {
    // Given a producer that will fail the send
    producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    RequestProcessor processor = processor(request -> Reply.status(200));

    // When
    CompletionStage<Outcome> outcome =
        processor.process(record(0, 7, envelope(Profile.COURIER, "c-9", 0, DEADLINE)));
    producer.errorNext(new UnknownTopicOrPartitionException("no such topic"));

    // Then
    assertThat(outcome.toCompletableFuture().join()).isEqualTo(Outcome.REPLY_FAILED);
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(0, 1, 0, 0));
  }

  @Test
  void aHandlerFailureWhoseReplyAlsoFailsCountsAsOneFailure() {
    producer = new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    RequestProcessor processor =
        processor(
            request -> {
              throw new IllegalStateException("boom");
            });

    CompletionStage<Outcome> outcome =
        processor.process(record(0, 7, envelope(Profile.COURIER, "c-10", 0, DEADLINE)));
    producer.errorNext(new UnknownTopicOrPartitionException("no such topic"));

    assertThat(outcome.toCompletableFuture().join()).isEqualTo(Outcome.REPLY_FAILED);
    assertThat(counters.snapshot()).isEqualTo(new ResponderStats(0, 1, 0, 0));
  }

  @ParameterizedTest
  @ValueSource(strings = {"orders.state", "orders.requests", "customers", "courier.responses.evil"})
  void aRequestNamingAReplyTopicThatIsNotAllowedIsRefusedWithoutRunningTheHandler(String replyTopic) {
    // given a request that would make the service write into a topic of its own
    AtomicInteger calls = new AtomicInteger();
    RequestProcessor processor =
        guarded(request -> {
          calls.incrementAndGet();
          return CompletableFuture.completedFuture(Reply.status(200));
        }, Pattern.compile("courier\\.responses"));

    // when
    Outcome outcome =
        process(processor, envelope(Profile.COURIER, "c-r", 0, DEADLINE).toBuilder().replyTopic(replyTopic).build());

    // then
    assertThat(outcome).isEqualTo(Outcome.REFUSED);
    assertThat(calls).hasValue(0);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot().refused()).isEqualTo(1);
  }

  @Test
  void byDefaultResponseAndReplyTopicsAreAllowedAndTheRequestTopicIsNot() {
    Pattern allowed = ResponderLoop.Settings.DEFAULT_REPLY_TOPICS;

    assertThat(List.of("courier.responses", "gw.replies", "responder-it-replies-3", "ORDERS.REPLIES", "replies"))
        .allMatch(topic -> allowed.matcher(topic).matches());
    assertThat(List.of("orders.state", "orders.requests", "replieslike", "myresponses", "customers",
            "courier.responses.forwards", "gw-replies-FORWARDS", "courier.responses.results", "gw_replies_RESULTS"))
        .noneMatch(topic -> allowed.matcher(topic).matches());
    // and a service's own request topic is refused even when its name would match
    RequestProcessor named = new RequestProcessor("orders.replies", RequestHandler.of(request -> Reply.status(200)), replies(), clock, counters);
    assertThat(process(named, envelope(Profile.COURIER, "c-own", 0, DEADLINE).toBuilder().replyTopic("orders.replies").build()))
        .isEqualTo(Outcome.REFUSED);
  }

  @Test
  void aReplyPartitionBelowMinusOneIsRefused() {
    org.apache.kafka.common.header.Headers headers = envelope(Profile.COURIER, "c-p", -1, DEADLINE).toHeaders();
    headers.add(HeaderNames.REPLY_PARTITION, "-2".getBytes(StandardCharsets.UTF_8));

    Outcome outcome = processor(request -> Reply.status(200)).process(record(0, 7, headers)).toCompletableFuture().join();

    assertThat(outcome).isEqualTo(Outcome.REFUSED);
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aHandlerStillRunningAtTheDeadlineIsAbandonedWithoutAReply() {
    // given a handler that never completes
    CompletableFuture<Outcome> outcome =
        guarded(request -> new CompletableFuture<>(), ResponderLoop.Settings.DEFAULT_REPLY_TOPICS)
            .process(record(0, 7, envelope(Profile.COURIER, "c-a", 0, DEADLINE)))
            .toCompletableFuture();

    // when the deadline comes
    clock.advance(Duration.ofSeconds(29));
    assertThat(outcome).isNotDone();
    clock.advance(Duration.ofSeconds(1));

    // then it is given up on: no reply (the caller has had its 504), slot and offset free
    assertThat(outcome).isCompletedWithValue(Outcome.ABANDONED);
    assertThat(producer.history()).isEmpty();
    assertThat(counters.snapshot().abandoned()).isEqualTo(1);
  }

  @Test
  void aHandlerStillRunningAtTheHandlerTimeoutBeforeTheDeadlineIsAnswered504() {
    CompletableFuture<Outcome> outcome =
        new RequestProcessor(
                REQUEST_TOPIC, request -> new CompletableFuture<>(), replies(), clock, counters,
                ResponderLoop.Settings.DEFAULT_REPLY_TOPICS, Duration.ofSeconds(10), clock::schedule)
            .process(record(0, 7, envelope(Profile.COURIER, "c-t", 0, DEADLINE)))
            .toCompletableFuture();

    clock.advance(Duration.ofSeconds(10));

    assertThat(outcome).isCompletedWithValue(Outcome.ANSWERED);
    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(onlyReply().headers());
    assertThat(reply.status()).isEqualTo(504);
    assertThat(counters.snapshot().abandoned()).isEqualTo(1);
  }

  @Test
  void aHandlerThatAnswersInTimeLeavesNoTimerBehind() {
    CompletableFuture<Reply> later = new CompletableFuture<>();
    CompletableFuture<Outcome> outcome =
        guarded(request -> later, ResponderLoop.Settings.DEFAULT_REPLY_TOPICS)
            .process(record(0, 7, envelope(Profile.COURIER, "c-i", 0, DEADLINE)))
            .toCompletableFuture();

    later.complete(Reply.status(200));

    assertThat(outcome).isCompletedWithValue(Outcome.ANSWERED);
    assertThat(clock.scheduled()).isZero();
  }

  private RequestProcessor guarded(RequestHandler handler, Pattern replyTopics) {
    return new RequestProcessor(
        REQUEST_TOPIC, handler, replies(), clock, counters, replyTopics, Duration.ofMinutes(5), clock::schedule);
  }

  @Test
  void describeNamesTheExceptionClassAndMessage() {
    assertThat(RequestProcessor.describe(new IllegalStateException("x")))
        .isEqualTo("java.lang.IllegalStateException: x");
    assertThat(RequestProcessor.describe(new IllegalStateException()))
        .isEqualTo("java.lang.IllegalStateException");
  }

  private RequestProcessor processor(RequestHandler.SyncRequestHandler handler) {
    return processorFor(RequestHandler.of(handler));
  }

  private RequestProcessor processorFor(RequestHandler handler) {
    return new RequestProcessor(REQUEST_TOPIC, handler, replies(), clock, counters);
  }

  private ReplyProducer replies() {
    return new ReplyProducer(producer);
  }

  private static Outcome process(RequestProcessor processor, RequestEnvelope envelope) {
    return processor.process(record(0, 7, envelope)).toCompletableFuture().join();
  }

  private ProducerRecord<String, byte[]> onlyReply() {
    assertThat(producer.history()).hasSize(1);
    return producer.history().get(0);
  }

  private static void assertProblem500(ProducerRecord<String, byte[]> reply, String correlationId, String detail) {
    ReplyEnvelope envelope = ReplyEnvelope.fromHeaders(reply.headers());
    assertThat(envelope.correlationId()).isEqualTo(correlationId);
    assertThat(envelope.status()).isEqualTo(500);
    assertThat(envelope.headers().toMap()).containsEntry("content-type", "application/problem+json");
    assertThat(new String(reply.value(), StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Handler failed\",\"status\":500,\"detail\":\""
                + detail
                + "\"}");
  }

  private static MockProducer<String, byte[]> autoCompletingProducer() {
    return new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  }
}
