package io.courier.gateway.http;

import io.courier.gateway.exchange.DeadlineScheduler;
import io.vertx.core.Vertx;
import java.time.Duration;

/**
 * Exchange deadlines as Vert.x timers. Scheduled from an event loop, a timer fires on that same loop, so
 * an expired request is answered there without a thread hop. Thread-safe.
 */
public final class VertxDeadlines implements DeadlineScheduler {
  private final Vertx vertx;

  public VertxDeadlines(Vertx vertx) {
    this.vertx = vertx;
  }

  @Override
  public Runnable schedule(Duration delay, Runnable task) {
    long id = vertx.setTimer(Math.max(1, delay.toMillis()), ignored -> task.run());
    return () -> vertx.cancelTimer(id);
  }
}
