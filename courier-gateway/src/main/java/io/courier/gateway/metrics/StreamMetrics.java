package io.courier.gateway.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The meters of a streaming route: streams started, ended by outcome, items sent on. Only streaming routes
 * have them (no zero series for the others). Thread-safe.
 */
public final class StreamMetrics {
  private final MeterRegistry registry;
  private final String route;
  private final Counter started;
  private final Counter items;
  private final Map<String, Counter> ended = new ConcurrentHashMap<>();

  StreamMetrics(MeterRegistry registry, String route) {
    this.registry = registry;
    this.route = route;
    started =
        Counter.builder("courier.stream.started")
            .description("Streamed replies whose first record reached the caller's exchange")
            .tag("route", route)
            .register(registry);
    items =
        Counter.builder("courier.stream.items")
            .description("Items of streamed replies sent on to callers (or assembled for them)")
            .tag("route", route)
            .register(registry);
  }

  public void started() {
    started.increment();
  }

  public void item() {
    items.increment();
  }

  /**
   * A stream ended: {@code completed} (a 2xx end marker), {@code failed} (a 4xx/5xx end marker), {@code
   * cancelled} (the caller went away), or the slug of the gateway's own end ({@code stream-idle-timeout},
   * {@code slow-reader}, ...).
   */
  public void ended(String outcome) {
    ended
        .computeIfAbsent(outcome, tag -> Counter.builder("courier.stream.ended")
            .description("Streamed replies by how they ended")
            .tag("route", route)
            .tag("outcome", tag)
            .register(registry))
        .increment();
  }
}
