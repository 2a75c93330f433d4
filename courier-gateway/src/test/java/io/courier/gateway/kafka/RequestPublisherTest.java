package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.ProduceFailures;
import io.courier.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Records go to the producer on the publishing thread while it takes them; one it refuses goes to its topic's
 * lane, which tries again as long as a blocking send would have waited. One topic's trouble stays on its own
 * lane; forwards have their own; nothing is sent after its deadline, nor past a record of its topic still held.
 */
class RequestPublisherTest {
  private final FakeClock clock = new FakeClock();
  /** Topics the producer has no metadata for: it refuses their records at once, as Kafka's does with max.block.ms=0. */
  private final Set<String> withoutMetadata = ConcurrentHashMap.newKeySet();
  /** Values the producer refuses at once for want of buffer space, as Kafka's does with max.block.ms=0. */
  private final Set<Byte> noRoomFor = ConcurrentHashMap.newKeySet();
  /** Topics whose metadata came back with an authorization error. */
  private final Set<String> unauthorized = ConcurrentHashMap.newKeySet();
  /** Values the producer refuses at once as too large, whatever the topic. */
  private final Set<Byte> tooLarge = ConcurrentHashMap.newKeySet();
  /** The threads each accepted record was sent on, in order. */
  private final List<String> sentOn = new CopyOnWriteArrayList<>();
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
        @Override
        public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
          // KafkaProducer reports an error it meets before the record is queued to the callback, inside send
          if (withoutMetadata.contains(record.topic())) {
            return refuse(callback, new TimeoutException("Topic " + record.topic() + " not present in metadata after 0 ms."));
          }
          if (unauthorized.contains(record.topic())) {
            return refuse(callback, new TimeoutException("Topic " + record.topic() + " not present in metadata after 0 ms.",
                new TopicAuthorizationException(Set.of(record.topic()))));
          }
          if (noRoomFor.contains(record.value()[0])) {
            return refuse(callback, new BufferExhaustedException("Failed to allocate 1 bytes within 0 ms."));
          }
          if (tooLarge.contains(record.value()[0])) {
            return refuse(callback, new RecordTooLargeException("too large"));
          }
          sentOn.add(Thread.currentThread().getName());
          return super.send(record, callback);
        }
      };
  private final RequestPublisher publisher = new RequestPublisher(producer, List.of("stuck", "fine"), 2, Duration.ofSeconds(60), clock);

  @AfterEach
  void close() {
    withoutMetadata.clear();
    publisher.close();
  }

  /** What KafkaProducer does with an error it meets before the record is queued: tells the callback, inside send. */
  private static Future<RecordMetadata> refuse(Callback callback, Exception refused) {
    callback.onCompletion(null, refused);
    return CompletableFuture.failedFuture(refused);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic) {
    return record(topic, 1);
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, int value) {
    return new ProducerRecord<>(topic, new byte[] {(byte) value});
  }

  private Instant later() {
    return clock.instant().plusSeconds(60);
  }

  @Test
  void aRecordTheProducerTakesIsSentOnThePublishingThread() {
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();

    assertThat(publisher.publish(record("fine"), later(), (metadata, error) -> sent.complete(metadata))).isTrue();

    // sent before publish returned, by this thread: no lane, no wake-up
    assertThat(sentOn).containsExactly(Thread.currentThread().getName());
    assertThat(sent).isCompleted();
  }

  @Test
  void aRecordTheProducerRefusesForWantOfMetadataIsSentByItsLaneOnceItCan() {
    withoutMetadata.add("stuck");
    CompletableFuture<RecordMetadata> sent = new CompletableFuture<>();
    assertThat(publisher.publish(record("stuck"), later(), (metadata, error) -> sent.complete(metadata))).isTrue();
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> !sent.isDone());

    // when the metadata comes
    withoutMetadata.remove("stuck");

    // then the lane's next try sends it
    assertThat(sent).succeedsWithin(Duration.ofSeconds(5));
    assertThat(sentOn).containsExactly("courier-publisher-stuck");
  }

  @Test
  void aTopicWhoseSendsAreRefusedHoldsUpOnlyItsOwnLane() {
    // given the lane of "stuck" trying one record again and again, and its queue (2) full
    withoutMetadata.add("stuck");
    for (int i = 0; i < 3; i++) {
      assertThat(publisher.publish(record("stuck"), later(), (metadata, error) -> {})).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.queued("stuck") == 2);

    // then the next record of that topic is refused at once, and another topic's goes through, even one the
    // producer refuses at first: it waits on its own lane, not behind "stuck"
    assertThat(publisher.publish(record("stuck"), later(), (metadata, error) -> {})).isFalse();
    noRoomFor.add((byte) 3);
    CompletableFuture<RecordMetadata> fine = new CompletableFuture<>();
    assertThat(publisher.publish(record("fine", 3), later(), (metadata, error) -> fine.complete(metadata))).isTrue();
    noRoomFor.clear();
    assertThat(fine).succeedsWithin(Duration.ofSeconds(5));
    assertThat(sentOn).containsExactly("courier-publisher-fine");
    // and so do forwards, on their own lane
    CompletableFuture<RecordMetadata> forward = new CompletableFuture<>();
    assertThat(publisher.forward(record("replies.forwards"), (metadata, error) -> forward.complete(metadata))).isTrue();
    assertThat(forward).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void whileItsLaneHoldsARecordTheNextOfTheTopicGoesBehindItNotPast() {
    // given record 1 refused for buffer space (a large record may not fit where a small one does)
    noRoomFor.add((byte) 1);
    publisher.publish(record("fine", 1), later(), (metadata, error) -> {});
    // when record 2, which the producer would take, is published while the lane still holds record 1
    publisher.publish(record("fine", 2), later(), (metadata, error) -> {});
    await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> producer.history().isEmpty());
    noRoomFor.clear();

    // then both are sent by the lane, 1 first
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
    assertThat(producer.history()).extracting(sent -> (int) sent.value()[0]).containsExactly(1, 2);
    assertThat(sentOn).containsOnly("courier-publisher-fine");
  }

  @Test
  void aSendRefusedLongerThanTheWaitIsReportedWithKafkasErrorOnTheLane() {
    RequestPublisher waitsBriefly = new RequestPublisher(producer, List.of("stuck"), 2, Duration.ofMillis(100), clock);
    try {
      withoutMetadata.add("stuck");
      CompletableFuture<Exception> outcome = new CompletableFuture<>();
      CompletableFuture<String> reportedOn = new CompletableFuture<>();
      waitsBriefly.publish(record("stuck"), later(), (metadata, error) -> {
        reportedOn.complete(Thread.currentThread().getName());
        outcome.complete(error);
      });

      assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(TimeoutException.class)
          .extracting(Exception::getMessage).asString().contains("not present in metadata");
      assertThat(reportedOn).isCompletedWithValue("courier-publisher-stuck");
      assertThat(producer.history()).isEmpty();
    } finally {
      waitsBriefly.close();
    }
  }

  @Test
  void aRefusalThatWaitingCannotMendIsReportedAtOnceAndNeverOnThePublishingThread() {
    tooLarge.add((byte) 7);
    CompletableFuture<Exception> outcome = new CompletableFuture<>();
    CompletableFuture<String> reportedOn = new CompletableFuture<>();

    assertThat(publisher.publish(record("fine", 7), later(), (metadata, error) -> {
      reportedOn.complete(Thread.currentThread().getName());
      outcome.complete(error);
    })).isTrue();

    // reported by the lane after its one try, well before the 60 s wait
    assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(RecordTooLargeException.class);
    assertThat(reportedOn).isCompletedWithValue("courier-publisher-fine");
  }

  @Test
  void aRequestWhoseDeadlinePassedWhileQueuedIsNeverSent() {
    // given the lane of "stuck" trying a record, and a request behind it
    withoutMetadata.add("stuck");
    publisher.publish(record("stuck", 1), later(), (metadata, error) -> {});
    CompletableFuture<Exception> outcome = new CompletableFuture<>();
    publisher.publish(record("stuck", 2), clock.instant().plusSeconds(5), (metadata, error) -> outcome.complete(error));

    // when its deadline passes before the lane gets to it
    clock.advance(Duration.ofSeconds(5));
    withoutMetadata.remove("stuck");

    // then it is reported and not sent: only the first record reached the producer
    assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(RequestPublisher.DeadlinePassedException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
    assertThat(producer.history()).extracting(sent -> (int) sent.value()[0]).containsExactly(1);
  }

  @Test
  void aRequestWhoseDeadlinePassesWhileItsLaneTriesIsNeverSent() {
    withoutMetadata.add("stuck");
    CompletableFuture<Exception> outcome = new CompletableFuture<>();
    publisher.publish(record("stuck"), clock.instant().plusSeconds(5), (metadata, error) -> outcome.complete(error));

    clock.advance(Duration.ofSeconds(5));

    assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(RequestPublisher.DeadlinePassedException.class);
    withoutMetadata.remove("stuck");
    assertThat(producer.history()).isEmpty();
  }

  @Test
  void aTimeOutWhoseCauseIsFinalIsReportedAtOnce() {
    // Kafka's send with max.block.ms=0, once the topic's metadata came back with an authorization error: a
    // time-out whose cause is that error, which a blocking send would have thrown after one round trip
    unauthorized.add("fine");
    CompletableFuture<Exception> outcome = new CompletableFuture<>();

    publisher.publish(record("fine"), later(), (metadata, error) -> outcome.complete(error));

    assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(TimeoutException.class)
        .extracting(error -> ProduceFailures.decisive(error)).isInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aFinalRefusalIsReportedEvenWithNoWaitAtAll() {
    RequestPublisher waitsNot = new RequestPublisher(producer, List.of("fine"), 2, Duration.ZERO, clock);
    try {
      unauthorized.add("fine");
      CompletableFuture<Exception> outcome = new CompletableFuture<>();

      waitsNot.publish(record("fine"), later(), (metadata, error) -> outcome.complete(error));

      // Kafka's own time-out, whose cause decides how the caller is answered (500 kafka-refused)
      assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(TimeoutException.class)
          .extracting(error -> ProduceFailures.classify(error)).isEqualTo(GatewayError.KAFKA_REFUSED);
    } finally {
      waitsNot.close();
    }
  }

  @Test
  void aRecordNotQueuedIsNeverAnsweredLater() {
    // send throws on the publishing thread after the record may have joined a batch, and meanwhile other records
    // filled the lane's queue: publish says "not sent", so the batch Kafka fails later must not answer again
    List<Callback> appended = new CopyOnWriteArrayList<>();
    AtomicReference<RequestPublisher> publishing = new AtomicReference<>();
    MockProducer<byte[], byte[]> throwing =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            if (record.value()[0] == 9) {
              appended.add(callback);
              // the other records, as other threads would publish them while this send runs
              publishing.get().publish(record("stuck", 1), later(), (metadata, error) -> {});
              await().atMost(Duration.ofSeconds(5)).until(() -> publishing.get().queued("stuck") == 0); // in the lane's hands
              publishing.get().publish(record("stuck", 2), later(), (metadata, error) -> {}); // the queue of 1 is full
              throw new KafkaException("the producer is in a fatal state");
            }
            return refuse(callback, new TimeoutException("Topic " + record.topic() + " not present in metadata after 0 ms."));
          }
        };
    // 2 s: long enough to hold record 1 while the queue fills, short enough not to hold up close
    publishing.set(new RequestPublisher(throwing, List.of("stuck"), 1, Duration.ofSeconds(2), clock));
    try {
      List<Exception> outcomes = new CopyOnWriteArrayList<>();

      assertThat(publishing.get().publish(record("stuck", 9), later(), (metadata, error) -> outcomes.add(error))).isFalse();
      appended.forEach(callback -> callback.onCompletion(null, new KafkaException("batch aborted")));

      assertThat(appended).hasSize(1);
      assertThat(outcomes).isEmpty();
    } finally {
      publishing.get().close();
    }
  }

  @Test
  void aFailureReportedOnThePublishingThreadAfterSendReturnedReachesTheCallback() {
    // the producer's I/O thread publishes too (a cancel marker from a send callback); later it completes that record
    MockProducer<byte[], byte[]> manual = new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    RequestPublisher publishing = new RequestPublisher(manual, List.of("fine"), 2, Duration.ofSeconds(60), clock);
    try {
      CompletableFuture<Exception> outcome = new CompletableFuture<>();
      assertThat(publishing.publish(record("fine"), later(), (metadata, error) -> outcome.complete(error))).isTrue();

      manual.errorNext(new RecordTooLargeException("too large after all"));

      assertThat(outcome).isCompletedWithValueMatching(error -> error instanceof RecordTooLargeException);
    } finally {
      publishing.close();
    }
  }

  @Test
  void whatSendThrowsIsReportedOnceByTheLaneAndNeverSentAgain() {
    // KafkaProducer may throw after the record joined a batch (a fatal state of its transaction manager), and
    // then fail that batch itself: the callback still runs once
    List<Callback> appended = new CopyOnWriteArrayList<>();
    MockProducer<byte[], byte[]> failing =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer()) {
          @Override
          public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
            appended.add(callback);
            throw new KafkaException("the producer is in a fatal state");
          }
        };
    RequestPublisher publishing = new RequestPublisher(failing, List.of("fine"), 2, Duration.ofSeconds(60), clock);
    try {
      List<Exception> outcomes = new CopyOnWriteArrayList<>();
      CompletableFuture<String> reportedOn = new CompletableFuture<>();
      assertThat(publishing.publish(record("fine"), later(), (metadata, error) -> {
        outcomes.add(error);
        reportedOn.complete(Thread.currentThread().getName());
      })).isTrue();

      assertThat(reportedOn).succeedsWithin(Duration.ofSeconds(5)).isEqualTo("courier-publisher-fine");
      appended.forEach(callback -> callback.onCompletion(null, new KafkaException("batch aborted")));
      assertThat(appended).hasSize(1);
      assertThat(outcomes).singleElement().extracting(Exception::getMessage).isEqualTo("the producer is in a fatal state");
    } finally {
      publishing.close();
    }
  }

  @Test
  void kafkasOwnProducerRefusesARecordWithoutMetadataInsideSend() {
    // The assumption the publisher rests on, checked against the real client: with max.block.ms=0 (as
    // KafkaClients sets it) a record whose topic has no metadata is refused to the callback, on the sending
    // thread, before send returns; nothing listens on port 1, so the metadata never comes
    Map<String, Object> settings = new HashMap<>();
    settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    KafkaProducer<byte[], byte[]> kafka = new KafkaProducer<>(settings);
    RequestPublisher real = new RequestPublisher(kafka, List.of("fine"), 2, Duration.ofMillis(300), clock);
    try {
      AtomicReference<Exception> refusedInside = new AtomicReference<>();
      AtomicBoolean returned = new AtomicBoolean();
      Thread sender = Thread.currentThread();
      kafka.send(record("other"), (metadata, error) -> {
        if (!returned.get() && Thread.currentThread() == sender) {
          refusedInside.set(error);
        }
      });
      returned.set(true);
      assertThat(refusedInside.get()).isInstanceOf(TimeoutException.class);

      // so the publisher hands such a record to its lane, which reports Kafka's refusal once its wait is over
      CompletableFuture<Exception> outcome = new CompletableFuture<>();
      CompletableFuture<String> reportedOn = new CompletableFuture<>();
      assertThat(real.publish(record("fine"), later(), (metadata, error) -> {
        reportedOn.complete(Thread.currentThread().getName());
        outcome.complete(error);
      })).isTrue();
      assertThat(outcome).succeedsWithin(Duration.ofSeconds(10)).isInstanceOf(TimeoutException.class)
          .extracting(Exception::getMessage).asString().contains("not present in metadata");
      assertThat(reportedOn).isCompletedWithValue("courier-publisher-fine");
    } finally {
      real.close();
    }
  }

  @Test
  void aWaitOfForeverIsAccepted() {
    // Kafka took Long.MAX_VALUE as max.block.ms; it must not overflow in nanoseconds
    new RequestPublisher(producer, List.of("fine"), 2, Duration.ofMillis(Long.MAX_VALUE), clock).close();
  }

  @Test
  void aRecordForATopicWithoutALaneIsRefused() {
    assertThat(publisher.publish(record("unconfigured"), later(), (metadata, error) -> {})).isFalse();
  }

  @Test
  void nothingIsTakenOnceClosed() {
    publisher.close();

    assertThat(publisher.publish(record("fine"), later(), (metadata, error) -> {})).isFalse();
    assertThat(publisher.forward(record("replies.forwards"), (metadata, error) -> {})).isFalse();
    assertThat(producer.history()).isEmpty();
  }
}
