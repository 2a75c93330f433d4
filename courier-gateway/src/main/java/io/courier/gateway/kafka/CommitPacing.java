package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * When the reply consumer commits its read positions, and the commits themselves: at most once per interval,
 * and only when it has read something since the last commit. Committing after every poll that returned records
 * cost an OffsetCommit round trip per fetch (at c=64 about as many commits as fetches, half of the consumer's
 * requests to the broker); what a slower pace gives up is only what a <em>killed</em> instance's next owner
 * re-reads (the replies read since the last commit: up to one interval plus one poll's wait, each forwarded
 * again or counted as a duplicate): a revoke and a close still commit synchronously, so partitions that move in
 * an orderly way start exactly where they stopped.
 *
 * <p>Not thread-safe: the reply consumer's loop thread only. Times are {@link System#nanoTime()}'s.
 */
final class CommitPacing {
  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private boolean readSinceCommit;
  private long lastCommit;
  private boolean committedOnce;

  /**
   * @param intervalNanos the least time between two commits, in nanoseconds; 0 commits after every poll that read
   *     records
   */
  CommitPacing(long intervalNanos, LongSupplier nanoTime) {
    if (intervalNanos < 0) {
      throw new IllegalArgumentException("commit interval must not be negative: " + intervalNanos);
    }
    this.intervalNanos = intervalNanos;
    this.nanoTime = nanoTime;
  }

  /**
   * After each poll: commits {@code consumer}'s positions asynchronously if a commit is due ({@link #commitNow});
   * a commit that fails makes them due again ({@link #failed}). Its callback runs inside a later poll or commit of
   * {@code consumer}, on the calling thread.
   *
   * @param readRecords whether this poll returned records
   */
  void afterPoll(Consumer<?, ?> consumer, boolean readRecords) {
    if (commitNow(readRecords)) {
      consumer.commitAsync((offsets, failure) -> {
        if (failure != null) {
          failed();
        }
      });
    }
  }

  /**
   * Commits {@code consumer}'s positions now and waits for the answer (a revoke's or a close's commit), restarting
   * the interval once it succeeded.
   *
   * @param timeout the longest wait for the broker's answer
   * @throws org.apache.kafka.common.KafkaException when the commit fails or times out (then nothing changes here)
   */
  void commitSync(Consumer<?, ?> consumer, Duration timeout) {
    consumer.commitSync(timeout);
    committed();
  }

  /**
   * Told after each poll; says whether to commit now, and if so counts it as done until {@link #failed} says
   * otherwise.
   *
   * @param readRecords whether this poll returned records
   */
  boolean commitNow(boolean readRecords) {
    readSinceCommit |= readRecords;
    if (!readSinceCommit) {
      return false;
    }
    long now = nanoTime.getAsLong();
    if (committedOnce && now - lastCommit < intervalNanos) {
      return false;
    }
    committed(now);
    return true;
  }

  /**
   * The asynchronous commit {@link #commitNow} asked for failed (a rebalance under way, the coordinator moving):
   * the positions it carried are due again at the next poll once the interval allows, even if nothing more is
   * read.
   */
  void failed() {
    readSinceCommit = true;
  }

  /** A commit was made outside this pacing (a revoke's or a close's synchronous one), and succeeded. */
  void committed() {
    committed(nanoTime.getAsLong());
  }

  private void committed(long now) {
    readSinceCommit = false;
    lastCommit = now;
    committedOnce = true;
  }
}
