package io.courier.responder.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetCommitCallback;
import org.apache.kafka.common.TopicPartition;

/**
 * A MockConsumer that remembers every offset committed, whether or not the partition is still assigned and
 * the consumer still open (MockConsumer reports 0 for unassigned partitions and fails once closed).
 */
final class RecordingConsumer extends MockConsumer<String, byte[]> {
  private final Map<TopicPartition, Long> commits = new ConcurrentHashMap<>();

  RecordingConsumer() {
    super("earliest");
  }

  /** The last offset committed for this partition, or {@code null}. */
  Long lastCommit(TopicPartition partition) {
    return commits.get(partition);
  }

  @Override
  public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
    super.commitSync(offsets);
    offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
  }

  @Override
  public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
    commitSync(offsets);
  }

  @Override
  public synchronized void commitAsync(
      Map<TopicPartition, OffsetAndMetadata> offsets, OffsetCommitCallback callback) {
    offsets.forEach((partition, offset) -> commits.put(partition, offset.offset()));
    super.commitAsync(offsets, callback);
  }
}
