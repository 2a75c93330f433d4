package io.courier.gateway.exchange;

import java.time.Duration;

/**
 * Runs a task after a delay: how an exchange's deadline fires. The gateway uses Vert.x timers on the
 * request's event loop; tests use a fake clock that runs tasks when moved.
 */
@FunctionalInterface
public interface DeadlineScheduler {
  /**
   * Runs {@code task} once, {@code delay} from now, on a thread of the scheduler's choosing.
   *
   * @return cancels the task if it has not run; idempotent, callable from any thread
   */
  Runnable schedule(Duration delay, Runnable task);
}
