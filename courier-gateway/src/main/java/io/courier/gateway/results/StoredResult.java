package io.courier.gateway.results;

import io.courier.gateway.pending.Outcome;
import java.time.Instant;

/**
 * One command's result as the results topic holds it ({@code docs/protocol.md}, "The results topic").
 * Immutable.
 *
 * @param id the result id: the request's correlation id, the last segment of its {@code Location}
 * @param state pending until the service replies (or the command is cancelled)
 * @param route the route that made it; only callers of that route may read it
 * @param created when the gateway accepted the command; the result is kept for the retention window from here
 * @param deadline the request's deadline
 * @param scope the idempotency scope ({@code <route> <key>}) when the request carried an {@code
 *     Idempotency-Key}, else {@code null}
 * @param fingerprint hex SHA-256 of what makes a retry the same request, with {@code scope}; else {@code null}
 * @param requestTopic the topic the request went to
 * @param requestPartition the partition the request went to, or -1 while not known (a claim written before
 *     its request)
 * @param reply the service's reply once {@link State#DONE}, else {@code null}
 * @param owner the identity ({@code <kind>:<name>}) of the caller whose command it is, on routes with
 *     authentication; only that caller may read or cancel it. {@code null} on open routes.
 */
public record StoredResult(
    String id,
    State state,
    String route,
    Instant created,
    Instant deadline,
    String scope,
    String fingerprint,
    String requestTopic,
    int requestPartition,
    Outcome.Replied reply,
    String owner) {

  /** Where a result is in its life. A later state never gives way to an earlier one. */
  public enum State {
    PENDING,
    CANCELLED,
    DONE;

    /** The value in {@code courier-result-state}. */
    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public StoredResult {
    if ((state == State.DONE) != (reply != null)) {
      throw new IllegalArgumentException("a result has a reply exactly when it is done: " + id);
    }
  }

  /** A pending result. */
  public static StoredResult pending(
      String id, String route, Instant created, Instant deadline, String scope, String fingerprint, String requestTopic, int requestPartition) {
    return new StoredResult(id, State.PENDING, route, created, deadline, scope, fingerprint, requestTopic, requestPartition, null, null);
  }

  /** This result, the command of the caller {@code owner} ({@link io.courier.gateway.auth.Identity#scope()}), or of nobody in particular. */
  public StoredResult ownedBy(String owner) {
    return new StoredResult(id, state, route, created, deadline, scope, fingerprint, requestTopic, requestPartition, reply, owner);
  }

  /** This result, done with {@code reply}. */
  public StoredResult done(Outcome.Replied reply) {
    return new StoredResult(id, State.DONE, route, created, deadline, scope, fingerprint, requestTopic, requestPartition, reply, owner);
  }

  /** This result, cancelled. */
  public StoredResult cancelled() {
    return new StoredResult(id, State.CANCELLED, route, created, deadline, scope, fingerprint, requestTopic, requestPartition, null, owner);
  }

  /** This result, its request now known to be in {@code partition}. */
  public StoredResult inPartition(int partition) {
    return new StoredResult(id, state, route, created, deadline, scope, fingerprint, requestTopic, partition, reply, owner);
  }

  public boolean isFinal() {
    return state != State.PENDING;
  }

  /** A rough size in memory, for the view's bound: the body, the reply's header fields and the fields. */
  long weight() {
    long weight = 256 + id.length() + route.length() + (scope == null ? 0 : scope.length() + 64) + (owner == null ? 0 : owner.length());
    if (reply != null) {
      weight += reply.body().length;
      for (int i = 0; i < reply.headers().size(); i++) {
        weight += reply.headers().name(i).length() + reply.headers().value(i).length + 32;
      }
    }
    return weight;
  }
}
