package io.courier.gateway.kafka;

import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The response-topic partitions this instance reads right now, and the one each new request names as its
 * reply partition: the owned ones in turn. With none owned (more instances than partitions, or between
 * rebalances) a request names a fixed partition picked from the instance id, and its reply comes back
 * through the forward topic; never one of this instance's partitions that it does not read at once yet.
 *
 * <p>Thread-safe: updated by the reply consumer thread, read by every event loop.
 */
public final class ReplyPartitions {
  private final String instanceId;
  private final AtomicInteger next = new AtomicInteger();
  private volatile int[] owned = new int[0];
  private volatile int[] notYet = new int[0];
  private volatile int topicPartitions;

  public ReplyPartitions(String instanceId) {
    this.instanceId = instanceId;
  }

  /** The response topic's partition count, once known. */
  void topicPartitions(int count) {
    this.topicPartitions = count;
  }

  /**
   * @param partitions the partitions requests may name
   * @param notYet this instance's other partitions, assigned but not yet read at once (positioning, or settling:
   *     {@link FetchCoverage}); requests name none of them, not even while nothing is owned
   */
  void own(Collection<Integer> partitions, Collection<Integer> notYet) {
    this.notYet = notYet.stream().mapToInt(Integer::intValue).sorted().toArray();
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
    if (count == 0) {
      return -1;
    }
    // A partition of another instance, which forwards the reply; not one of this instance's own that its
    // consumer does not read at once yet (the next one up instead, unless all are).
    int[] avoid = notYet;
    int partition = Math.floorMod(instanceId.hashCode(), count);
    for (int tried = 0; tried < count && Arrays.binarySearch(avoid, partition) >= 0; tried++) {
      partition = (partition + 1) % count;
    }
    return partition;
  }

  @Override
  public String toString() {
    return Arrays.toString(owned);
  }
}
