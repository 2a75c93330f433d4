package io.courier.gateway.exchange;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.config.RouteConfig;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Whether this instance takes requests, decided in one place for admission and for {@code /ready}: not
 * while it drains for shutdown, and not while Kafka is not ready (its consumers are not positioned or
 * cannot poll, or the cluster has not answered for longer than the grace). And whether it is healthy, for
 * {@code /health}. Thread-safe.
 */
public final class Readiness {
  /** Why requests are refused now. */
  public record Refusal(GatewayError error, String detail) {}

  private final Supplier<String> kafkaNotReadyReason;
  private final Supplier<String> unhealthyReason;
  private final Predicate<String> noResponders;
  private volatile boolean draining;

  /** A gateway that is always healthy while it is ready and never short of responders; for tests. */
  public Readiness(Supplier<String> kafkaNotReadyReason) {
    this(kafkaNotReadyReason, () -> null, group -> false);
  }

  /**
   * @param kafkaNotReadyReason {@code null} when Kafka is ready, else why not; called per request, must be cheap
   * @param unhealthyReason {@code null} while the process can recover by itself, else why it should be
   *     restarted (a consumer that keeps crashing)
   * @param noResponders whether a responder group (a route's {@code responder-group}) is known to have no
   *     member; called per request, must be cheap
   */
  public Readiness(Supplier<String> kafkaNotReadyReason, Supplier<String> unhealthyReason, Predicate<String> noResponders) {
    this.kafkaNotReadyReason = kafkaNotReadyReason;
    this.unhealthyReason = unhealthyReason;
    this.noResponders = noResponders;
  }

  /** {@code null} when healthy (for {@code /health}), else why a restart is due. */
  public String unhealthyReason() {
    return unhealthyReason.get();
  }

  /** From now on new requests are refused with 503 {@code shutting-down}. */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /**
   * {@code null} when a request of this route is taken, else why not, as callers are told: without the
   * Kafka reason, which names topics and brokers (it is in the log and on {@code /ready}). A route whose
   * service's responder group has no member is refused with {@code no-responders}.
   */
  public Refusal refusalForCallers(RouteConfig route) {
    Refusal refusal = refusal();
    if (refusal != null) {
      return refusal.error() != GatewayError.NOT_READY
          ? refusal
          : new Refusal(GatewayError.NOT_READY, "the gateway is not ready to take requests yet");
    }
    if (noResponders.test(route.responderGroup())) {
      return new Refusal(GatewayError.NO_RESPONDERS, "no instance of service " + route.service() + " is running");
    }
    return null;
  }

  /** {@code null} when requests are taken, else why not, with the whole reason (for {@code /ready}). */
  public Refusal refusal() {
    if (draining) {
      return new Refusal(GatewayError.SHUTTING_DOWN, "the gateway is draining and takes no new requests");
    }
    String reason = kafkaNotReadyReason.get();
    return reason == null ? null : new Refusal(GatewayError.NOT_READY, reason);
  }

  /** Why Kafka is not ready, or {@code null}; says nothing about draining. */
  public String kafkaNotReadyReason() {
    return kafkaNotReadyReason.get();
  }
}
