package io.courier.responder.internal;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a task after a delay: how a handler is given up on at its request's deadline. One daemon thread,
 * {@code courier-responder-timer}, serves every responder of the process and only hands each task due to
 * a daemon worker ({@code courier-responder-timeout-*}): giving up on a handler may send a 504 reply, and
 * a send can block (up to the producer's {@code max.block.ms}) while Kafka is away, which must not hold up
 * every other responder's deadlines. Tests use a fake clock instead.
 */
@FunctionalInterface
interface HandlerTimer {
  /** @return cancels the task if it has not run; idempotent */
  Runnable schedule(Duration delay, Runnable task);

  HandlerTimer SHARED = new Shared();

  /** The process-wide timer thread. */
  final class Shared implements HandlerTimer {
    private final ScheduledExecutorService thread;
    private final ExecutorService workers =
        Executors.newCachedThreadPool(new ThreadFactory() {
          private final AtomicInteger count = new AtomicInteger();

          @Override
          public Thread newThread(Runnable runnable) {
            Thread worker = new Thread(runnable, "courier-responder-timeout-" + count.incrementAndGet());
            worker.setDaemon(true);
            return worker;
          }
        });

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
      ScheduledFuture<?> scheduled = thread.schedule(() -> workers.execute(task), delay.toMillis(), TimeUnit.MILLISECONDS);
      return () -> scheduled.cancel(false);
    }
  }
}
