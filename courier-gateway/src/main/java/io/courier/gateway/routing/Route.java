package io.courier.gateway.routing;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.cors.CorsPolicy;
import io.courier.gateway.path.PathTemplate;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A configured route at run time: its settings, its parsed template and its in-flight count. Thread-safe.
 */
public final class Route {
  private final RouteConfig config;
  private final PathTemplate template;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final CorsPolicy cors;
  private final RateLimiter rateLimiter;

  public Route(RouteConfig config) {
    this.config = config;
    this.template = PathTemplate.parse(config.path());
    this.cors = CorsPolicy.of(config.cors(), config.method());
    this.rateLimiter = config.rateLimit() == null ? null : new RateLimiter(config.rateLimit());
  }

  /** The route's per-caller limit, or {@code null} when it has none. */
  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public RouteConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  /** The route's CORS decisions, or {@code null} when browser pages of other origins may not call it. */
  public CorsPolicy cors() {
    return cors;
  }

  PathTemplate template() {
    return template;
  }

  /**
   * Admits one more request if fewer than {@code max-in-flight} are waiting; every {@code true} must be
   * followed by exactly one {@link #release()}.
   */
  public boolean tryAdmit() {
    while (true) {
      int current = inFlight.get();
      if (current >= config.maxInFlight()) {
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        return true;
      }
    }
  }

  public void release() {
    inFlight.decrementAndGet();
  }

  public int inFlight() {
    return inFlight.get();
  }
}
