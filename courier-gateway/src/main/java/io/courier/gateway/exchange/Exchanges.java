package io.courier.gateway.exchange;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.routing.Route;
import io.courier.gateway.routing.RouteMatch;
import io.courier.protocol.CorrelationIds;
import io.courier.gateway.results.ResultStore;
import io.courier.gateway.state.States;
import io.courier.gateway.auth.Authentication;
import io.courier.gateway.auth.Identity;
import io.courier.gateway.tracing.RequestTrace;
import io.courier.gateway.tracing.Tracing;
import java.time.Clock;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * The exchange core every front end shares: it opens an {@link Exchange} per routed request (step 3,
 * admit) and gives it what it needs for the rest (register, publish, outcome, release). No Vert.x here:
 * time comes from an injected clock and deadline scheduler, Kafka from a {@link RecordPublisher}, the caller
 * from a {@link FrontEnd}.
 *
 * <p>Thread-safe: one instance serves every front-end thread.
 */
public final class Exchanges {
  private static final Tracing UNTRACED = Tracing.propagating();
  final PendingReplies pending;
  final RecordPublisher publisher;
  final IntSupplier replyPartition;
  final CorrelationIds correlationIds;
  final String responseTopic;
  final Clock clock;
  final DeadlineScheduler deadlines;
  /** Where results are kept; {@code null} when results are switched off. */
  final ResultStore results;
  /** The longest {@code Prefer: wait} honoured. */
  final Duration maxWait;
  final Tracing tracing;
  /** The state topics of event-driven routes (ADR 0004); {@code null} when no route has one. */
  final States states;
  private final Readiness readiness;
  private final Map<Route, RouteMetrics> metrics;

  /**
   * @param replyPartition the reply partition the next request names (one this instance reads now)
   * @param metrics the meters of each route
   * @param results where async results and idempotency claims are kept, or {@code null} when switched off
   * @param maxWait the longest {@code Prefer: wait} honoured
   * @param tracing the trace context, and spans, of each exchange
   * @param states the state topics of event-driven routes (ADR 0004), or {@code null} when no route has a state block
   */
  public Exchanges(
      PendingReplies pending,
      RecordPublisher publisher,
      IntSupplier replyPartition,
      CorrelationIds correlationIds,
      String responseTopic,
      Clock clock,
      DeadlineScheduler deadlines,
      Readiness readiness,
      List<Route> routes,
      Function<Route, RouteMetrics> metrics,
      ResultStore results,
      Duration maxWait,
      Tracing tracing,
      States states) {
    this.states = states;
    this.pending = pending;
    this.publisher = publisher;
    this.replyPartition = replyPartition;
    this.correlationIds = correlationIds;
    this.responseTopic = responseTopic;
    this.clock = clock;
    this.deadlines = deadlines;
    this.readiness = readiness;
    this.results = results;
    this.maxWait = maxWait;
    this.tracing = tracing;
    Map<Route, RouteMetrics> byRoute = new IdentityHashMap<>();
    routes.forEach(route -> byRoute.put(route, metrics.apply(route)));
    this.metrics = byRoute;
  }

  /**
   * Step 3, admit: opens the exchange of a routed request. It takes a slot of the route when the gateway
   * takes requests and the route is under its in-flight cap; otherwise the exchange is answered at once (503
   * {@code shutting-down}, {@code not-ready} or {@code overloaded}) and comes back closed. The slot is given
   * back when the exchange finishes, whichever way. Its trace starts here, continuing the caller's. A caller
   * the front end's authentication refused is answered with that refusal first (401, 403, or 503). Call on
   * the front end's thread.
   *
   * @param authentication the outcome of step 3a, authenticate ({@link io.courier.gateway.auth.Authenticator})
   */
  public Exchange open(RouteMatch.Found match, CallerRequest request, FrontEnd frontEnd, Authentication authentication) {
    Route route = match.route();
    // A refused caller gets no span: whoever can send a sampled traceparent must not fill the exporter's queue.
    RequestTrace trace =
        authentication instanceof Authentication.Refused ? UNTRACED.start(route.config(), request::headerValues)
            : tracing.start(route.config(), request::headerValues);
    RouteMetrics routeMetrics = metrics.get(route);
    Identity identity = authentication instanceof Authentication.Allowed allowed ? allowed.identity() : null;
    Exchange exchange = new Exchange(this, route, match.pathParams(), routeMetrics, frontEnd, trace, identity);
    Readiness.Refusal refusal = readiness.refusalForCallers(route.config());
    if (authentication instanceof Authentication.Refused refused) {
      routeMetrics.authenticationRefused(refused.reason()); // a 429 has no series here: courier_errors_total counts it
      exchange.refuse(refused.error(), refused.detail());
    } else if (refusal != null) {
      exchange.refuse(refusal.error(), refusal.detail());
    } else if (!route.tryAdmit()) {
      exchange.refuse(
          GatewayError.OVERLOADED,
          "route " + route.name() + " has " + route.config().maxInFlight() + " requests in flight");
    } else {
      exchange.admitted();
    }
    return exchange;
  }

  /**
   * Request {@code correlationId} was cancelled ({@code DELETE} on its result): if this instance waits for its
   * reply, it stops, and a caller still waiting is answered 409 {@code cancelled}.
   */
  public void cancelPending(String correlationId) {
    pending.fail(correlationId, GatewayError.CANCELLED, "the command was cancelled");
  }

  /** Where results are kept, or {@code null} when results are switched off. */
  public ResultStore results() {
    return results;
  }

  /** Whether new requests are taken; the same decision {@link #open} makes. */
  public Readiness readiness() {
    return readiness;
  }
}
