package io.courier.gateway.kafka;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Whether a consumer's fetches cover a partition positioned just now, so that a reply written to it is read at
 * once. A broker holds a fetch that finds nothing new for up to {@code fetch.max.wait.ms}, and the consumer sends
 * its next fetch to that broker, the first that can include a partition assigned in the meantime, only once
 * the held one is answered. So a partition positioned while the consumer was fetching others (now, or within
 * the last {@code fetch.max.wait.ms}) may not be read for that long: it is <em>settling</em> until then. A
 * partition positioned when nothing was fetched (an instance's first assignment, static ownership) is covered
 * at once.
 *
 * <p>Not thread-safe: the reply consumer's loop thread only. Times are {@link System#nanoTime()}'s.
 */
final class FetchCoverage {
  private final long waitNanos;
  private final LongSupplier nanoTime;
  /** A fetch sent until now may be held by the broker until then. */
  private long heldUntil;
  private boolean fetched;
  /** Partitions positioned but not yet covered, and from when they are. */
  private final Map<Integer, Long> settling = new LinkedHashMap<>();

  /**
   * @param fetchMaxWaitMillis the consumer's {@code fetch.max.wait.ms}
   */
  FetchCoverage(long fetchMaxWaitMillis, LongSupplier nanoTime) {
    this.waitNanos = fetchMaxWaitMillis * 1_000_000L;
    this.nanoTime = nanoTime;
  }

  /**
   * Whether the consumer fetches any partition it named in requests now (the settling ones count too); told after
   * each poll and before partitions go.
   */
  void fetching(boolean any) {
    if (any || !settling.isEmpty()) {
      fetched = true;
      heldUntil = nanoTime.getAsLong() + waitNanos;
    }
  }

  /**
   * A partition was positioned now.
   *
   * @return whether it is covered at once; otherwise it is settling until {@link #settled()} returns it
   */
  boolean positioned(int partition) {
    long now = nanoTime.getAsLong();
    if (!fetched || now - heldUntil >= 0) {
      return true;
    }
    settling.put(partition, now + waitNanos);
    return false;
  }

  /** The settling partitions covered by now; each is returned once. */
  List<Integer> settled() {
    if (settling.isEmpty()) {
      return List.of();
    }
    long now = nanoTime.getAsLong();
    List<Integer> covered = new ArrayList<>();
    settling.entrySet().removeIf(entry -> {
      boolean due = now - entry.getValue() >= 0;
      if (due) {
        covered.add(entry.getKey());
      }
      return due;
    });
    return covered;
  }

  /** Whether any partition is settling. */
  boolean isSettling() {
    return !settling.isEmpty();
  }

  /** The partitions still settling, in the order they were positioned. */
  Collection<Integer> settling() {
    return List.copyOf(settling.keySet());
  }

  /** Partitions no longer assigned: they settle no more. */
  void forget(Collection<Integer> partitions) {
    partitions.forEach(settling::remove);
  }

  /** A new consumer: nothing fetched yet, nothing settling. */
  void reset() {
    settling.clear();
    fetched = false;
  }
}
