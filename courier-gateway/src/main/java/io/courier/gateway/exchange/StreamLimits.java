package io.courier.gateway.exchange;

import io.courier.gateway.config.StreamConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.StreamReorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A begun stream's own limits ({@code docs/protocol.md}, "Stream deadlines"): the overall limit from the
 * request's arrival, and the idle limit between records, which re-arms itself while records keep coming
 * (one timer per stream, not one per record). Each, when it passes, fails the pending request with its error
 * ({@code stream-max-duration}; {@code stream-idle-timeout}, or {@code stream-broken} when records wait behind
 * a gap); the exchange hears it as any failure.
 *
 * <p>Armed and stopped on the front end's thread; the timers fire on the scheduler's thread.
 */
final class StreamLimits {
  private final DeadlineScheduler deadlines;
  private final Clock clock;
  private final PendingReplies pending;
  private final String correlationId;
  private final StreamReorder order;
  private final StreamConfig config;
  private Runnable stopMax = () -> {};
  private volatile Runnable stopIdle = () -> {};

  StreamLimits(
      DeadlineScheduler deadlines, Clock clock, PendingReplies pending, String correlationId, StreamReorder order, StreamConfig config) {
    this.deadlines = deadlines;
    this.clock = clock;
    this.pending = pending;
    this.correlationId = correlationId;
    this.order = order;
    this.config = config;
  }

  /** Arms both limits; {@code arrived} is when the request came, from which the overall limit counts. */
  void arm(Instant arrived) {
    Duration toMax = Duration.between(clock.instant(), arrived.plus(config.maxDuration()));
    stopMax = deadlines.schedule(toMax.isNegative() ? Duration.ZERO : toMax, () ->
        pending.fail(correlationId, GatewayError.STREAM_MAX_DURATION, "the stream was not over within " + config.maxDuration()));
    idleCheck(config.idleTimeout());
  }

  /** Stops both; idempotent. */
  void stop() {
    stopMax.run();
    stopIdle.run();
  }

  /** Looks, after {@code delay}, whether a record came within the idle limit; re-arms itself when one did. */
  private void idleCheck(Duration delay) {
    stopIdle = deadlines.schedule(delay, () -> {
      long idle = config.idleTimeout().toMillis();
      long quiet = clock.millis() - order.lastProgressMillis();
      if (quiet < idle) {
        idleCheck(Duration.ofMillis(idle - quiet));
      } else if (order.hasGap()) {
        pending.fail(correlationId, GatewayError.STREAM_BROKEN, "records of the stream are missing");
      } else {
        pending.fail(correlationId, GatewayError.STREAM_IDLE_TIMEOUT, "no record of the stream within " + config.idleTimeout());
      }
    });
  }
}
