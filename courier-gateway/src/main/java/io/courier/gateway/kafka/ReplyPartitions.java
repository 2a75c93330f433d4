package io.courier.gateway.kafka;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The response-topic partitions this instance reads right now, and the one each new request names as its
 * reply partition: the owned ones in turn. With none owned (more instances than partitions, or between
 * rebalances) a request names a fixed partition picked from the instance id, and its reply comes back
 * through the forward topic.
 *
 * <p>Thread-safe: updated by the reply consumer thread, read by every event loop.
 */
public final class ReplyPartitions {
  private final String instanceId;
  private final AtomicInteger next = new AtomicInteger();
  private volatile int[] owned = new int[0];
  private volatile int topicPartitions;

  public ReplyPartitions(String instanceId) {
    this.instanceId = instanceId;
  }

  /** The response topic's partition count, once known. */
  void topicPartitions(int count) {
    this.topicPartitions = count;
  }

  void own(Collection<Integer> partitions) {
    this.owned = partitions.stream().mapToInt(Integer::intValue).sorted().toArray();
  }

  /** The partitions owned now, ascending. */
  public int[] owned() {
    return owned.clone();
  }

  /** The reply partition for a new request; {@code -1} while the partition count is unknown. */
  public int next() {
    int[] current = owned;
    if (current.length > 0) {
      return current[Math.floorMod(next.getAndIncrement(), current.length)];
    }
    int count = topicPartitions;
    return count == 0 ? -1 : Math.floorMod(instanceId.hashCode(), count);
  }

  @Override
  public String toString() {
    return Arrays.toString(owned);
  }
}
