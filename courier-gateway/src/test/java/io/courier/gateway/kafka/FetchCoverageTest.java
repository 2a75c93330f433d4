package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A partition positioned while the consumer fetched others waits for the fetch the broker may hold
 * ({@code fetch.max.wait.ms}, here 5 s) before requests name it; one positioned when nothing was fetched does not.
 * A fake clock in milliseconds.
 */
class FetchCoverageTest {
  private final AtomicLong millis = new AtomicLong(1_000);
  private final FetchCoverage coverage = new FetchCoverage(5_000, () -> millis.get() * 1_000_000L);

  private void after(long ms) {
    millis.addAndGet(ms);
  }

  @Test
  void theFirstAssignmentIsCoveredAtOnce() {
    coverage.fetching(false);

    assertThat(coverage.positioned(0)).isTrue();
    assertThat(coverage.positioned(1)).isTrue();
    assertThat(coverage.settling()).isEmpty();
  }

  @Test
  void aPartitionAddedWhileOthersAreFetchedSettlesForTheWaitThenIsCoveredOnce() {
    coverage.fetching(true);
    after(300);

    assertThat(coverage.positioned(3)).isFalse();
    assertThat(coverage.settling()).containsExactly(3);

    after(4_999);
    coverage.fetching(true);
    assertThat(coverage.settled()).isEmpty();
    after(1);
    assertThat(coverage.settled()).containsExactly(3);
    assertThat(coverage.settled()).isEmpty();
    assertThat(coverage.settling()).isEmpty();
  }

  @Test
  void aPartitionAddedSoonAfterTheLastOthersWentStillSettles() {
    coverage.fetching(true);
    after(1_000);
    coverage.fetching(false); // all revoked: the fetch sent before may still be held for 4 s

    after(3_999);
    assertThat(coverage.positioned(2)).isFalse();
    assertThat(coverage.settling()).containsExactly(2);
  }

  @Test
  void aPartitionAddedLongAfterTheLastOthersWentIsCoveredAtOnce() {
    coverage.fetching(true);
    after(5_000);
    coverage.fetching(false);

    assertThat(coverage.positioned(2)).isTrue();
  }

  @Test
  void settlingPartitionsCountAsFetched() {
    coverage.fetching(true);
    coverage.positioned(1); // settling until 6 000
    after(4_000);
    coverage.fetching(false); // owns none, but 1 is fetched (a fetch including it may be held from now)

    after(2_000);
    assertThat(coverage.settled()).containsExactly(1);
    assertThat(coverage.positioned(2)).isFalse(); // the fetch sent at 5 000 may be held until 10 000
  }

  @Test
  void aPartitionRevokedWhileSettlingIsForgotten() {
    coverage.fetching(true);
    coverage.positioned(1);
    coverage.positioned(2);

    coverage.forget(List.of(1));
    after(5_000);

    assertThat(coverage.settled()).containsExactly(2);
  }

  @Test
  void aNewConsumerHasFetchedNothing() {
    coverage.fetching(true);
    coverage.positioned(1);

    coverage.reset();

    assertThat(coverage.settling()).isEmpty();
    assertThat(coverage.positioned(1)).isTrue();
  }
}
