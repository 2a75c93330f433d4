package io.courier.responder.internal;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits what the {@link OffsetTracker} says is done: asynchronously while polling, synchronously when
 * partitions are revoked and on close. A failed commit is logged and retried with the next one; it never
 * stops the loop, because the worst it causes is a request answered twice after a rebalance.
 *
 * <p>Not thread-safe: used on the poll thread only (commit callbacks run there too).
 */
final class OffsetCommitter {
  private static final Logger LOGGER = LoggerFactory.getLogger(OffsetCommitter.class);
  /** Lower bound of a synchronous commit's timeout, so that a zero shutdown timeout still commits. */
  private static final Duration MIN_COMMIT_TIMEOUT = Duration.ofSeconds(5);

  private final ResponderLoop.Settings settings;
  private final Consumer<String, byte[]> consumer;
  private final OffsetTracker offsets;

  OffsetCommitter(ResponderLoop.Settings settings, Consumer<String, byte[]> consumer, OffsetTracker offsets) {
    this.settings = settings;
    this.consumer = consumer;
    this.offsets = offsets;
  }

  /** Commits, without waiting, every partition that made progress. */
  void commitAsync() {
    Map<TopicPartition, OffsetAndMetadata> commits = offsets.toCommit();
    if (commits.isEmpty()) {
      return;
    }
    offsets.committed(commits);
    consumer.commitAsync(
        commits,
        (committed, error) -> {
          if (error != null) {
            // Runs on this thread, inside poll() or commit: the tracker may be touched.
            offsets.commitFailed(commits);
            logCommitFailure(error, true);
          }
        });
  }

  /** Commits and waits; failures are logged, not thrown. */
  void commitSync(Map<TopicPartition, OffsetAndMetadata> commits) {
    if (commits.isEmpty()) {
      return;
    }
    Duration timeout =
        settings.shutdownTimeout().compareTo(MIN_COMMIT_TIMEOUT) > 0
            ? settings.shutdownTimeout()
            : MIN_COMMIT_TIMEOUT;
    for (int attempt = 1; ; attempt++) {
      try {
        consumer.commitSync(commits, timeout);
        offsets.committed(commits);
        return;
      } catch (WakeupException e) {
        // A close() raced with this commit; the commit matters more, so try once more.
        if (attempt > 1) {
          logCommitFailure(e, false);
          return;
        }
      } catch (KafkaException e) {
        logCommitFailure(e, false);
        return;
      }
    }
  }

  private void logCommitFailure(Exception error, boolean retried) {
    if (retried && (error instanceof RetriableException || error instanceof RebalanceInProgressException)) {
      LOGGER.debug(
          "Offset commit failed, retried with the next one requestTopic={} groupId={} error={}",
          settings.requestTopic(),
          settings.groupId(),
          String.valueOf(error));
    } else {
      LOGGER.warn(
          "Offset commit failed; uncommitted requests may be answered again"
              + " requestTopic={} groupId={} error={}",
          settings.requestTopic(),
          settings.groupId(),
          String.valueOf(error));
    }
  }
}
