package io.courier.gateway.metrics;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** The meters of one route. Thread-safe. */
public final class RouteMetrics {
  private static final int MAX_STATUS = 600;

  private final MeterRegistry registry;
  private final String route;
  private final AtomicReferenceArray<Timer> byStatus = new AtomicReferenceArray<>(MAX_STATUS);
  private final Map<GatewayError, Counter> errors = new EnumMap<>(GatewayError.class);
  private final Counter droppedReplyHeaders;
  private final Counter cancels;
  /** Only streaming routes have stream meters; {@code null} for the others. */
  private final StreamMetrics stream;
  /** Refused callers by reason; only routes with authentication have them. */
  private final Map<String, Counter> authenticationRefused = new java.util.HashMap<>();
  private final Map<IdempotencyOutcome, Counter> idempotency = new EnumMap<>(IdempotencyOutcome.class);
  private final Map<Stage, Timer> stages = new EnumMap<>(Stage.class);

  /**
   * The parts of a request's latency the gateway can see, one after the other; their sum is about the
   * {@code courier.requests} time of a replied request.
   */
  public enum Stage {
    /** Route matched → Kafka acknowledged the request record: body read, publisher queue, produce (acks=all). */
    PRODUCE,
    /**
     * Kafka acknowledged the request → the gateway holding the caller has the reply: the service's fetch,
     * handler and reply produce, the gateway's fetch, and a forward when the reply landed on another instance.
     */
    SERVICE,
    /** The reply handed over → the response written to the caller's connection: the event-loop hop and the write. */
    ANSWER;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What became of a request that carried an {@code Idempotency-Key}. */
  public enum IdempotencyOutcome {
    /** The first request with its key: produced. */
    FIRST,
    /** A retry answered with the first request's result, without a second record. */
    REPLAYED,
    /** A retry refused with 409 while the first was in progress. */
    CONFLICT,
    /** The key was reused with a different request: 422. */
    MISMATCH;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  RouteMetrics(MeterRegistry registry, Route route) {
    this.registry = registry;
    this.route = route.name();
    Gauge.builder("courier.requests.in.flight", route::inFlight)
        .description("Requests of the route waiting for a reply")
        .tag("route", this.route)
        .register(registry);
    for (GatewayError error : GatewayError.values()) {
      errors.put(
          error,
          Counter.builder("courier.errors")
              .description("Requests the gateway answered with an error of its own")
              .tag("route", this.route)
              .tag("error", error.slug())
              .register(registry));
    }
    // Only routes that read Idempotency-Key have these: no zero series for the others.
    for (IdempotencyOutcome outcome : route.config().idempotency().enabled() ? IdempotencyOutcome.values() : new IdempotencyOutcome[0]) {
      idempotency.put(
          outcome,
          Counter.builder("courier.idempotency")
              .description("Requests with an Idempotency-Key, by what became of them")
              .tag("route", this.route)
              .tag("outcome", outcome.tag())
              .register(registry));
    }
    if (route.config().access().protectedRoute()) {
      for (String reason : io.courier.gateway.auth.Authenticator.REASONS) {
        authenticationRefused.put(
            reason,
            Counter.builder("courier.authentication.refused")
                .description("Callers refused by the route's authentication: missing, invalid or expired credentials (401), forbidden (403), unavailable keys (503)")
                .tag("route", this.route)
                .tag("reason", reason)
                .register(registry));
      }
    }
    for (Stage stage : Stage.values()) {
      stages.put(
          stage,
          Timer.builder("courier.request.stages")
              .description("Where a replied request's time goes: produce (to Kafka's acknowledgement), service (to the reply read), answer (to the response written)")
              .tag("route", this.route)
              .tag("stage", stage.tag())
              .publishPercentileHistogram()
              // produce and answer take well under Micrometer's default 1 ms floor: buckets from 50 µs show them
              .minimumExpectedValue(Duration.ofNanos(50_000))
              .register(registry));
    }
    stream = route.config().streams() ? new StreamMetrics(registry, this.route) : null;
    cancels =
        Counter.builder("courier.cancels")
            .description("Cancel markers sent for requests whose callers went away")
            .tag("route", this.route)
            .register(registry);
    droppedReplyHeaders =
        Counter.builder("courier.reply.headers.dropped")
            .description("Reply header fields left out of HTTP responses: a name that is not a token, or a value with control characters")
            .tag("route", this.route)
            .register(registry);
  }

  /** Header fields of a reply left out of the HTTP response because HTTP cannot carry them. */
  public void droppedReplyHeaders(int fields) {
    droppedReplyHeaders.increment(fields);
  }

  /** A request with an {@code Idempotency-Key} was found to be a first request, a retry, or a reuse. */
  public void idempotency(IdempotencyOutcome outcome) {
    Counter counter = idempotency.get(outcome);
    if (counter != null) {
      counter.increment();
    }
  }

  /** A caller was refused by the route's authentication, for {@code reason} ({@link io.courier.gateway.auth.Authenticator#REASONS}). */
  public void authenticationRefused(String reason) {
    Counter counter = authenticationRefused.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }

  /** The stream meters of a streaming route; {@code null} for a route that takes one reply per request. */
  public StreamMetrics stream() {
    return stream;
  }

  /** A cancel marker was queued for a request whose caller went away. */
  public void cancelSent() {
    cancels.increment();
  }

  /** One request answered, whoever answered it. */
  public void answered(int status, long nanos) {
    timer(status).record(nanos, TimeUnit.NANOSECONDS);
  }

  /** One stage of one request took {@code nanos} nanoseconds; negative values (clocks of two threads) count as 0. */
  public void stage(Stage stage, long nanos) {
    stages.get(stage).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  /** One request answered by the gateway with an error of its own. */
  public void error(GatewayError error) {
    errors.get(error).increment();
  }

  private Timer timer(int status) {
    int index = status >= 0 && status < MAX_STATUS ? status : 0;
    Timer timer = byStatus.get(index);
    if (timer == null) {
      timer =
          Timer.builder("courier.requests")
              .description("HTTP requests by route and response status, from arrival to response")
              .tag("route", route)
              .tag("status", Integer.toString(status))
              .publishPercentileHistogram()
              .register(registry);
      byStatus.compareAndSet(index, null, timer);
    }
    return timer;
  }
}
