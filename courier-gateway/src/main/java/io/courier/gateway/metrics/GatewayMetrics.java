package io.courier.gateway.metrics;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.gateway.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.IntSupplier;

/**
 * The gateway's own meters. Everything a request touches is registered up front, so the hot path only
 * increments (no meter lookup, no allocation). Names are documented in {@code docs/operations.md}.
 */
public final class GatewayMetrics {
  private final MeterRegistry registry;
  /** The route tag of errors answered before any route was found. */
  public static final String NO_ROUTE = "none";

  private final Map<ReplyOutcome, Counter> replies = new EnumMap<>(ReplyOutcome.class);
  private final Map<GatewayError, Counter> unrouted = new EnumMap<>(GatewayError.class);

  public GatewayMetrics(MeterRegistry registry, IntSupplier pendingReplies) {
    this.registry = registry;
    for (ReplyOutcome outcome : ReplyOutcome.values()) {
      replies.put(
          outcome,
          Counter.builder("courier.replies")
              .description("Records read from the response topic, by what became of them")
              .tag("outcome", outcome.tag())
              .register(registry));
    }
    for (GatewayError error : GatewayError.values()) {
      if (!error.routed()) {
        unrouted.put(
            error,
            Counter.builder("courier.errors")
                .description("Requests the gateway answered with an error of its own")
                .tag("route", NO_ROUTE)
                .tag("error", error.slug())
                .register(registry));
      }
    }
    Gauge.builder("courier.pending", pendingReplies::getAsInt)
        .description("Requests waiting for a reply")
        .register(registry);
  }

  public RouteMetrics route(Route route) {
    return new RouteMetrics(registry, route);
  }

  /** A request no route answers (404, 405). */
  public void unrouted(GatewayError error) {
    unrouted.get(error).increment();
  }

  public void reply(ReplyOutcome outcome) {
    replies.get(outcome).increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
