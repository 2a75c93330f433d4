package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * One part of the gateway's reading of whole topics (the forward topic, ADR 0002; the results topic, ADR 0003;
 * the state topics, ADR 0004): which topics, where reading starts, what each record is for. The {@link
 * WholeTopicConsumer} reads every reading's topics on its one consumer. A reading is caught up once it has read
 * what its topics held when the consumer was last set up, so a restarted instance answers from records written
 * before it started.
 *
 * <p>Thread-safe: the hooks run on the consumer thread; {@link #notReadyReason()} and {@link #caughtUp()} may be
 * read from any thread.
 */
abstract class TopicReading {
  private final List<String> topics;
  private final String what;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final CompletableFuture<Void> caughtUp = new CompletableFuture<>();
  /** Loop thread only. */
  private List<TopicPartition> partitions = List.of();
  /** Loop thread only: the end offsets when reading started, what being caught up means. */
  private Map<TopicPartition, Long> startEnds = Map.of();
  private volatile String notReadyReason;

  /**
   * @param what what the topics hold, for the not-ready reasons ("forward", "results", "state")
   * @param handler takes each record, on the consumer thread; must not block
   */
  TopicReading(List<String> topics, String what, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    this.topics = List.copyOf(topics);
    this.what = what;
    this.handler = handler;
    this.notReadyReason = "waiting to read the " + topicsNamed();
  }

  /** Positions the freshly assigned partitions where reading starts. Loop thread. */
  protected abstract void seekToStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions);

  /** After each poll, with the position reached in one partition. Loop thread. */
  protected void positionAt(TopicPartition partition, long position) {}

  /** After each poll, once positions are seen. Loop thread. */
  protected void polled() {}

  final List<String> topics() {
    return topics;
  }

  final String what() {
    return what;
  }

  final void accept(ConsumerRecord<byte[], byte[]> record) {
    handler.accept(record);
  }

  /** Reading (re)starts at the positions just sought, to be caught up at {@code ends}. Loop thread. */
  final void started(List<TopicPartition> assigned, Map<TopicPartition, Long> ends) {
    partitions = List.copyOf(assigned);
    startEnds = ends;
    notReadyReason = "reading the " + topicsNamed();
  }

  /**
   * After each poll: tells the positions reached and whether reading has caught up. Does not wait: a partition
   * whose position Kafka cannot tell at once (its leader moved, and the check of the position waits behind the
   * fetch the new leader holds, up to {@code fetch.max.wait.ms}) keeps its last one until the next call. Loop
   * thread.
   */
  final void afterPoll(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer) {
    boolean caughtUpWithStart = true;
    for (TopicPartition partition : partitions) {
      long position;
      try {
        position = consumer.position(partition, Duration.ZERO);
      } catch (TimeoutException e) {
        caughtUpWithStart = false;
        continue;
      }
      positionAt(partition, position);
      caughtUpWithStart &= position >= startEnds.getOrDefault(partition, 0L);
    }
    if (caughtUpWithStart && notReadyReason != null && !partitions.isEmpty()) {
      notReadyReason = null;
      caughtUp.complete(null);
    }
    polled();
  }

  /** {@code null} once caught up since the last set-up; otherwise what this reading waits for. */
  final String notReadyReason() {
    return notReadyReason;
  }

  /** Completes the first time this reading is caught up. */
  final CompletableFuture<Void> caughtUp() {
    return caughtUp;
  }

  private String topicsNamed() {
    return what + " topic" + (topics.size() > 1 ? "s " : " ") + String.join(", ", topics);
  }
}
