package io.courier.gateway.exchange;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StateConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.state.EntityState;
import io.courier.gateway.state.StateAnswers;
import io.courier.gateway.state.StateView;
import io.courier.gateway.state.States;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A caller of an event-driven route waiting for its entity to reach a state (ADR 0004): until the entity's
 * state is one it waits for, or a time limit passes, whichever comes first; then exactly one outcome goes to
 * the exchange, on the front end's thread. The watch is registered in the {@link StateView} before the
 * command is produced, and a state already known counts, so a state written before the wait began still
 * answers. Confined to the front end's thread, but for the view's callback, which only hops to it.
 */
final class EntityWait extends OneWait {
  private final States states;
  private final StateView view;
  private final RouteConfig route;
  private final DeadlineScheduler deadlines;
  private final FrontEnd frontEnd;

  EntityWait(States states, RouteConfig route, DeadlineScheduler deadlines, FrontEnd frontEnd) {
    this.states = states;
    this.view = states.view(route.state().topic());
    this.route = route;
    this.deadlines = deadlines;
    this.frontEnd = frontEnd;
  }

  /**
   * Waits up to {@code limit} for {@code entity} to reach one of {@code wanted} (answered 200) or of the
   * route's {@code answers} (answered with their status); {@code then} gets the outcome: that answer, or 504
   * {@code state-timeout} naming the last state seen. Replaces any wait in progress.
   *
   * @param wanted states answered 200 whatever {@code answers} says (a query's {@code ?state=}); empty for a
   *     command
   */
  void await(String entity, Set<String> wanted, Duration limit, Consumer<Outcome> then) {
    begin();
    StateConfig config = route.state();
    states.waited(route);
    Runnable stopTimer =
        deadlines.schedule(limit, () -> frontEnd.execute(() -> end(() -> then.accept(timedOut(entity)))));
    Runnable stopWatching =
        view.watch(entity, now -> wanted.contains(now.state()) || config.answers().containsKey(now.state()),
            now -> frontEnd.execute(() -> end(() -> then.accept(answer(now, wanted)))));
    stopWith(() -> { // at once if answered from the state known already: the timer is not needed then
      stopWatching.run();
      stopTimer.run();
    });
  }

  /** The entity's state now, answered 200 (a query without a wait); 404 when it has none. */
  Outcome now(String entity) {
    EntityState now = view.get(entity);
    if (now == null) {
      return new Outcome.Failed(GatewayError.ENTITY_NOT_FOUND, "entity " + entity + " has no state (yet)");
    }
    states.answered(route, now.state());
    return StateAnswers.answer(now, 200, route.state().body());
  }

  /** The outcome at the deadline of a wait that is not over: 504 with the last state seen. */
  Outcome timedOut(String entity) {
    states.timedOut(route);
    return new Outcome.Failed(GatewayError.STATE_TIMEOUT, StateAnswers.lastSeen(entity, entity == null ? null : view.get(entity)));
  }

  private Outcome answer(EntityState reached, Set<String> wanted) {
    states.answered(route, reached.state());
    int status = wanted.contains(reached.state()) ? 200 : route.state().answers().get(reached.state());
    return StateAnswers.answer(reached, status, route.state().body());
  }

  /**
   * The states a query asks for: every {@code state} parameter of the query string
   * ({@code ?state=VALIDATED&state=FAILED}), percent-decoded; empty when there is none.
   */
  static Set<String> wantedStates(String query) {
    if (query == null || query.isEmpty()) {
      return Set.of();
    }
    Set<String> wanted = new java.util.LinkedHashSet<>();
    for (String parameter : query.split("&")) {
      int equals = parameter.indexOf('=');
      if (equals > 0 && parameter.substring(0, equals).equals("state") && equals < parameter.length() - 1) {
        wanted.add(java.net.URLDecoder.decode(parameter.substring(equals + 1), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return wanted;
  }

}
