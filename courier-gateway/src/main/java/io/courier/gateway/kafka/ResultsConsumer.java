package io.courier.gateway.kafka;

import io.courier.gateway.results.ResultView;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;

/**
 * Reads the whole results topic into the {@link ResultView} on thread {@code courier-results-consumer}: every
 * partition, without a group, from the first record of the retention window. Ready once it has read what
 * the topic held at start-up, so a restarted instance answers for results accepted before it started.
 * Also serves {@link #caughtUp()}: a lookup that missed waits until the view holds everything written
 * before it.
 */
final class ResultsConsumer extends WholeTopicConsumer {
  private static final long SWEEP_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

  private final ResultView view;
  private final Duration retention;
  private final Clock clock;
  private final Queue<CompletableFuture<Void>> catchUps = new ConcurrentLinkedQueue<>();
  private volatile int partitionCount;
  private long lastSweep = System.nanoTime();

  ResultsConsumer(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
      String topic,
      ResultView view,
      Duration retention,
      Clock clock) {
    super("courier-results-consumer", consumer, view::apply, List.of(topic), "results");
    this.view = view;
    this.retention = retention;
    this.clock = clock;
  }

  @Override
  protected void seekToStart(List<TopicPartition> all) {
    // Only the retention window is of use: start at its first record, not at the beginning of the log.
    long from = clock.millis() - retention.toMillis();
    Map<TopicPartition, Long> times = new HashMap<>();
    all.forEach(partition -> times.put(partition, from));
    Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times, METADATA_TIMEOUT);
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
  protected boolean workWaiting() {
    return !catchUps.isEmpty();
  }

  @Override
  protected void serveWaitingWork() {
    serveCatchUps();
  }

  @Override
  protected void polled() {
    serveCatchUps();
    long now = System.nanoTime();
    if (now - lastSweep > SWEEP_EVERY_NANOS) {
      lastSweep = now;
      view.forgetExpired();
    }
  }

  private void serveCatchUps() {
    if (catchUps.isEmpty()) {
      return;
    }
    List<CompletableFuture<Void>> waiting = new ArrayList<>();
    for (CompletableFuture<Void> next = catchUps.poll(); next != null; next = catchUps.poll()) {
      waiting.add(next);
    }
    try {
      // One look at the end offsets serves every lookup that asked since the last poll.
      Map<TopicPartition, Long> ends = endOffsets();
      List<CompletableFuture<Void>> reached = new ArrayList<>();
      ends.forEach((partition, end) -> {
        if (end > 0) {
          reached.add(view.applied(partition.partition(), end - 1));
        }
      });
      CompletableFuture<Void> all = CompletableFuture.allOf(reached.toArray(CompletableFuture[]::new));
      waiting.forEach(future -> all.whenComplete((done, error) -> future.complete(null)));
    } catch (KafkaException e) {
      waiting.forEach(future -> future.completeExceptionally(e));
    }
  }

  /**
   * The end offsets. A lookup's wake-up meant for the poll may land here instead (it is sticky): that one is
   * consumed by the throw, and a second try goes through unless the loop is closing.
   */
  private Map<TopicPartition, Long> endOffsets() {
    try {
      return consumer.endOffsets(assigned(), METADATA_TIMEOUT);
    } catch (WakeupException e) {
      if (closing()) {
        throw e;
      }
      return consumer.endOffsets(assigned(), METADATA_TIMEOUT);
    }
  }

  /** Completes once the view holds every record the topic had when this was called. */
  CompletableFuture<Void> caughtUp() {
    CompletableFuture<Void> caughtUp = new CompletableFuture<>();
    catchUps.removeIf(CompletableFuture::isDone); // lookups that timed out while the loop could not serve them
    catchUps.add(caughtUp);
    wakeUp(); // served after the poll in progress ends, not after its timeout
    return caughtUp;
  }

  /** The results topic's partition count; 0 until set up. */
  int partitionCount() {
    return partitionCount;
  }
}
