package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One topic's trouble stays on its own lane; forwards have their own; nothing is sent after its deadline. */
class RequestPublisherTest {
  private final FakeClock clock = new FakeClock();
  private final CountDownLatch unblock = new CountDownLatch(1);
  /** A producer whose send blocks for topic "stuck" (outside the mock's lock), as send does while it waits for a missing topic's metadata. */
  private final MockProducer<byte[], byte[]> producer =
      new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()) {
        @Override
        public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
          if (record.topic().equals("stuck")) {
            try {
              unblock.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return super.send(record, callback);
        }
      };
  private final RequestPublisher publisher = new RequestPublisher(producer, List.of("stuck", "fine"), 2, clock);

  @AfterEach
  void close() {
    unblock.countDown();
    publisher.close();
  }

  private static ProducerRecord<byte[], byte[]> record(String topic) {
    return new ProducerRecord<>(topic, new byte[] {1});
  }

  private Instant later() {
    return clock.instant().plusSeconds(60);
  }

  @Test
  void aTopicWhoseSendsBlockHoldsUpOnlyItsOwnLane() {
    // given the lane of "stuck" blocked in send, and its queue (2) full
    for (int i = 0; i < 3; i++) {
      assertThat(publisher.publish(record("stuck"), later(), (metadata, error) -> {})).isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.queued("stuck") == 2);

    // then the next record of that topic is refused at once, and another topic's goes through
    assertThat(publisher.publish(record("stuck"), later(), (metadata, error) -> {})).isFalse();
    CompletableFuture<RecordMetadata> fine = new CompletableFuture<>();
    assertThat(publisher.publish(record("fine"), later(), (metadata, error) -> fine.complete(metadata))).isTrue();
    assertThat(fine).succeedsWithin(Duration.ofSeconds(5));
    // and so do forwards, on their own lane
    CompletableFuture<RecordMetadata> forward = new CompletableFuture<>();
    assertThat(publisher.forward(record("replies.forwards"), (metadata, error) -> forward.complete(metadata))).isTrue();
    assertThat(forward).succeedsWithin(Duration.ofSeconds(5));
  }

  @Test
  void aRequestWhoseDeadlinePassedWhileQueuedIsNeverSent() {
    // given the lane of "stuck" blocked with a request behind it
    publisher.publish(record("stuck"), later(), (metadata, error) -> {});
    CompletableFuture<Exception> outcome = new CompletableFuture<>();
    publisher.publish(record("stuck"), clock.instant().plusSeconds(5), (metadata, error) -> outcome.complete(error));

    // when its deadline passes before the lane gets to it
    clock.advance(Duration.ofSeconds(5));
    unblock.countDown();

    // then it is reported and not sent: only the first record reached the producer
    assertThat(outcome).succeedsWithin(Duration.ofSeconds(5)).isInstanceOf(RequestPublisher.DeadlinePassedException.class);
    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
    assertThat(producer.history()).hasSize(1);
  }

  @Test
  void aRecordForATopicWithoutALaneIsRefused() {
    assertThat(publisher.publish(record("unconfigured"), later(), (metadata, error) -> {})).isFalse();
  }
}
