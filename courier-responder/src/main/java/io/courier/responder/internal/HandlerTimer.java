package io.courier.responder.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task after a delay: how a handler is given up on at its request's deadline. One daemon thread,
 * {@code courier-responder-timer}, serves every responder of the process; tests use a fake clock instead.
 */
@FunctionalInterface
interface HandlerTimer {
  /** @return cancels the task if it has not run; idempotent */
  Runnable schedule(Duration delay, Runnable task);

  HandlerTimer SHARED = new Shared();

  /** The process-wide timer thread. */
  final class Shared implements HandlerTimer {
    private final ScheduledExecutorService thread;

    private Shared() {
      ScheduledThreadPoolExecutor executor =
          (ScheduledThreadPoolExecutor) Executors.newScheduledThreadPool(1, runnable -> {
            Thread timer = new Thread(runnable, "courier-responder-timer");
            timer.setDaemon(true);
            return timer;
          });
      executor.setRemoveOnCancelPolicy(true); // a handler that answers in time leaves no task behind
      this.thread = executor;
    }

    @Override
    public Runnable schedule(Duration delay, Runnable task) {
      ScheduledFuture<?> scheduled = thread.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> scheduled.cancel(false);
    }
  }
}
