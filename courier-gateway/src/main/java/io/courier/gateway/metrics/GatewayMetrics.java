package io.courier.gateway.metrics;

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
  private final Map<ReplyOutcome, Counter> replies = new EnumMap<>(ReplyOutcome.class);

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
    Gauge.builder("courier.pending", pendingReplies::getAsInt)
        .description("Requests waiting for a reply")
        .register(registry);
  }

  public RouteMetrics route(Route route) {
    return new RouteMetrics(registry, route);
  }

  public void reply(ReplyOutcome outcome) {
    replies.get(outcome).increment();
  }

  public MeterRegistry registry() {
    return registry;
  }
}
