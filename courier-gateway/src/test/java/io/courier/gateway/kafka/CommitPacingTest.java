package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The reply consumer commits at most once a second (here), and only what it has read since. A fake clock in ms. */
class CommitPacingTest {
  private final AtomicLong millis = new AtomicLong(-5_000); // nanoTime may be negative
  private final CommitPacing pacing = new CommitPacing(1_000_000_000L, () -> millis.get() * 1_000_000L);

  private void after(long ms) {
    millis.addAndGet(ms);
  }

  @Test
  void theFirstPollThatReadsCommitsAtOnce() {
    assertThat(pacing.commitNow(false)).isFalse();
    assertThat(pacing.commitNow(true)).isTrue();
  }

  @Test
  void pollsThatReadWithinTheIntervalAreCommittedTogetherOnceItHasPassed() {
    assertThat(pacing.commitNow(true)).isTrue();
    for (int i = 0; i < 99; i++) {
      after(10);
      assertThat(pacing.commitNow(true)).as("poll %d", i).isFalse();
    }
    after(10); // 1 000 ms since the commit
    assertThat(pacing.commitNow(true)).isTrue();
  }

  @Test
  void whatWasReadIsCommittedByALaterEmptyPollOnceTheIntervalHasPassed() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(100);
    assertThat(pacing.commitNow(true)).isFalse();
    after(899);
    assertThat(pacing.commitNow(false)).isFalse();
    after(5_000); // an idle fetch held by the broker
    assertThat(pacing.commitNow(false)).isTrue();
    after(5_000);
    assertThat(pacing.commitNow(false)).as("nothing read since").isFalse();
  }

  @Test
  void aSynchronousCommitStartsTheIntervalAndCoversWhatWasRead() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(500);
    assertThat(pacing.commitNow(true)).isFalse();
    pacing.committed(); // a revoke committed everything read
    after(2_000);
    assertThat(pacing.commitNow(false)).isFalse();
    assertThat(pacing.commitNow(true)).isTrue();
    after(999);
    assertThat(pacing.commitNow(true)).isFalse();
  }

  @Test
  void aSynchronousCommitRestartsTheInterval() {
    assertThat(pacing.commitNow(true)).isTrue();
    after(900);
    pacing.committed();
    after(500); // 1 400 ms after the asynchronous commit, 500 ms after the synchronous one
    assertThat(pacing.commitNow(true)).isFalse();
    after(500);
    assertThat(pacing.commitNow(false)).isTrue();
  }

  @Test
  void aFailedAsynchronousCommitIsDueAgainEvenIfNothingMoreIsRead() {
    assertThat(pacing.commitNow(true)).isTrue();
    pacing.failed(); // its callback, inside a later poll
    after(500);
    assertThat(pacing.commitNow(false)).as("within the interval").isFalse();
    after(500);
    assertThat(pacing.commitNow(false)).as("nothing read since, but the positions were never committed").isTrue();
    after(1_000);
    assertThat(pacing.commitNow(false)).as("that one succeeded").isFalse();
  }

  @Test
  void aZeroIntervalCommitsAfterEveryPollThatRead() {
    CommitPacing every = new CommitPacing(0, () -> millis.get() * 1_000_000L);

    assertThat(every.commitNow(true)).isTrue();
    assertThat(every.commitNow(true)).isTrue();
    assertThat(every.commitNow(false)).isFalse();
  }

  @Test
  void aNegativeIntervalIsRefused() {
    assertThatThrownBy(() -> new CommitPacing(-1, System::nanoTime))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
