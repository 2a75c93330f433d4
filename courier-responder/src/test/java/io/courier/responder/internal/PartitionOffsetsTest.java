package io.courier.responder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionOffsetsTest {
  private final PartitionOffsets offsets = new PartitionOffsets();

  @Test
  void commitMovesOnlyPastContiguousDoneRecordsWhenTheyCompleteOutOfOrder() {
    // Given five records in hand
    for (long offset = 10; offset < 15; offset++) {
      offsets.fetched(offset);
      offsets.started();
    }

    // When later records complete first, Then nothing may be committed
    offsets.completed(11);
    offsets.completed(13);
    assertThat(offsets.committable()).isEqualTo(10);
    assertThat(offsets.hasProgress()).isFalse();

    // When the first completes, Then the commit stops before the next open record
    offsets.completed(10);
    assertThat(offsets.committable()).isEqualTo(12);
    assertThat(offsets.hasProgress()).isTrue();

    offsets.completed(12);
    assertThat(offsets.committable()).isEqualTo(14);
    offsets.completed(14);
    assertThat(offsets.committable()).isEqualTo(15);
    assertThat(offsets.inFlight()).isZero();
  }

  @Test
  void gapsBetweenOffsetsDoNotHoldTheCommitBack() {
    // Given a compacted partition: offsets 3, 7 and 9 exist
    for (long offset : new long[] {3, 7, 9}) {
      offsets.fetched(offset);
      offsets.started();
    }

    // When 3 and 7 are done
    offsets.completed(7);
    offsets.completed(3);

    // Then the commit points at 9, the next record, and after it past the last
    assertThat(offsets.committable()).isEqualTo(9);
    offsets.completed(9);
    assertThat(offsets.committable()).isEqualTo(10);
  }

  @Test
  void aFetchedRecordNotYetStartedHoldsTheCommitBackButIsNotInFlight() {
    // Given record 0 started and done, record 1 fetched but waiting for a free slot
    offsets.fetched(0);
    offsets.fetched(1);
    offsets.started();
    offsets.completed(0);

    // Then the commit stops at 1, which the next owner must read, and nothing is in the handler
    assertThat(offsets.committable()).isEqualTo(1);
    assertThat(offsets.inFlight()).isZero();
  }

  @Test
  void nothingIsCommittedBeforeAnyRecordIsDone() {
    assertThat(offsets.hasProgress()).isFalse();

    offsets.fetched(42);
    offsets.started();

    assertThat(offsets.hasProgress()).isFalse();
  }

  @Test
  void progressIsReportedOncePerCommit() {
    offsets.fetched(0);
    offsets.started();
    offsets.completed(0);
    assertThat(offsets.hasProgress()).isTrue();

    offsets.committed(1);

    assertThat(offsets.hasProgress()).isFalse();
  }

  @Test
  void aFailedCommitIsRetriedWithTheNextOne() {
    // Given offset 1 was sent for commit
    offsets.fetched(0);
    offsets.started();
    offsets.completed(0);
    offsets.committed(1);

    // When the commit fails
    offsets.commitFailed(1);

    // Then the partition has progress to commit again
    assertThat(offsets.hasProgress()).isTrue();
    assertThat(offsets.committable()).isEqualTo(1);
  }

  @Test
  void aLateFailureOfAnOlderCommitDoesNotUndoANewerOne() {
    // Given commits of 1 and then 2 were sent
    for (long offset = 0; offset < 2; offset++) {
      offsets.fetched(offset);
      offsets.started();
      offsets.completed(offset);
      offsets.committed(offset + 1);
    }

    // When the older one fails
    offsets.commitFailed(1);

    // Then the newer one still covers it
    assertThat(offsets.hasProgress()).isFalse();
  }

  @Test
  void aCompletionReportedTwiceCountsOnce() {
    offsets.fetched(0);
    offsets.fetched(1);
    offsets.started();
    offsets.started();

    offsets.completed(0);
    offsets.completed(0);

    assertThat(offsets.inFlight()).isEqualTo(1);
  }
}
