package io.courier.gateway.metrics;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.kafka.ReplyEvents;
import io.courier.gateway.kafka.ReplySource;
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
public final class GatewayMetrics implements ReplyEvents {
  private final MeterRegistry registry;
  /** The route tag of errors answered before any route was found. */
  public static final String NO_ROUTE = "none";

  private final Map<ReplySource, Map<ReplyOutcome, Counter>> replies = new EnumMap<>(ReplySource.class);
  private final Counter forwardsSent;
  private final Counter forwardsFailed;
  private final Map<GatewayError, Counter> unrouted = new EnumMap<>(GatewayError.class);

  public GatewayMetrics(MeterRegistry registry, IntSupplier pendingReplies) {
    this.registry = registry;
    for (ReplySource source : ReplySource.values()) {
      Map<ReplyOutcome, Counter> bySource = new EnumMap<>(ReplyOutcome.class);
      for (ReplyOutcome outcome : ReplyOutcome.values()) {
        bySource.put(
            outcome,
            Counter.builder("courier.replies")
                .description("Replies read, by where they were read and what became of them")
                .tag("source", source.tag())
                .tag("outcome", outcome.tag())
                .register(registry));
      }
      replies.put(source, bySource);
    }
    forwardsSent = forwards(registry, "sent");
    forwardsFailed = forwards(registry, "failed");
    for (GatewayError error : GatewayError.values()) {
      unrouted.put(
          error,
          Counter.builder("courier.errors")
              .description("Requests the gateway answered with an error of its own")
              .tag("route", NO_ROUTE)
              .tag("error", error.slug())
              .register(registry));
    }
    Gauge.builder("courier.pending", pendingReplies::getAsInt)
        .description("Requests waiting for a reply")
        .register(registry);
  }

  /** The meters of this instance's copy of the results topic. */
  public void results(io.courier.gateway.results.ResultView view) {
    Gauge.builder("courier.results.held", view::size)
        .description("Results (async, after a 504, of idempotent requests) this instance holds in memory")
        .register(registry);
    Gauge.builder("courier.results.bytes", view::bytes)
        .description("Roughly how much memory the results held take")
        .baseUnit("bytes")
        .register(registry);
    io.micrometer.core.instrument.FunctionCounter.builder("courier.results.evicted", view, v -> v.evicted())
        .description("Results dropped before the end of results.retention to stay within results.max-memory-bytes")
        .register(registry);
  }

  /** {@code courier.cors.rejected} of a route with CORS, for one reason: preflights answered 403. */
  public Counter corsRejected(Route route, io.courier.gateway.cors.CorsPolicy.Rejection reason) {
    return Counter.builder("courier.cors.rejected")
        .description("CORS preflights refused: the origin, the method or a header field is not allowed")
        .tag("route", route.name())
        .tag("reason", reason.tag())
        .register(registry);
  }

  public RouteMetrics route(Route route) {
    return new RouteMetrics(registry, route);
  }

  /** A request answered with an error before any route matched (400, 404, 405, 408, 414, 431, 500). */
  public void unrouted(GatewayError error) {
    unrouted.get(error).increment();
  }

  @Override
  public void reply(ReplySource source, ReplyOutcome outcome) {
    replies.get(source).get(outcome).increment();
  }

  /** A reply of another instance put on the forward topic (or not: queue full, produce failed). */
  @Override
  public void forward(boolean sent) {
    (sent ? forwardsSent : forwardsFailed).increment();
  }

  private static Counter forwards(MeterRegistry registry, String result) {
    return Counter.builder("courier.forwards")
        .description("Replies of other instances put on the forward topic")
        .tag("result", result)
        .register(registry);
  }

  public MeterRegistry registry() {
    return registry;
  }
}
