package io.courier.gateway.state;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StateConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state topics of the event-driven routes (ADR 0004): one {@link StateView} per topic, kept as large as
 * the largest {@code state.max-entities} of its routes, and the meters of each route's waits. Thread-safe.
 */
public final class States {
  private final Map<String, StateView> views;
  private final MeterRegistry registry;
  private final Map<String, RouteCounters> counters = new ConcurrentHashMap<>();

  private States(Map<String, StateView> views, MeterRegistry registry) {
    this.views = views;
    this.registry = registry;
  }

  /** The views the routes need, with their meters; {@code null} when no route has a state block. */
  public static States of(List<RouteConfig> routes, MeterRegistry registry) {
    Map<String, StateConfig> byTopic = new LinkedHashMap<>();
    for (RouteConfig route : routes) {
      StateConfig state = route.state();
      if (state != null) {
        byTopic.merge(state.topic(), state, (a, b) -> a.maxEntities() >= b.maxEntities() ? a : b);
      }
    }
    if (byTopic.isEmpty()) {
      return null;
    }
    Map<String, StateView> views = new LinkedHashMap<>();
    byTopic.forEach((topic, state) -> {
      StateView view = new StateView(topic, state.field(), state.maxEntities());
      views.put(topic, view);
      Gauge.builder("courier.state.entities", view, StateView::size)
          .description("Entities of the state topic this instance keeps").tag("topic", topic).register(registry);
      FunctionCounter.builder("courier.state.evicted", view, StateView::evicted)
          .description("Entities dropped to stay under state.max-entities").tag("topic", topic).register(registry);
      FunctionCounter.builder("courier.state.skipped", view, StateView::skipped)
          .description("State records without a key or a readable state").tag("topic", topic).register(registry);
      Gauge.builder("courier.state.waiting", view, StateView::waiting)
          .description("Callers waiting for an entity of the state topic").tag("topic", topic).register(registry);
    });
    return new States(Map.copyOf(views), registry);
  }

  /** The view of {@code topic}; {@code null} if no route reads it. */
  public StateView view(String topic) {
    return views.get(topic);
  }

  /** Every state topic, for the consumer that reads them. */
  public List<StateView> views() {
    return List.copyOf(views.values());
  }

  /** A caller of {@code route} started waiting for its entity. */
  public void waited(RouteConfig route) {
    counters(route).waits.increment();
  }

  /** A caller of {@code route} was answered with its entity's {@code state}. */
  public void answered(RouteConfig route, String state) {
    // Only configured states are tags: a query's ?state= is the caller's text and must not grow the series.
    String tag = route.state().answers().containsKey(state) ? state : "other";
    Counter.builder("courier.state.answered").description("Callers answered with their entity's state, by state")
        .tag("route", route.name()).tag("state", tag).register(registry).increment();
  }

  /** A caller of {@code route} was answered 504: its entity did not reach a state in time. */
  public void timedOut(RouteConfig route) {
    counters(route).timeouts.increment();
  }

  private RouteCounters counters(RouteConfig route) {
    return counters.computeIfAbsent(route.name(), name -> new RouteCounters(
        Counter.builder("courier.state.waits").description("Callers that waited for their entity's state")
            .tag("route", name).register(registry),
        Counter.builder("courier.state.timeouts").description("Callers whose entity did not reach a state in time (504)")
            .tag("route", name).register(registry)));
  }

  private record RouteCounters(Counter waits, Counter timeouts) {}
}
