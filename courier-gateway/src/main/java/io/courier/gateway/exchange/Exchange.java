package io.courier.gateway.exchange;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StateConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.gateway.error.ProduceFailures;
import io.courier.gateway.error.RateLimitedLog;
import io.courier.gateway.kafka.RequestPublisher;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.metrics.RouteMetrics.IdempotencyOutcome;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingRequest;
import io.courier.gateway.pending.StreamRecord;
import io.courier.gateway.pending.StreamReorder;
import io.courier.gateway.results.IdempotencyKeys;
import io.courier.gateway.results.ResultDocument;
import io.courier.gateway.results.ResultStore;
import io.courier.gateway.results.StoredResult;
import io.courier.gateway.routing.Route;
import io.courier.gateway.auth.Identity;
import io.courier.gateway.tracing.RequestTrace;
import io.courier.protocol.Profile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One routed request, from admission to answer: admit (by {@link Exchanges#open}) → read by the front end →
 * {@link #publish}: key, claim its {@code Idempotency-Key} (when it has one), register as pending, arm the
 * deadline, hand the record to Kafka → outcome (reply, deadline, produce failure, a failure the front end
 * reports, or the caller leaving; the first wins; or, for {@code Prefer: respond-async}, 202 once Kafka has
 * the request) → release the route slot and answer. The slot is taken in {@link Exchanges#open} and given
 * back in {@link #finish} only, exactly once.
 *
 * <p>A reply that must outlive the caller's wait (a 202, a 504, an idempotent request) is kept as a result
 * ({@link ResultStore}), whenever it comes. On an event-driven route (ADR 0004) the outcome is its entity's
 * state instead ({@link EntityWait}), and a query route produces nothing.
 *
 * <p>Confined to its front end's thread; {@link #onOutcome} (any thread) and the produce callback (the
 * producer's thread) touch only thread-safe state and hop back through {@link FrontEnd#execute}.
 *
 * <p>Longer than our usual bound on purpose: it is the one state machine of a request, and every race it
 * settles (reply, produce acknowledgement, result acknowledgement, deadline, caller leaving, a retry's first
 * request giving up) is a transition between its states; split across classes, no one place would show that
 * each state has exactly one way out. The waiting of a retry is {@link FirstResultWait}, the records {@link
 * RequestRecords} and {@link io.courier.gateway.results.ResultStore}; on a streaming route the caller's side of
 * the stream is {@link ExchangeStream} and its limits {@link StreamLimits}: here are only the transitions
 * (first record, end, a limit or the caller ending it).
 */
public final class Exchange implements PendingRequest.Listener {
  private static final Logger LOGGER = LoggerFactory.getLogger(Exchange.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));
  private static final String PREFER = "prefer";

  private enum State {
    /** Refused at admission: answered, holds no slot. */
    REFUSED,
    /** Holds a slot; the front end reads the request. */
    OPEN,
    /** Its Idempotency-Key is being claimed in the results topic. */
    CLAIMING,
    /** A retry of an earlier request with the same key: waits for that one's result. */
    FOLLOWING,
    /** Registered as pending and handed to Kafka; waits for its outcome (on a state route, also for its entity). */
    PUBLISHED,
    /** A state route's query: waits for its entity's state; nothing is produced. */
    AWAITING_STATE,
    /** Answered (or its caller left); the slot is given back. */
    DONE
  }

  private final Exchanges core;
  private final Route route;
  private final Map<String, String> pathParams;
  private final RouteMetrics metrics;
  private final FrontEnd frontEnd;
  private final RequestTrace trace;
  /** Who the caller proved to be; {@code null} on open routes. */
  private final Identity identity;
  private final long openedNanos = System.nanoTime();
  /** When Kafka acknowledged the request, and when its reply reached this exchange ({@code 0}: not yet). */
  private volatile long producedNanos;
  private volatile long repliedNanos;
  private State state = State.REFUSED;
  private Preferences preferences = Preferences.NONE;
  private ProducerRecord<byte[], byte[]> record;
  private Instant created;
  private PendingRequest pending;
  private Runnable cancelDeadline;
  private Runnable stopWaiting;
  /** The result the reply is kept as; set on the front end's thread, read on Kafka's. */
  private volatile StoredResult result;
  /** The partition of the results topic holding this request's idempotency claim, or -1. */
  private volatile int claimPartition = -1;
  /** The partition Kafka put the request in, once acknowledged. */
  private volatile int requestPartition = -1;
  private volatile boolean cancelWanted;
  /** {@code respond-async} without {@code wait}: a reply that comes before the 202 is held for it. */
  private boolean holdReply;
  private Outcome.Replied earlyReply;
  /** The result of a respond-async request, once Kafka has it: what a 202 points at. */
  private StoredResult acceptedResult;
  private final AtomicBoolean cancelSent = new AtomicBoolean();
  /** On a state route (ADR 0004): the wait for its entity, once it is known; else {@code null}. */
  private EntityWait entityWait;
  /** On a state route: its entity's answer, held until Kafka has the command (a 2xx means it is durable). */
  private Outcome earlyState;
  /** The caller's side of a streamed reply, on a streaming route; else {@code null}. */
  private ExchangeStream stream;
  private StreamReorder streamOrder;
  private StreamLimits streamLimits;

  Exchange(
      Exchanges core, Route route, Map<String, String> pathParams, RouteMetrics metrics, FrontEnd frontEnd, RequestTrace trace,
      Identity identity) {
    this.core = core;
    this.trace = trace;
    this.identity = identity;
    this.route = route;
    this.pathParams = pathParams;
    this.metrics = metrics;
    this.frontEnd = frontEnd;
  }

  void admitted() {
    state = State.OPEN;
  }

  void refuse(GatewayError error, String detail) {
    answer(new Outcome.Failed(error, detail));
  }

  public RouteConfig route() {
    return route.config();
  }

  /** Whether the front end should read the request and {@link #publish} it: admitted, not answered yet. */
  public boolean isOpen() {
    return state == State.OPEN;
  }

  /** The {@code traceparent} the request record carries (or would): the caller's trace, continued or new. */
  public String traceparent() {
    return trace.traceparent();
  }

  /** Who may read this request's result: the caller's identity on routes with authentication, else anyone. */
  private String owner() {
    return identity == null ? null : identity.scope();
  }

  /** The correlation id, once published; {@code null} before. */
  public String correlationId() {
    return pending == null ? null : pending.correlationId();
  }

  /**
   * Steps 5 and 6: takes the record key and the {@code Idempotency-Key}, registers the request as pending,
   * arms its deadline and hands its record to Kafka; a request with an {@code Idempotency-Key} first claims
   * it, and a retry follows the first request's result instead. A request the key cannot be taken from is
   * answered 400 at once. Does nothing unless {@link #isOpen()}. Front end's thread; never blocks.
   */
  public void publish(CallerRequest request, byte[] body) {
    if (state != State.OPEN) {
      return;
    }
    try {
      RouteConfig config = route.config();
      StateConfig stateRoute = core.states == null ? null : config.state();
      if (stateRoute != null && stateRoute.mode() == StateConfig.Mode.QUERY) {
        query(request, body);
        return;
      }
      byte[] key = KeyExtractor.extract(config.key(), pathParams, request, body);
      ResultStore results = core.results;
      String idempotencyKey =
          results == null || !config.idempotency().enabled()
              ? null
              : IdempotencyKeys.read(config.idempotency(), request.headerValues(IdempotencyKeys.HEADER));
      // A state route answers with its entity's state, a streaming route with its stream: neither keeps a
      // result, so respond-async does not apply to them.
      preferences =
          results == null || stateRoute != null || config.streams() ? Preferences.NONE : Preferences.parse(request.headerValues(PREFER));
      holdReply = preferences.respondAsync() && preferences.waitAtMost(core.maxWait).isZero();
      String correlationId = core.correlationIds.next();
      created = core.clock.instant();
      Instant deadline = created.plus(config.timeout());
      // On a streaming route the pending deadline bounds the wait for the first record; the service's is the
      // stream's overall limit.
      Instant serviceDeadline = config.streams() ? created.plus(config.stream().maxDuration()) : deadline;
      record =
          RequestRecords.record(
              config, correlationId, core.responseTopic, core.replyPartition.getAsInt(), serviceDeadline, request, pathParams,
              idempotencyKey, key, body, trace, identity);
      trace.published(config.requestTopic(), correlationId);
      if (config.streams()) {
        streamOrder = new StreamReorder(core.clock.millis());
        stream = new ExchangeStream(config.stream(), metrics.stream(), frontEnd, request.target().path());
      }
      pending = new PendingRequest(correlationId, config.name(), deadline, this, streamOrder);
      if (stateRoute != null && stateRoute.entity() != null) {
        // Watching before the command is produced: whatever state the command leads to is seen.
        awaitEntity(new String(KeyExtractor.extract(stateRoute.entity(), pathParams, request, body), StandardCharsets.UTF_8));
      }
      if (idempotencyKey == null) {
        send();
        return;
      }
      StoredResult claim =
          StoredResult.pending(
              correlationId, config.name(), created, deadline, IdempotencyKeys.scope(config, identity, idempotencyKey),
              IdempotencyKeys.fingerprint(config, fingerprintHeaders(request, config), body), config.requestTopic(), -1)
          .ownedBy(owner());
      state = State.CLAIMING;
      results
          .claim(claim)
          .orTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((claimed, error) -> frontEnd.execute(() -> claimed(claim, claimed, error)));
    } catch (GatewayException e) {
      fail(e.error(), e.getMessage());
    } catch (RuntimeException e) {
      WARNINGS.warn("publish", e, "Request failed unexpectedly route={} error={}", route.name(), e.toString());
      fail(GatewayError.INTERNAL_ERROR, "the gateway failed to send the request");
    }
  }

  /**
   * A state route's query ({@code state.mode: query}): the entity's state now, or, with {@code ?state=} or
   * {@code Prefer: wait=N} (capped by {@code state.max-wait}), once it reaches a wanted state (200), or one
   * of {@code answers} that is not wanted (answered as {@code answers} says). Nothing is produced.
   */
  private void query(CallerRequest request, byte[] body) {
    StateConfig config = route.config().state();
    String entity = new String(KeyExtractor.extract(config.entity(), pathParams, request, body), StandardCharsets.UTF_8);
    EntityWait wait = new EntityWait(core.states, route.config(), core.deadlines, frontEnd);
    java.util.Set<String> wanted = EntityWait.wantedStates(request.query());
    Duration asked = Preferences.parse(request.headerValues(PREFER)).waitFor();
    Duration limit = asked != null ? min(asked, config.maxWait()) : wanted.isEmpty() ? Duration.ZERO : config.maxWait();
    java.util.Set<String> waitFor = wanted.isEmpty() ? config.answers().keySet() : wanted;
    if (limit.isZero() || waitFor.isEmpty()) {
      finish(wait.now(entity));
      return;
    }
    state = State.AWAITING_STATE;
    entityWait = wait;
    stopWaiting = wait::cancel;
    wait.await(entity, waitFor, limit, this::finish);
  }

  /** A command's entity is known (from the request, or the service's reply): wait for its state. Front end's thread. */
  private void awaitEntity(String entity) {
    entityWait = new EntityWait(core.states, route.config(), core.deadlines, frontEnd);
    stopWaiting = entityWait::cancel;
    entityWait.await(entity, java.util.Set.of(), positive(Duration.between(core.clock.instant(), pending.deadline())), this::stateReached);
  }

  /** Front end's thread: the command's entity reached a state it waits for, or the wait ran out. */
  private void stateReached(Outcome outcome) {
    if (!pending.produced()) {
      earlyState = outcome; // answered once Kafka has the command (produced), or failed if it never does
      return;
    }
    core.pending.cancel(pending.correlationId()); // no reply is waited for any more (if none came yet)
    finish(outcome);
  }

  /** Any thread: a state route's outcome of the correlated request. */
  private void onStateRouteOutcome(Outcome outcome) {
    if (outcome instanceof Outcome.Replied replied && replied.status() < 400) {
      com.fasterxml.jackson.core.JsonPointer inReply = route.config().state().entityInReply();
      if (inReply != null) {
        frontEnd.execute(() -> entityFromReply(inReply, replied));
      }
      return; // the service took the command; the entity's state answers
    }
    if (outcome instanceof Outcome.Failed failed && failed.error() == GatewayError.TIMEOUT && entityWait != null) {
      return; // the wait's own timer, at the same deadline, answers with the last state seen
    }
    frontEnd.execute(() -> finish(outcome)); // an error reply, Kafka refusing the command, or no reply naming the entity
  }

  /** Front end's thread: a service that assigns the entity id named it in its reply. */
  private void entityFromReply(com.fasterxml.jackson.core.JsonPointer pointer, Outcome.Replied replied) {
    if (state != State.PUBLISHED) {
      return;
    }
    String entity;
    try {
      entity = JsonKey.find(pointer, replied.body());
    } catch (GatewayException e) {
      finish(new Outcome.Failed(GatewayError.BAD_REPLY, "the service's reply names no entity at " + pointer));
      return;
    }
    awaitEntity(entity);
  }

  private static List<List<String>> fingerprintHeaders(CallerRequest request, RouteConfig config) {
    List<List<String>> values = new ArrayList<>();
    for (String name : config.idempotency().fingerprintHeaders()) {
      values.add(request.headerValues(name));
    }
    return values;
  }

  /** Front end's thread: the claim on the Idempotency-Key is decided. */
  private void claimed(StoredResult claim, ResultStore.Claim claimed, Throwable error) {
    if (state != State.CLAIMING) {
      if (!(claimed instanceof ResultStore.Claim.Taken)) {
        core.results.release(claim); // its caller left before it was sent: a retry may run it
      }
      return;
    }
    if (error != null) {
      core.results.release(claim); // it may still land later: it must not hold the key then
      WARNINGS.warn("claim", error, "Idempotency-Key not claimed route={} error={}", route.name(), error.toString());
      finish(new Outcome.Failed(GatewayError.RESULTS_UNAVAILABLE, "the Idempotency-Key could not be recorded in time"));
    } else if (claimed instanceof ResultStore.Claim.Won won) {
      metrics.idempotency(IdempotencyOutcome.FIRST);
      claimPartition = won.partition();
      result = claim;
      send();
    } else {
      follow(claim, ((ResultStore.Claim.Taken) claimed).holder());
    }
  }

  /**
   * Front end's thread: a retry; answered with the first request's result, never produced again. It waits
   * for that result (up to the deadline), or, with {@code respond-async}, for up to its {@code wait} and then
   * answers 202 with the first one's {@code Location}, but only once the first one is in Kafka. If the first
   * one gives the key up meanwhile (Kafka refused it), the retry claims the key again.
   */
  private void follow(StoredResult retry, StoredResult first) {
    if (first == null) {
      finish(new Outcome.Failed(GatewayError.IDEMPOTENCY_IN_PROGRESS, "the request with this Idempotency-Key keeps changing hands"));
      return;
    }
    if (!first.fingerprint().equals(retry.fingerprint())) {
      metrics.idempotency(IdempotencyOutcome.MISMATCH);
      finish(new Outcome.Failed(
          GatewayError.IDEMPOTENCY_KEY_REUSED, "this Idempotency-Key was used for a different request on this route"));
      return;
    }
    if (!first.isFinal() && route.config().idempotency().duplicates() == io.courier.gateway.config.Idempotency.Duplicates.CONFLICT) {
      metrics.idempotency(IdempotencyOutcome.CONFLICT);
      finish(new Outcome.Failed(GatewayError.IDEMPOTENCY_IN_PROGRESS, "the first request with this Idempotency-Key is still in progress"));
      return;
    }
    metrics.idempotency(IdempotencyOutcome.REPLAYED);
    state = State.FOLLOWING;
    FirstResultWait wait = new FirstResultWait(core.results.view(), core.deadlines, frontEnd);
    stopWaiting = wait::cancel;
    Duration toDeadline = positive(Duration.between(core.clock.instant(), pending.deadline()));
    Runnable timedOut = () -> finish(new Outcome.Failed(GatewayError.TIMEOUT, "no reply within the route's timeout", first.id()));
    if (!preferences.respondAsync()) {
      wait.await(first.id(), StoredResult::isFinal, toDeadline, now -> followed(retry, now), timedOut);
      return;
    }
    // respond-async: the final result within the wait, else a 202, but only once the first one is in Kafka.
    Duration patience = min(preferences.waitAtMost(core.maxWait), toDeadline);
    Runnable thenAccept =
        () -> wait.await(first.id(), now -> now.isFinal() || now.requestPartition() >= 0, toDeadline.minus(patience),
            now -> followed(retry, now), timedOut);
    if (patience.isZero()) {
      thenAccept.run();
    } else {
      wait.await(first.id(), StoredResult::isFinal, patience, now -> followed(retry, now), thenAccept);
    }
  }

  /** Front end's thread: the first request's result is final, or in Kafka (async), or gone ({@code null}). */
  private void followed(StoredResult retry, StoredResult first) {
    if (state != State.FOLLOWING) {
      return;
    }
    stopWaiting = null;
    if (first == null) {
      // The first request gave its key up (Kafka refused it): this one claims it again, and may run.
      state = State.CLAIMING;
      core.results
          .claim(retry)
          .orTimeout(positive(Duration.between(core.clock.instant(), pending.deadline())).toMillis(), TimeUnit.MILLISECONDS)
          .whenComplete((claimed, error) -> frontEnd.execute(() -> claimed(retry, claimed, error)));
    } else if (first.isFinal()) {
      finish(asOutcome(first));
    } else {
      finish(accepted(first));
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private Outcome.Accepted accepted(StoredResult result) {
    return new Outcome.Accepted(result.id(), preferences.applied(core.maxWait), ResultDocument.toJson(result, core.clock.instant()));
  }

  private static Outcome asOutcome(StoredResult done) {
    return done.state() == StoredResult.State.DONE
        ? done.reply()
        : new Outcome.Failed(GatewayError.CANCELLED, "the request with this Idempotency-Key was cancelled", done.id());
  }

  /** Registers the request as pending, arms its deadline and sends (or queues) its record. Front end's thread. */
  private void send() {
    String correlationId = pending.correlationId();
    core.pending.register(pending);
    state = State.PUBLISHED; // only once registered: a failure before this is answered as an open one
    cancelDeadline =
        core.deadlines.schedule(positive(Duration.between(core.clock.instant(), pending.deadline())), () -> core.pending.expire(correlationId));
    if (!core.publisher.publish(record, pending.deadline(), this::produced)) {
      core.pending.fail(correlationId, GatewayError.OVERLOADED, "the queue in front of Kafka is full"); // a claim is released there
    }
  }

  /**
   * The front end cannot go on with the request (its body is too large or never came, say): it is answered
   * with {@code error}, or, once published, as soon as the race with its reply allows. Front end's thread.
   */
  public void fail(GatewayError error, String detail) {
    if (state == State.OPEN || state == State.CLAIMING || state == State.FOLLOWING || state == State.AWAITING_STATE) {
      finish(new Outcome.Failed(error, detail));
    } else if (state == State.PUBLISHED) {
      core.pending.fail(pending.correlationId(), error, detail);
    }
  }

  /**
   * The caller went away: nobody is answered, the slot is given back now. A request already sent is
   * cancelled (a cancel marker to its partition, for services that speak the Courier profile), unless its
   * result is kept (it carries an Idempotency-Key, or asked respond-async): its caller is expected to come
   * back or retry, and then gets that result. Front end's thread.
   */
  public void callerGone() {
    if (state == State.OPEN || state == State.CLAIMING || state == State.FOLLOWING || state == State.AWAITING_STATE) {
      finish(null);
    } else if (state == State.PUBLISHED && core.pending.cancel(pending.correlationId())) {
      if (result == null) {
        cancelWanted = true;
        sendCancelMarker();
      }
      finish(null);
    } else if (state == State.PUBLISHED && entityWait != null) {
      finish(null); // replied already; only the wait for its entity was left
    }
  }

  /** Any thread: once both the caller has left and Kafka has placed the request, the marker goes, once. */
  private void sendCancelMarker() {
    int partition = requestPartition;
    if (!cancelWanted || partition < 0 || route.config().profile() != Profile.COURIER || !cancelSent.compareAndSet(false, true)) {
      return; // Spring and Zilla listeners would take the marker for a request
    }
    ProducerRecord<byte[], byte[]> marker = ResultStore.cancelMarker(record.topic(), partition, pending.correlationId());
    // A stream outlives its first-record deadline: its marker may wait in the queue as long as a request.
    Instant queueDeadline = stream != null ? core.clock.instant().plus(route.config().timeout()) : pending.deadline();
    if (core.publisher.publish(marker, queueDeadline, (metadata, error) -> {})) {
      metrics.cancelSent();
    }
  }

  /** The producer's callback: its I/O thread, or the publisher's thread when {@code send} failed at once. */
  private void produced(RecordMetadata metadata, Exception failure) {
    if (failure == null) {
      producedNanos = System.nanoTime();
      metrics.stage(RouteMetrics.Stage.PRODUCE, producedNanos - openedNanos);
      requestPartition = metadata.partition();
      trace.produced(metadata.partition(), metadata.offset());
      pending.markProduced();
      sendCancelMarker();
      if (entityWait != null) {
        frontEnd.execute(this::answerEarlyState);
      }
      if (preferences.respondAsync()) {
        frontEnd.execute(this::accepted);
      } else if (claimPartition >= 0) {
        // The claim, now with where the request is: retries may answer 202 for it, DELETE may cancel it.
        core.results.store(result.inPartition(requestPartition));
      }
      return;
    }
    StoredResult claim = result;
    if (claim != null && claimPartition >= 0) {
      core.results.release(claim); // never reached Kafka: a retry must be able to run
      result = null;
    }
    if (failure instanceof RequestPublisher.DeadlinePassedException) {
      // Never sent: its deadline passed in the queue; the caller has had its 503 kafka-unavailable.
      core.pending.fail(pending.correlationId(), GatewayError.KAFKA_UNAVAILABLE, "not sent before the deadline");
      return;
    }
    GatewayError error = ProduceFailures.classify(failure);
    // The exception names topics and brokers: for the operator's log, never for the caller.
    WARNINGS.warn(
        "produce-" + failure.getClass().getName(),
        failure,
        "Kafka did not take a request route={} requestTopic={} correlationId={} error={} exception={}",
        route.name(), route.config().requestTopic(), pending.correlationId(), error.slug(), failure.toString());
    core.pending.fail(pending.correlationId(), error, ProduceFailures.detail(error));
  }

  /** Front end's thread: Kafka has a state route's command; an answer its entity gave meanwhile goes now. */
  private void answerEarlyState() {
    if (state == State.PUBLISHED && earlyState != null) {
      stateReached(earlyState);
    }
  }

  /** Front end's thread, {@code Prefer: respond-async}: Kafka has the request; keep its result, then 202. */
  private void accepted() {
    if (state != State.PUBLISHED) {
      return; // answered already: a reply faster than the acknowledgement
    }
    StoredResult accepted = resultOfThisRequest();
    result = accepted;
    core.results.store(accepted).whenComplete((stored, error) -> frontEnd.execute(() -> resultStored(accepted, error)));
  }

  private void resultStored(StoredResult accepted, Throwable error) {
    if (state != State.PUBLISHED) {
      return;
    }
    if (error != null) {
      // No result to point at: the preference is ignored and the caller waits for the reply as usual.
      WARNINGS.warn("result", error, "Result not stored, answering synchronously route={} error={}", route.name(), error.toString());
      holdReply = false;
      if (earlyReply != null) {
        finish(earlyReply);
      }
      return;
    }
    acceptedResult = accepted;
    Duration wait = preferences.waitAtMost(core.maxWait);
    if (earlyReply != null) {
      // The reply came first: it is the result, kept before the 202 points at it.
      StoredResult done = accepted.done(earlyReply);
      core.results.store(done).whenComplete((stored, failed) -> frontEnd.execute(() -> finish(accepted(done))));
    } else if (wait.isZero()) {
      finish(accepted(accepted));
    } else {
      stopWaiting = core.deadlines.schedule(wait, () -> frontEnd.execute(() -> {
        if (state == State.PUBLISHED) {
          finish(accepted(accepted));
        }
      }));
    }
  }


  /** The pending result of this request, in its partition once Kafka has placed it. */
  private StoredResult resultOfThisRequest() {
    StoredResult known = result;
    StoredResult base =
        known != null
            ? known
            : StoredResult.pending(
                pending.correlationId(), route.name(), created, pending.deadline(), null, null, record.topic(), -1)
                .ownedBy(owner());
    return base.inPartition(requestPartition);
  }

  /**
   * Any thread: the first of reply, deadline and failure. A reply whose result is kept is stored whether or
   * not anybody still waits for it; a 504 keeps a result for the reply that may still come, and points the
   * caller to it.
   */
  @Override
  public void onOutcome(Outcome outcome) {
    if (outcome instanceof Outcome.Replied) {
      repliedNanos = System.nanoTime();
      trace.replied();
    }
    if (core.states != null && route.config().state() != null) {
      onStateRouteOutcome(outcome);
      return;
    }
    Outcome answer = outcome;
    ResultStore results = core.results;
    StoredResult kept = result;
    if (stream != null) {
      frontEnd.execute(() -> finish(outcome)); // a stream keeps no result
      return;
    }
    if (results != null && outcome instanceof Outcome.Replied replied && kept != null) {
      keep(kept.done(replied));
    } else if (results != null && kept != null && outcome instanceof Outcome.Failed failed
        && failed.error() != GatewayError.TIMEOUT && failed.error() != GatewayError.CANCELLED) {
      if (pending.produced()) {
        keep(kept.done(HttpReplies.problem(failed))); // the service has it: a retry gets this same answer
      } else if (claimPartition >= 0) {
        results.release(kept); // it never reached Kafka (the queue was full): a retry must be able to run
        result = null;
      }
    } else if (results != null && outcome instanceof Outcome.Failed failed && failed.error() == GatewayError.TIMEOUT) {
      StoredResult late = resultOfThisRequest();
      if (kept == null || kept.requestPartition() != late.requestPartition()) {
        result = late;
        results.view().put(late); // at once: a reply read a moment from now must find it
        results.store(late).exceptionally(error -> {
          WARNINGS.warn("result", error, "Result of a timed-out request not kept route={} error={}", route.name(), error.toString());
          return null;
        });
      }
      answer = new Outcome.Failed(failed.error(), failed.detail(), late.id());
    }
    Outcome decided = answer;
    frontEnd.execute(() -> finish(decided));
  }

  private void keep(StoredResult done) {
    core.results.store(done).exceptionally(error -> {
      WARNINGS.warn("result", error, "Reply not kept as a result route={} error={}", route.name(), error.toString());
      return null;
    });
  }

  /** A record of this request's stream, in order; under the stream's lock: only queue it. */
  @Override
  public void onStreamRecord(StreamRecord streamRecord) {
    if (!stream.queue(streamRecord)) {
      core.pending.fail(pending.correlationId(), GatewayError.SLOW_READER, "the caller did not read the stream fast enough");
      return;
    }
    frontEnd.execute(this::streamed);
  }

  /** Front end's thread: gives the queued stream records on; the first one starts the stream's own limits. */
  private void streamed() {
    if (state != State.PUBLISHED) {
      return;
    }
    boolean before = stream.begun();
    StreamEnd end = stream.drain();
    if (end != null) {
      finishStream(end);
    } else if (!before && stream.begun()) {
      cancelDeadline.run(); // the wait for the first record is over
      streamLimits =
          new StreamLimits(core.deadlines, core.clock, core.pending, pending.correlationId(), streamOrder, route.config().stream());
      streamLimits.arm(created);
    }
  }

  /**
   * Front end's thread: the stream is over, by its end marker, the gateway's own end ({@code end} with an
   * error) or the caller leaving ({@code null}). Gives the slot back, stops the responder unless the service
   * ended the stream itself, and writes the end.
   */
  private void finishStream(StreamEnd end) {
    state = State.DONE;
    cancelDeadline.run();
    if (streamLimits != null) {
      streamLimits.stop();
    }
    core.pending.cancel(pending.correlationId()); // the gateway's own end: nothing more is taken
    route.release();
    if (end == null || end.error() != null) {
      cancelWanted = true;
      sendCancelMarker();
    }
    if (end == null) {
      stream.cancelled();
      trace.callerGone();
      return;
    }
    Outcome assembled = stream.finish(end);
    if (assembled != null) {
      answer(assembled);
    } else {
      if (end.error() != null) {
        metrics.error(end.error());
      }
      metrics.answered(200, System.nanoTime() - openedNanos);
      trace.answered(200, end.error() == null ? "streamed" : end.error().slug());
    }
  }

  /** Front end's thread: gives the slot back once, then answers unless the caller left ({@code null}). */
  private void finish(Outcome outcome) {
    if (state == State.DONE || state == State.REFUSED) {
      return;
    }
    if (stream != null && state == State.PUBLISHED && (stream.begun() || stream.hasQueued())) {
      // Mid-stream, the outcome ends the stream: the records queued before it go out first.
      StreamEnd end = stream.drain();
      if (stream.begun()) {
        finishStream(end != null ? end : outcome instanceof Outcome.Failed failed ? stream.end(failed.error(), failed.detail()) : null);
        return;
      }
    }
    if (stream != null && state == State.PUBLISHED && outcome instanceof Outcome.Failed) {
      // The gateway gives up before the stream began (no first record within the route's timeout, say); the
      // service's deadline is the stream's overall limit, so it would go on producing to nobody.
      cancelWanted = true;
      sendCancelMarker();
    }
    if (acceptedResult != null && outcome instanceof Outcome.Failed failed && failed.error() == GatewayError.TIMEOUT) {
      outcome = accepted(acceptedResult); // respond-async, wait=N with N past the deadline: still a 202
    }
    if (holdReply && state == State.PUBLISHED && outcome instanceof Outcome.Replied replied) {
      // respond-async without wait is always a 202: a reply faster than the result's record waits for it.
      earlyReply = replied;
      return;
    }
    state = State.DONE;
    if (stopWaiting != null) {
      stopWaiting.run();
    }
    // After a 202 the request stays pending: its reply is still to be kept, and its deadline ends the wait.
    if (cancelDeadline != null && !(outcome instanceof Outcome.Accepted)) {
      cancelDeadline.run();
    }
    route.release();
    if (outcome != null) {
      answer(outcome);
    } else {
      trace.callerGone();
    }
  }

  private void answer(Outcome outcome) {
    Outcome fitted = outcome;
    if (outcome instanceof Outcome.Replied replied) {
      HttpReplies.Fitted fit = HttpReplies.fit(replied);
      fitted = fit.outcome();
      if (fit.droppedFields() > 0) {
        metrics.droppedReplyHeaders(fit.droppedFields());
      }
    }
    int status;
    String outcomeName;
    if (fitted instanceof Outcome.Failed failed) {
      metrics.error(failed.error());
      status = failed.error().status();
      outcomeName = failed.error().slug();
    } else if (fitted instanceof Outcome.Replied replied) {
      status = replied.status();
      outcomeName = "replied";
    } else {
      status = 202;
      outcomeName = "accepted";
    }
    metrics.answered(status, System.nanoTime() - openedNanos);
    trace.answered(status, outcomeName);
    frontEnd.answer(fitted);
    recordStages(fitted);
  }

  /** The service and answer stages of a request answered with its reply (the produce stage is recorded on acknowledgement). */
  private void recordStages(Outcome answered) {
    long replied = repliedNanos;
    long produced = producedNanos;
    if (!(answered instanceof Outcome.Replied) || replied == 0) {
      return; // a gateway error, a 202, or a retry answered with the first request's result
    }
    if (produced != 0) {
      metrics.stage(RouteMetrics.Stage.SERVICE, replied - produced); // a reply may overtake the acknowledgement: 0
    }
    metrics.stage(RouteMetrics.Stage.ANSWER, System.nanoTime() - replied);
  }

  private static Duration positive(Duration duration) {
    return duration.isNegative() ? Duration.ZERO : duration;
  }
}
