package io.courier.responder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
  private static final TopicPartition P0 = new TopicPartition("requests", 0);
  private static final TopicPartition P1 = new TopicPartition("requests", 1);

  private final OffsetTracker tracker = new OffsetTracker();

  @Test
  void commitsOnlyPartitionsThatMadeProgress() {
    // Given one request in hand on each partition, and P0's done
    start(P0, 5);
    start(P1, 8);
    tracker.partition(P0).completed(5);

    // Then only P0 is committed, one past its record
    assertThat(tracker.toCommit()).isEqualTo(Map.of(P0, new OffsetAndMetadata(6)));
    assertThat(tracker.inFlight()).isEqualTo(1);
    assertThat(tracker.inFlight(List.of(P0))).isZero();
    assertThat(tracker.inFlight(List.of(P1))).isEqualTo(1);
  }

  @Test
  void committedOffsetsAreNotCommittedAgainButFailedOnesAre() {
    start(P0, 0);
    tracker.partition(P0).completed(0);
    Map<TopicPartition, OffsetAndMetadata> commits = tracker.toCommit();

    tracker.committed(commits);
    assertThat(tracker.toCommit()).isEmpty();

    tracker.commitFailed(commits);
    assertThat(tracker.toCommit()).isEqualTo(commits);
  }

  @Test
  void aCompletionAfterRevocationDoesNotTouchTheNewOwnersState() {
    // Given a request in hand on P0 when P0 is revoked and assigned back
    PartitionOffsets before = start(P0, 3);
    tracker.forget(List.of(P0));
    PartitionOffsets after = start(P0, 3);

    // When the old request completes
    before.completed(3);

    // Then the request fetched again is still in hand
    assertThat(after).isNotSameAs(before);
    assertThat(tracker.inFlight()).isEqualTo(1);
    assertThat(tracker.toCommit()).isEmpty();
  }

  @Test
  void forgetAllDropsEveryPartition() {
    start(P0, 0);
    start(P1, 0);

    tracker.forgetAll();

    assertThat(tracker.owned()).isEmpty();
    assertThat(tracker.inFlight()).isZero();
  }

  private PartitionOffsets start(TopicPartition partition, long offset) {
    PartitionOffsets offsets = tracker.partition(partition);
    offsets.fetched(offset);
    offsets.started();
    return offsets;
  }
}
