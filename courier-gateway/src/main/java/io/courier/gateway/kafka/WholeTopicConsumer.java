package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads every partition of some topics into an in-memory view, without a group (ADR 0003, ADR 0004): each
 * instance reads all of it. Ready once it has read what the topics held at set-up, so a restarted instance
 * answers from records written before it started. Subclasses say where reading starts.
 *
 * <p>Thread-safe like {@link ConsumerLoop}: the consumer is confined to the loop's thread.
 */
abstract class WholeTopicConsumer extends ConsumerLoop {
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

  private final List<String> topics;
  private final String what;
  private List<TopicPartition> assigned = List.of();
  private Map<TopicPartition, Long> startEnds = Map.of();

  /** @param what what the topics hold, for the not-ready reason ("results", "state") */
  WholeTopicConsumer(
      String threadName,
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      List<String> topics,
      String what) {
    super(threadName, consumer, handler, RecordBatchListener.NONE);
    this.topics = List.copyOf(topics);
    this.what = what;
  }

  /** Positions the freshly assigned partitions where reading starts. Loop thread. */
  protected abstract void seekToStart(List<TopicPartition> partitions);

  /** After each poll, with the position reached in one partition. Loop thread. */
  protected void positionAt(TopicPartition partition, long position) {}

  /** After each poll, once positions are seen. Loop thread. */
  protected void polled() {}

  @Override
  protected final String setUp() {
    List<TopicPartition> all = new ArrayList<>();
    for (String topic : topics) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
      if (infos == null || infos.isEmpty()) {
        return what + " topic " + topic + " does not exist";
      }
      infos.forEach(info -> all.add(new TopicPartition(topic, info.partition())));
    }
    consumer.assign(all);
    seekToStart(all);
    startEnds = consumer.endOffsets(all, METADATA_TIMEOUT);
    assigned = List.copyOf(all);
    notReady("reading the " + what + " topic" + (topics.size() > 1 ? "s " : " ") + String.join(", ", topics));
    afterPoll(ConsumerRecords.empty());
    return null;
  }

  @Override
  protected final void afterPoll(ConsumerRecords<byte[], byte[]> records) {
    boolean caughtUpWithStart = true;
    for (TopicPartition partition : assigned) {
      long position = consumer.position(partition, METADATA_TIMEOUT);
      positionAt(partition, position);
      caughtUpWithStart &= position >= startEnds.getOrDefault(partition, 0L);
    }
    if (caughtUpWithStart && notReadyReason() != null) {
      ready();
    }
    polled();
  }

  @Override
  protected final void recovered() {
    // Ready again only once caught up: afterPoll decides.
  }

  /** Every partition read, once set up. Loop thread. */
  protected final List<TopicPartition> assigned() {
    return assigned;
  }
}
