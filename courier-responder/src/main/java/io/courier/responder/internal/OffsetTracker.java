package io.courier.responder.internal;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * {@link PartitionOffsets} of every partition this instance owns: which requests are in hand and which
 * offsets may be committed.
 *
 * <p>Not thread-safe: used on the poll thread only. Handlers and the producer report completions through a
 * queue that the poll thread drains; a completion names the {@link PartitionOffsets} it belongs to, so one
 * that arrives after its partition was revoked (and perhaps assigned again) changes nothing.
 */
final class OffsetTracker {
  private final Map<TopicPartition, PartitionOffsets> partitions = new HashMap<>();

  /** The state of an owned partition, created on first use. */
  PartitionOffsets partition(TopicPartition partition) {
    return partitions.computeIfAbsent(partition, p -> new PartitionOffsets());
  }

  /** The partitions with state, a copy. */
  Set<TopicPartition> owned() {
    return new HashSet<>(partitions.keySet());
  }

  /** Requests in hand over all owned partitions. */
  int inFlight() {
    return inFlight(partitions.keySet());
  }

  /** Requests in hand in these partitions. */
  int inFlight(Collection<TopicPartition> among) {
    int total = 0;
    for (TopicPartition partition : among) {
      PartitionOffsets offsets = partitions.get(partition);
      if (offsets != null) {
        total += offsets.inFlight();
      }
    }
    return total;
  }

  /** The offsets to commit for every owned partition that made progress since its last commit. */
  Map<TopicPartition, OffsetAndMetadata> toCommit() {
    return toCommit(partitions.keySet());
  }

  /** As {@link #toCommit()}, limited to these partitions. */
  Map<TopicPartition, OffsetAndMetadata> toCommit(Collection<TopicPartition> among) {
    Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
    for (TopicPartition partition : among) {
      PartitionOffsets offsets = partitions.get(partition);
      if (offsets != null && offsets.hasProgress()) {
        commits.put(partition, new OffsetAndMetadata(offsets.committable()));
      }
    }
    return commits;
  }

  /** These offsets were sent to the group coordinator. */
  void committed(Map<TopicPartition, OffsetAndMetadata> commits) {
    commits.forEach(
        (partition, offset) -> {
          PartitionOffsets offsets = partitions.get(partition);
          if (offsets != null) {
            offsets.committed(offset.offset());
          }
        });
  }

  /** Committing these offsets failed; they will be part of the next {@link #toCommit()}. */
  void commitFailed(Map<TopicPartition, OffsetAndMetadata> commits) {
    commits.forEach(
        (partition, offset) -> {
          PartitionOffsets offsets = partitions.get(partition);
          if (offsets != null) {
            offsets.commitFailed(offset.offset());
          }
        });
  }

  /** Drops the state of partitions this instance no longer owns. */
  void forget(Collection<TopicPartition> revoked) {
    partitions.keySet().removeAll(revoked);
  }

  /** Drops all state. */
  void forgetAll() {
    partitions.clear();
  }
}
