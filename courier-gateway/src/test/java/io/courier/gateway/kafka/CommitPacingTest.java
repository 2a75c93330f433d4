package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.clients.consumer.RetriableCommitFailedException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * The reply consumer commits at most once a second (here), and only what it has read since: the pacing alone, and
 * with Kafka's {@link MockConsumer} (the commits it sends, and what a failed one leaves due). A fake clock in ms.
 */
class CommitPacingTest {
  private final AtomicLong millis = new AtomicLong(-5_000); // nanoTime may be negative
  private final CommitPacing pacing = new CommitPacing(1_000_000_000L, () -> millis.get() * 1_000_000L);

  private void after(long ms) {
    millis.addAndGet(ms);
  }

  @Test
  void theFirstPollThatReadsCommitsAtOnce() {
    assertThat(pacing.commitNow(false)).isFalse();
    assertThat(pacing.commitNow(true)).isTrue();
  }

  @Test
  void pollsThatReadWithinTheIntervalAreCommittedTogetherOnceItHasPassed() {
    assertThat(pacing.commitNow(true)).isTrue();
    for (int i = 0; i < 99; i++) {
      after(10);
      assertThat(pacing.commitNow(true)).as("poll %d", i).isFalse();
    }
    after(10); // 1 000 ms since the commit
    assertThat(pacing.commitNow(true)).isTrue();
  }

