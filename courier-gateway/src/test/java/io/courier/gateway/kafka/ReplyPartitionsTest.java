package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReplyPartitionsTest {

  @Test
  void requestsNameTheOwnedPartitionsInTurn() {
    ReplyPartitions partitions = new ReplyPartitions("gw-1");
    partitions.topicPartitions(8);
    partitions.own(List.of(5, 1, 3), List.of());

    List<Integer> named = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      named.add(partitions.next());
    }

    assertThat(named).containsExactly(1, 3, 5, 1, 3, 5);
  }

  @Test
  void withNothingOwnedARequestNamesAFixedPartitionOfTheTopic() {
    ReplyPartitions partitions = new ReplyPartitions("gw-1");
    partitions.topicPartitions(4);

    int first = partitions.next();

    assertThat(first).isBetween(0, 3);
    assertThat(partitions.next()).isEqualTo(first);
  }

  @Test
  void beforeThePartitionCountIsKnownNoPartitionIsNamed() {
    assertThat(new ReplyPartitions("gw-1").next()).isEqualTo(-1);
  }

  @Test
  void ownershipChangesAreSeenByTheNextRequest() {
    ReplyPartitions partitions = new ReplyPartitions("gw-1");
    partitions.topicPartitions(4);
    partitions.own(List.of(0, 1), List.of());
    partitions.own(List.of(2), List.of());

    assertThat(partitions.next()).isEqualTo(2);
    assertThat(partitions.owned()).containsExactly(2);
  }

  @Test
  void withNothingOwnedARequestNeverNamesAPartitionOfThisInstanceNotReadAtOnceYet() {
    ReplyPartitions partitions = new ReplyPartitions("gw-1");
    partitions.topicPartitions(4);
    int fixed = partitions.next();

    partitions.own(List.of(), List.of(fixed, (fixed + 1) % 4));

    assertThat(partitions.next()).isEqualTo((fixed + 2) % 4);
    partitions.own(List.of(), List.of(0, 1, 2, 3));
    assertThat(partitions.next()).as("all of them: the fixed one still").isEqualTo(fixed);
  }
}
