package io.courier.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that stands still until a test moves it, and a scheduler driven by it: work scheduled with
 * {@link #schedule} runs, on the thread that calls {@link #advance}, once the clock is moved to or past its
 * time. Deadline and expiry logic is tested without sleeping (like Kafka's {@code MockTime}).
 *
 * <p>Thread-safe. Tasks run outside the clock's lock, in time order (and in scheduling order at equal times),
 * each with the clock set to its own time.
 */
public final class FakeClock extends Clock {
  /** The instant a clock made with {@link #FakeClock()} starts at. */
  public static final Instant START = Instant.parse("2030-01-01T00:00:00Z");

  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private Instant now;
  private long sequence;

  public FakeClock() {
    this(START);
  }

  public FakeClock(Instant start) {
    this.now = start;
  }

  @Override
  public synchronized Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a fake clock has one zone, UTC");
  }

  /**
   * Runs {@code task} once the clock reaches now + {@code delay}.
   *
   * @return cancels the task if it has not run yet; calling it later does nothing
   */
  public synchronized Runnable schedule(Duration delay, Runnable task) {
    Task scheduled = new Task(now.plus(delay), sequence++, task);
    tasks.add(scheduled);
    return () -> cancel(scheduled);
  }

  private synchronized void cancel(Task task) {
    tasks.remove(task);
  }

  /** Tasks scheduled and neither run nor cancelled. */
  public synchronized int scheduled() {
    return tasks.size();
  }

  /** Moves the clock forward by {@code by}, running every task that falls due on the way. */
  public void advance(Duration by) {
    if (by.isNegative()) {
      throw new IllegalArgumentException("time does not go back: " + by);
    }
    Instant target;
    synchronized (this) {
      target = now.plus(by);
    }
    while (true) {
      Task due;
      synchronized (this) {
        due = tasks.peek();
        if (due == null || due.at.isAfter(target)) {
          now = target;
          return;
        }
        tasks.poll();
        now = due.at;
      }
      due.action.run();
    }
  }

  /** Runs the tasks due now (for work scheduled with no delay), without moving the clock. */
  public void runDue() {
    advance(Duration.ZERO);
  }

  /** The times of the tasks still scheduled, earliest first; for assertions. */
  public synchronized List<Instant> scheduledTimes() {
    List<Instant> times = new ArrayList<>();
    tasks.stream().sorted().forEach(task -> times.add(task.at));
    return times;
  }

  private record Task(Instant at, long sequence, Runnable action) implements Comparable<Task> {
    @Override
    public int compareTo(Task other) {
      int byTime = at.compareTo(other.at);
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }
}