  @Test
  void whatWasReadIsCommittedByALaterEmptyPollOnceTheIntervalHasPassed() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(100);
    assertThat(pacing.commitNow(true)).isFalse();
    after(899);
    assertThat(pacing.commitNow(false)).isFalse();
    after(5_000); // an idle fetch held by the broker
    assertThat(pacing.commitNow(false)).isTrue();
    after(5_000);
    assertThat(pacing.commitNow(false)).as("nothing read since").isFalse();
  }

  @Test
  void aSynchronousCommitStartsTheIntervalAndCoversWhatWasRead() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(500);
    assertThat(pacing.commitNow(true)).isFalse();
    pacing.committed(); // a revoke committed everything read
    after(2_000);
    assertThat(pacing.commitNow(false)).isFalse();
    assertThat(pacing.commitNow(true)).isTrue();
    after(999);
    assertThat(pacing.commitNow(true)).isFalse();
  }

  @Test
  void aSynchronousCommitRestartsTheInterval() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(900);
    pacing.committed();
    after(500); // 1 400 ms after the asynchronous commit, 500 ms after the synchronous one
    assertThat(pacing.commitNow(true)).isFalse();
    after(500);
    assertThat(pacing.commitNow(false)).isTrue();
  }

  @Test
  void aFailedAsynchronousCommitIsDueAgainEvenIfNothingMoreIsRead() {
    assertThat(pacing.commitNow(true)).isTrue();
    pacing.failed(); // its callback, inside a later poll
    after(500);
    assertThat(pacing.commitNow(false)).as("within the interval").isFalse();
    after(500);
    assertThat(pacing.commitNow(false)).as("nothing read since, but the positions were never committed").isTrue();
    after(1_000);
    assertThat(pacing.commitNow(false)).as("that one succeeded").isFalse();
  }

  /** Kafka's {@link MockConsumer} on one partition; commits counted, and failed while {@link #refuse} is set. */
  private static final class CountingConsumer extends MockConsumer<byte[], byte[]> {
    final AtomicInteger asyncCommits = new AtomicInteger();
    volatile boolean refuse;
    private long nextOffset;

    CountingConsumer() {
      super("earliest");
      assign(List.of(PARTITION));
      updateBeginningOffsets(Map.of(PARTITION, 0L));
    }

    /** Polls once, with one new record when {@code withRecord}; whether it returned any. */
    boolean pollOnce(boolean withRecord) {
      if (withRecord) {
        addRecord(new ConsumerRecord<>(PARTITION.topic(), 0, nextOffset++, null, new byte[] {1}));
      }
      return !poll(Duration.ZERO).isEmpty();
    }

    Long committedOffset() {
      OffsetAndMetadata committed = committed(Set.of(PARTITION)).get(PARTITION);
      return committed == null ? null : committed.offset();
    }

    @Override
    public synchronized void commitAsync(OffsetCommitCallback callback) {
      asyncCommits.incrementAndGet();
      if (refuse) {
        callback.onComplete(Map.of(), new RetriableCommitFailedException("the coordinator is moving"));
      } else {
        super.commitAsync(callback);
      }
    }

    @Override
    public synchronized void commitSync(Duration timeout) {
      if (refuse) {
        throw new TimeoutException("no answer to the commit");
      }
      super.commitSync(timeout);
    }
  }

  private static final TopicPartition PARTITION = new TopicPartition("courier.responses", 0);

  @Test
  void withAConsumerPollsThatReadWithinTheIntervalCostOneCommit() {
    CountingConsumer consumer = new CountingConsumer();

    for (int i = 0; i <= 100; i++) { // a poll that reads every 10 ms, from 0 to 1 000 ms
      pacing.afterPoll(consumer, consumer.pollOnce(true));
      after(10);
    }

    assertThat(consumer.asyncCommits).as("the first poll's commit, then the one due at 1 000 ms").hasValue(2);
    assertThat(consumer.committedOffset()).isEqualTo(101);
  }

  @Test
  void withAConsumerACommitKafkaRefusesIsSentAgainWhenNothingMoreIsRead() {
    CountingConsumer consumer = new CountingConsumer();
    consumer.refuse = true;
    pacing.afterPoll(consumer, consumer.pollOnce(true));
    assertThat(consumer.asyncCommits).hasValue(1);
    consumer.refuse = false;

    after(1_000);
    pacing.afterPoll(consumer, consumer.pollOnce(false));

    assertThat(consumer.asyncCommits).hasValue(2);
    assertThat(consumer.committedOffset()).isEqualTo(1);
    after(1_000);
    pacing.afterPoll(consumer, consumer.pollOnce(false));
    assertThat(consumer.asyncCommits).as("nothing due any more").hasValue(2);
  }

  @Test
  void withAConsumerOnlyASynchronousCommitThatSucceededRestartsTheInterval() {
    CountingConsumer consumer = new CountingConsumer();
    pacing.afterPoll(consumer, consumer.pollOnce(true));
    after(900);
    pacing.afterPoll(consumer, consumer.pollOnce(true));
    consumer.refuse = true;
    assertThatThrownBy(() -> pacing.commitSync(consumer, Duration.ofSeconds(5))).isInstanceOf(TimeoutException.class);
    consumer.refuse = false;

    after(100); // 1 s after the asynchronous commit: the failed synchronous one did not restart the interval
    pacing.afterPoll(consumer, consumer.pollOnce(false));
    assertThat(consumer.asyncCommits).hasValue(2);
    assertThat(consumer.committedOffset()).isEqualTo(2);

    after(500);
    pacing.afterPoll(consumer, consumer.pollOnce(true)); // 500 ms after the asynchronous commit: not due
    pacing.commitSync(consumer, Duration.ofSeconds(5));
    after(999); // 1 499 ms after the asynchronous commit, 999 ms after the synchronous one
    pacing.afterPoll(consumer, consumer.pollOnce(true));
    assertThat(consumer.asyncCommits).as("within 1 s of the synchronous commit").hasValue(2);
    assertThat(consumer.committedOffset()).isEqualTo(3);
    after(1);
    pacing.afterPoll(consumer, consumer.pollOnce(false));
    assertThat(consumer.asyncCommits).as("1 s after the synchronous commit").hasValue(3);
    assertThat(consumer.committedOffset()).isEqualTo(4);
  }

  @Test
  void aZeroIntervalCommitsAfterEveryPollThatRead() {
    CommitPacing every = new CommitPacing(0, () -> millis.get() * 1_000_000L);

    assertThat(every.commitNow(true)).isTrue();
    assertThat(every.commitNow(true)).isTrue();
    assertThat(every.commitNow(false)).isFalse();
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThatThrownBy(() -> new CommitPacing(-1, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
