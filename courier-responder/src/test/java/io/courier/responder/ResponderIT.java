package io.courier.responder;

import io.courier.testing.TestEnvelopes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The responder against a real in-process broker: requests written as the gateway writes them. */
@ExtendWith(EmbeddedKafkaExtension.class)
class ResponderIT {
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
  private static final int REPLY_PARTITIONS = 3;
  private static final Duration REPLY_WAIT = Duration.ofSeconds(30);

  private final EmbeddedKafka kafka;
  private final List<Responder> responders = new ArrayList<>();
  private final List<ConsumerRecord<String, byte[]>> replies = new ArrayList<>();
  private String requestTopic;
  private String replyTopic;
  private String groupId;
  private KafkaProducer<String, byte[]> requests;
  private KafkaConsumer<String, byte[]> replyReader;

  ResponderIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @BeforeEach
  void createTopicsAndClients() {
    int n = TEST_NUMBER.incrementAndGet();
    requestTopic = "responder-it-requests-" + n;
    replyTopic = "responder-it-replies-" + n;
    groupId = "responder-it-service-" + n;
    kafka.createTopic(requestTopic, 2);
    kafka.createTopic(replyTopic, REPLY_PARTITIONS);
    requests =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer());
    replyReader =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    replyReader.assign(
        IntStream.range(0, REPLY_PARTITIONS).mapToObj(p -> new TopicPartition(replyTopic, p)).toList());
  }

  @AfterEach
  void closeEverythingAndLeaveNoThreadBehind() {
    responders.forEach(Responder::close);
    requests.close();
    replyReader.close();
    responders.forEach(responder -> assertThat(responder.isRunning()).isFalse());
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(thread -> thread.getName().equals("courier-responder-" + requestTopic) && thread.isAlive());
  }

  @Test
  void aRequestWrittenBeforeTheServiceStartedIsAnsweredOnTheRequestedTopicAndPartition() {
    // Given a request already waiting on the topic
    send(envelope(Profile.COURIER, "c-1", 2), "order-42", "{\"qty\":3}");

    // When the service starts
    Responder responder =
        start(
            Responder.builder()
                .syncHandler(
                    request ->
                        Reply.status(201)
                            .header("location", "/orders/" + request.pathParam("id").orElseThrow())
                            .json(
                                "{\"method\":\"" + request.method() + "\",\"body\":" + request.bodyAsString() + "}")));

    // Then the reply lands where the request asked, with status, headers, body and the correlation id
    ConsumerRecord<String, byte[]> reply = awaitReplies(1).get(0);
    assertThat(reply.partition()).isEqualTo(2);
    assertThat(reply.key()).isEqualTo("order-42");
    assertThat(header(reply, HeaderNames.CORRELATION_ID)).isEqualTo("c-1");
    assertThat(header(reply, HeaderNames.STATUS)).isEqualTo("201");
    assertThat(header(reply, "location")).isEqualTo("/orders/42");
    assertThat(header(reply, "content-type")).isEqualTo("application/json");
    assertThat(body(reply)).isEqualTo("{\"method\":\"GET\",\"body\":{\"qty\":3}}");
    await().untilAsserted(() -> assertThat(responder.stats()).isEqualTo(new ResponderStats(1, 0, 0, 0)));
    assertThat(responder.isRunning()).isTrue();
  }

  @Test
  void aSpringProfileRequestIsAnsweredInSpringConventions() {
    // Given a request in Spring's @SendTo headers: the reply partition is a 4-byte int
    RequestEnvelope request = envelope(Profile.SPRING, "spring-1", 1);
    assertThat(request.toHeaders().lastHeader(HeaderNames.SPRING_REPLY_PARTITION).value())
        .isEqualTo(ByteBuffer.allocate(4).putInt(1).array());
    start(Responder.builder().syncHandler(r -> Reply.ok("{}")));

    // When
    send(request, null, "");

    // Then
    ConsumerRecord<String, byte[]> reply = awaitReplies(1).get(0);
    assertThat(reply.partition()).isEqualTo(1);
    assertThat(reply.key()).isNull();
    assertThat(header(reply, HeaderNames.SPRING_CORRELATION_ID)).isEqualTo("spring-1");
    assertThat(header(reply, HeaderNames.STATUS)).isEqualTo("200");
    assertThat(reply.headers().lastHeader(HeaderNames.CORRELATION_ID)).isNull();
  }

  @Test
  void aBinarySpringCorrelationIdIsEchoedByteForByte() {
    // Given Spring's default correlation id: 16 raw bytes of a UUID, not valid UTF-8
    byte[] binaryId = {(byte) 0xC3, 0x28, (byte) 0xA0, (byte) 0xA1, (byte) 0xE2, 0x28, (byte) 0xA1, (byte) 0xF0,
        (byte) 0x90, 0x28, (byte) 0xBC, (byte) 0xFF, (byte) 0xFE, 0x00, 0x01, 0x7F};
    ProducerRecord<String, byte[]> request =
        new ProducerRecord<>(requestTopic, null, (String) null, new byte[0], envelope(Profile.SPRING, "placeholder", 0).toHeaders());
    request.headers().remove(HeaderNames.SPRING_CORRELATION_ID);
    request.headers().add(HeaderNames.SPRING_CORRELATION_ID, binaryId);
    start(Responder.builder().syncHandler(r -> Reply.ok("{}")));

    // When
    sendRaw(request);

    // Then the requester finds its own bytes again
    ConsumerRecord<String, byte[]> reply = awaitReplies(1).get(0);
    assertThat(reply.headers().lastHeader(HeaderNames.SPRING_CORRELATION_ID).value()).isEqualTo(binaryId);
  }

  @Test
  void aZillaProfileRequestIsAnsweredInZillaConventions() {
    // Given a request in Zilla's headers, which name no reply partition
    start(Responder.builder().syncHandler(request -> Reply.status(404).json("{\"path\":\"" + request.path() + "\"}")));

    // When
    send(envelope(Profile.ZILLA, "zilla-1", -1), "k", "");

    // Then the status travels in :status as well
    ConsumerRecord<String, byte[]> reply = awaitReplies(1).get(0);
    assertThat(header(reply, HeaderNames.ZILLA_CORRELATION_ID)).isEqualTo("zilla-1");
    assertThat(header(reply, HeaderNames.ZILLA_STATUS)).isEqualTo("404");
    assertThat(header(reply, HeaderNames.STATUS)).isEqualTo("404");
    assertThat(body(reply)).isEqualTo("{\"path\":\"/orders/42\"}");
  }

  @Test
  void aHandlerExceptionIsAnsweredWithA500Problem() {
    Responder responder =
        start(
            Responder.builder()
                .syncHandler(
                    request -> {
                      throw new IllegalStateException("inventory unavailable");
                    }));

    send(envelope(Profile.COURIER, "c-500", 0), "k", "");

    ConsumerRecord<String, byte[]> reply = awaitReplies(1).get(0);
    assertThat(header(reply, HeaderNames.CORRELATION_ID)).isEqualTo("c-500");
    assertThat(header(reply, HeaderNames.STATUS)).isEqualTo("500");
    assertThat(header(reply, "content-type")).isEqualTo("application/problem+json");
    assertThat(body(reply))
        .contains("\"title\":\"Handler failed\"")
        .contains("\"detail\":\"java.lang.IllegalStateException: inventory unavailable\"");
    await().untilAsserted(() -> assertThat(responder.stats()).isEqualTo(new ResponderStats(1, 1, 0, 0)));
  }

  @Test
  void anExpiredRequestIsSkippedAndCounted() {
    // Given an expired request and a live one behind it, on the same partition
    AtomicInteger handled = new AtomicInteger();
    Responder responder =
        start(
            Responder.builder()
                .syncHandler(
                    request -> {
                      handled.incrementAndGet();
                      return Reply.status(200);
                    }));

    // When
    send(envelope(Profile.COURIER, "expired", 0, Instant.now().minusSeconds(1)), "same-key", "");
    send(envelope(Profile.COURIER, "live", 0), "same-key", "");

    // Then only the live one is handled and answered
    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("live");
    assertThat(handled).hasValue(1);
    await().untilAsserted(() -> assertThat(responder.stats()).isEqualTo(new ResponderStats(1, 0, 1, 0)));
  }

  @Test
  void aMalformedRecordIsSkippedAndTheNextRequestAnswered() {
    Responder responder = start(Responder.builder().syncHandler(request -> Reply.status(204)));

    // When a record with no correlation id precedes a request
    ProducerRecord<String, byte[]> junk = new ProducerRecord<>(requestTopic, "same-key", new byte[] {1, 2});
    junk.headers().add(HeaderNames.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
    sendRaw(junk);
    send(envelope(Profile.COURIER, "after-junk", 0), "same-key", "");

    // Then
    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("after-junk");
    await().untilAsserted(() -> assertThat(responder.stats()).isEqualTo(new ResponderStats(1, 0, 0, 1)));
  }

  @Test
  void aNewInstanceInTheGroupDoesNotAnswerWhatTheClosedOneAnswered() {
    // Given three requests answered by a first instance, which is then closed
    Responder first = start(Responder.builder().syncHandler(request -> Reply.status(200)));
    for (int i = 0; i < 3; i++) {
      send(envelope(Profile.COURIER, "first-" + i, 0), "key-" + i, "");
    }
    awaitReplies(3);
    first.close();
    assertThat(first.isRunning()).isFalse();

    // When a second instance of the service starts and a fourth request arrives
    Responder second = start(Responder.builder().syncHandler(request -> Reply.status(200)));
    send(envelope(Profile.COURIER, "second-0", 0), "key-3", "");

    // Then the second instance answers only the new request
    assertThat(awaitReplies(4))
        .extracting(r -> header(r, HeaderNames.CORRELATION_ID))
        .containsExactlyInAnyOrder("first-0", "first-1", "first-2", "second-0");
    await().untilAsserted(() -> assertThat(second.stats().answered()).isEqualTo(1));
  }

  @Test
  void anAsyncHandlerMayAnswerLaterAndOutOfOrder() {
    // Given a handler that answers "slow" only when the test says, on another thread, and "fast" at once
    CompletableFuture<Reply> slowReply = new CompletableFuture<>();
    Responder responder =
        start(
            Responder.builder()
                .handler(
                    request ->
                        request.correlationId().equals("slow")
                            ? slowReply.thenApplyAsync(reply -> reply)
                            : CompletableFuture.completedFuture(Reply.ok("{\"id\":\"fast\"}"))));

    // When both arrive on one partition, slow first
    send(envelope(Profile.COURIER, "slow", 0), "same-key", "");
    send(envelope(Profile.COURIER, "fast", 0), "same-key", "");

    // Then the fast one is answered while the slow one is still in the handler
    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("fast");

    // When the slow one completes, Then it is answered too
    slowReply.complete(Reply.ok("{\"id\":\"slow\"}"));
    assertThat(awaitReplies(2))
        .extracting(r -> header(r, HeaderNames.CORRELATION_ID))
        .containsExactly("fast", "slow");
    assertThat(body(replies.get(1))).isEqualTo("{\"id\":\"slow\"}");
    await().untilAsserted(() -> assertThat(responder.stats().answered()).isEqualTo(2));
  }

  @Test
  void aReplyToAMissingTopicIsCountedAsFailedAndDoesNotBlockTheNextRequest() {
    // Given a responder whose producer gives up on unknown topics quickly
    Responder responder =
        start(
            Responder.builder()
                .kafkaProperty(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000)
                .syncHandler(request -> Reply.status(200)));

    // When a request names a reply topic that does not exist, followed by a good one
    RequestEnvelope lost = envelope(Profile.COURIER, "lost", 0);
    send(
        lost.toBuilder().replyTopic("responder-it-no-such-replies").build(),
        "same-key",
        "");
    send(envelope(Profile.COURIER, "found", 0), "same-key", "");

    // Then
    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("found");
    await().untilAsserted(() -> assertThat(responder.stats()).isEqualTo(new ResponderStats(1, 1, 0, 0)));
  }

  @Test
  void aHandlerThatNeverFinishesIsAbandonedAtTheDeadlineAndItsSlotServesTheNext() {
    // Given one slot, and a handler that never finishes the request "stuck"
    Responder responder =
        start(
            Responder.builder()
                .maxInFlight(1)
                .handler(request -> request.correlationId().equals("stuck")
                    ? new java.util.concurrent.CompletableFuture<>()
                    : java.util.concurrent.CompletableFuture.completedFuture(Reply.status(200))));

    // When it takes the slot until its deadline, 1 s away, with another request behind it on the partition
    send(envelope(Profile.COURIER, "stuck", 0, Instant.now().plusSeconds(1)), "same-key", "");
    send(envelope(Profile.COURIER, "next", 0), "same-key", "");

    // Then the stuck one is given up on without a reply, and the next is answered
    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("next");
    await().untilAsserted(() -> assertThat(responder.stats().abandoned()).isEqualTo(1));
  }

  @Test
  void aRequestNamingItsOwnStateTopicAsReplyTopicIsRefused() {
    Responder responder = start(Responder.builder().syncHandler(request -> Reply.status(200)));

    send(envelope(Profile.COURIER, "evil", 0).toBuilder().replyTopic("orders.state").build(), "k", "");
    send(envelope(Profile.COURIER, "fine", 0), "k", "");

    assertThat(awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("fine");
    await().untilAsserted(() -> assertThat(responder.stats().refused()).isEqualTo(1));
  }

  @Test
  void aStreamOfManyItemsLandsInOrderOnTheRequestedPartition() {
    // Given a request of a streaming route (courier-stream), and a service that streams 500 items
    RequestEnvelope envelope = envelope(Profile.COURIER, "s-1", 1);
    org.apache.kafka.common.header.Headers headers = envelope.toHeaders();
    io.courier.protocol.StreamMarkers.markStreaming(headers, 10_000);
    sendRaw(new ProducerRecord<>(requestTopic, null, "feed", new byte[0], headers));

    start(Responder.builder().syncHandler(request -> {
      ReplyStream stream = request.stream();
      for (int i = 0; i < 500; i++) {
        stream.send("{\"n\":" + i + "}");
      }
      return stream.end(200);
    }));

    // Then 500 items and the end, all on partition 1, numbered in the order they were read
    List<ConsumerRecord<String, byte[]>> records = awaitReplies(501);
    for (int i = 0; i < records.size(); i++) {
      ConsumerRecord<String, byte[]> record = records.get(i);
      assertThat(record.partition()).isEqualTo(1);
      assertThat(header(record, HeaderNames.STREAM_SEQ)).isEqualTo(Integer.toString(i));
      assertThat(header(record, HeaderNames.CORRELATION_ID)).isEqualTo("s-1");
    }
    assertThat(body(records.get(499))).isEqualTo("{\"n\":499}");
    assertThat(header(records.get(500), HeaderNames.STREAM_END)).isEqualTo("200");
  }

  private Responder start(Responder.Builder builder) {
    Responder responder =
        builder
            .bootstrapServers(kafka.bootstrapServers())
            .requestTopic(requestTopic)
            .groupId(groupId)
            .shutdownTimeout(Duration.ofSeconds(5))
            .build();
    responders.add(responder);
    responder.start();
    await().atMost(REPLY_WAIT).until(responder::isRunning);
    return responder;
  }

  private RequestEnvelope envelope(Profile profile, String correlationId, int replyPartition) {
    return envelope(profile, correlationId, replyPartition, Instant.now().plusSeconds(60));
  }

  private RequestEnvelope envelope(Profile profile, String correlationId, int replyPartition, Instant deadline) {
    return TestEnvelopes.request()
        .profile(profile)
        .correlationId(correlationId)
        .replyTopic(replyTopic)
        .replyPartition(replyPartition)
        .deadline(deadline)
        .route("get-order")
        .build();
  }

  private void send(RequestEnvelope envelope, String key, String body) {
    sendRaw(
        new ProducerRecord<>(
            requestTopic, null, key, body.getBytes(StandardCharsets.UTF_8), envelope.toHeaders()));
  }

  private void sendRaw(ProducerRecord<String, byte[]> record) {
    try {
      requests.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write a request", e.getCause());
    }
  }

  /** Waits until {@code count} replies have arrived, then checks briefly that no more follow. */
  private List<ConsumerRecord<String, byte[]>> awaitReplies(int count) {
    await()
        .atMost(REPLY_WAIT)
        .until(
            () -> {
              replyReader.poll(Duration.ofMillis(100)).forEach(replies::add);
              return replies.size() >= count;
            });
    replyReader.poll(Duration.ofMillis(200)).forEach(replies::add);
    assertThat(replies).hasSize(count);
    return List.copyOf(replies);
  }

  private static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static String body(ConsumerRecord<String, byte[]> record) {
    return new String(record.value(), StandardCharsets.UTF_8);
  }
}
