package io.courier.gateway.kafka;

import io.courier.gateway.results.ResultView;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading the whole results topic into the {@link ResultView} (ADR 0003): every partition, from the first record
 * of the retention window. Caught up once it has read what the topic held at set-up, so a restarted instance
 * answers for results accepted before it started. Records are applied as they come; each poll tells the view
 * how far it has read ({@link ResultView#positionAt}), which is what a lookup that missed waits for ({@link
 * ResultsTopic#caughtUp()}).
 */
final class ResultsReading extends TopicReading {
  private static final long SWEEP_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final ResultView view;
  private final Duration retention;
  private final Clock clock;
  private volatile int partitionCount;
  private long lastSweep = System.nanoTime();

  ResultsReading(String topic, ResultView view, Duration retention, Clock clock) {
    super(List.of(topic), "results", view::apply);
    this.view = view;
    this.retention = retention;
    this.clock = clock;
  }

  @Override
  protected void seekToStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<TopicPartition> all) {
    // Only the retention window is of use: start at its first record, not at the beginning of the log.
    long from = clock.millis() - retention.toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    all.forEach(partition -> times.put(partition, from));
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, WholeTopicConsumer.METADATA_TIMEOUT);
    for (TopicPartition partition : all) {
      OffsetAndTimestamp start = starts.get(partition);
      if (start == null) {
        consumer.seekToEnd(List.of(partition));
      } else {
        consumer.seek(partition, start.offset());
      }
    }
    partitionCount = all.size();
  }

  @Override
  protected void positionAt(TopicPartition partition, long position) {
    view.positionAt(partition.partition(), position);
  }

  @Override
  protected void polled() {
    long now = System.nanoTime();
    if (now - lastSweep > SWEEP_EVERY_NANOS) {
      lastSweep = now;
      view.forgetExpired();
    }
  }

  /** The results topic's partition count; 0 until set up. */
  int partitionCount() {
    return partitionCount;
  }
}
