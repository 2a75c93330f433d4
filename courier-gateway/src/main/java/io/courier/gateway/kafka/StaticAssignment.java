package io.courier.gateway.kafka;

import java.util.ArrayList;
import java.util.List;

/**
 * Static ownership: instance {@code index} of {@code count} reads the partitions {@code p} with
 * {@code p % count == index}. Pure arithmetic, checked against the topic's real partition count.
 */
final class StaticAssignment {
  private StaticAssignment() {}

  /**
   * The partitions of instance {@code index}.
   *
   * @throws IllegalStateException when the setup cannot work: more instances than partitions
   */
  static List<Integer> partitions(int index, int count, int topicPartitions) {
    if (count > topicPartitions) {
      throw new IllegalStateException(
          "ownership: static with instance-count " + count + " needs at least " + count
              + " partitions on the response topic, which has " + topicPartitions
              + "; instance " + index + " would read nothing");
    }
    List<Integer> partitions = new ArrayList<>();
    for (int p = index; p < topicPartitions; p += count) {
      partitions.add(p);
    }
    return partitions;
  }

  /** A warning when the partitions do not divide evenly, so some instances read more than others; else null. */
  static String unevenWarning(int count, int topicPartitions) {
    if (topicPartitions % count == 0) {
      return null;
    }
    return "the response topic's " + topicPartitions + " partitions do not divide evenly among " + count
        + " instances; some instances read " + (topicPartitions / count + 1) + " partitions, others "
        + topicPartitions / count;
  }
}
