package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.HttpReplies;
import io.courier.gateway.exchange.Preferences;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.results.ResultStore;
import io.courier.gateway.results.StoredResult;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * {@code <results.path>/{id}}: the results of commands (docs/protocol.md, "Results"), answered by any
 * instance from its copy of the results topic.
 *
 * <ul>
 *   <li>{@code GET}/{@code HEAD}: the service's reply itself once there is one (its status, headers and
 *       body), else 200 with the status document; {@code Prefer: wait=N} waits up to N seconds (at most
 *       {@code results.max-wait}) for the reply first. Unknown or past the retention window: 404.
 *   <li>{@code DELETE}: cancels a pending command (a cancel marker to its request's partition) and answers
 *       202 with the status document; a command already answered: 409 {@code not-cancellable}.
 * </ul>
 *
 * Runs on the request's event loop and never blocks it: lookups that miss wait for the gateway's consumer of
 * the results topic off the loop, at most {@value #LOOKUP_TIMEOUT_SECONDS} s (then 503 {@code results-unavailable}).
 * Thread-safe.
 */
final class ResultsEndpoint {
  private static final org.slf4j.Logger LOGGER = org.slf4j.LoggerFactory.getLogger(ResultsEndpoint.class);
  private static final io.courier.gateway.error.RateLimitedLog WARNINGS =
      new io.courier.gateway.error.RateLimitedLog(LOGGER, Duration.ofSeconds(10));
  private static final long LOOKUP_TIMEOUT_SECONDS = 5;

  private final String prefix;
  private final int prefixSegmentCount;
  private final ResultStore results;
  private final ResponseWriter writer;
  private final Duration maxWait;
  private final GatewayMetrics metrics;
  private final java.util.function.Consumer<String> cancelPending;
  private final java.util.function.Predicate<String> cancellableRoute;
  private final OwnerCheck ownerCheck;

  /** Whether the caller of a request may see a result. */
  @FunctionalInterface
  interface OwnerCheck {
    /** {@code null} when it may; else how to refuse it (401/403 for bad credentials, 404 for another's result). */
    io.courier.gateway.auth.Authentication.Refused refusal(StoredResult result, HttpServerRequest request);
  }

  /**
   * @param cancelPending ends the wait for the reply of a cancelled request, if this instance waits for it
   * @param cancellableRoute whether a route's service takes cancel markers (profile courier)
   * @param ownerCheck whether the caller may see a result at all
   */
  ResultsEndpoint(
      String path, ResultStore results, ResponseWriter writer, Duration maxWait, GatewayMetrics metrics,
      java.util.function.Consumer<String> cancelPending, java.util.function.Predicate<String> cancellableRoute,
      OwnerCheck ownerCheck) {
    this.ownerCheck = ownerCheck;
    this.cancelPending = cancelPending;
    this.cancellableRoute = cancellableRoute;
    this.prefix = path + "/";
    this.prefixSegmentCount = RequestTarget.parse(path).segmentCount();
    this.results = results;
    this.writer = writer;
    this.maxWait = maxWait;
    this.metrics = metrics;
  }

  /** @return whether the request was for a result and has been (or will be) answered */
  boolean handle(HttpServerRequest request) {
    String path = request.path();
    if (results == null || path == null || !path.startsWith(prefix)) {
      return false;
    }
    // Read like any path (400 when it cannot be); the id is the one segment after the prefix, decoded.
    RequestTarget target = RequestTarget.parse(path);
    int prefixSegments = prefixSegmentCount;
    String id = target.segmentCount() == prefixSegments + 1 ? target.segment(prefixSegments) : "";
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD && method != HttpMethod.DELETE) {
      request.response().putHeader(HttpHeaders.ALLOW, "GET, HEAD, DELETE");
      problem(request, GatewayError.METHOD_NOT_ALLOWED, method + " is not allowed on a result");
    } else if (id.isEmpty()) {
      problem(request, GatewayError.RESULT_NOT_FOUND, "no result at " + target.path());
    } else {
      lookUp(request, id, method == HttpMethod.DELETE ? this::cancel : this::read);
    }
    return true;
  }

  private void lookUp(HttpServerRequest request, String id, BiConsumer<HttpServerRequest, StoredResult> then) {
    Context context = Vertx.currentContext();
    results
        .find(id)
        .orTimeout(LOOKUP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .whenComplete((found, error) -> onLoop(context, request, () -> {
          if (error != null) {
            problem(request, GatewayError.RESULTS_UNAVAILABLE, "the results topic could not be read in time");
          } else if (found == null) {
            problem(request, GatewayError.RESULT_NOT_FOUND, "no result " + id + " (unknown, or older than the retention window)");
          } else {
            io.courier.gateway.auth.Authentication.Refused refused = ownerCheck.refusal(found, request);
            if (refused == null) {
              then.accept(request, found);
            } else if (refused.error() == GatewayError.RESULT_NOT_FOUND) {
              // Another caller's result: the same answer as for an unknown id, so that ids reveal nothing.
              problem(request, GatewayError.RESULT_NOT_FOUND, "no result " + id + " (unknown, or older than the retention window)");
            } else {
              problem(request, refused.error(), refused.detail());
            }
          }
        }));
  }

  private void read(HttpServerRequest request, StoredResult found) {
    Duration wait = Preferences.parse(request.headers().getAll("prefer")).waitAtMost(maxWait);
    if (found.isFinal() || wait.isZero()) {
      answer(request, found);
      return;
    }
    // Long poll: the first of the reply, the wait, and the caller leaving.
    Context context = Vertx.currentContext();
    CompletableFuture<StoredResult> first = new CompletableFuture<>();
    Runnable stopWaiting = results.view().whenFinal(found.id(), first::complete);
    long timer = context.owner().setTimer(wait.toMillis(), ignored -> first.complete(found));
    request.response().closeHandler(closed -> first.complete(null));
    first.whenComplete((result, error) -> onLoop(context, request, () -> {
      stopWaiting.run();
      context.owner().cancelTimer(timer);
      if (result != null) {
        answer(request, results.view().get(found.id()) != null ? results.view().get(found.id()) : result);
      }
    }));
  }

  private void answer(HttpServerRequest request, StoredResult result) {
    if (result.state() == StoredResult.State.DONE) {
      HttpReplies.Fitted fitted = HttpReplies.fit(result.reply());
      if (fitted.outcome() instanceof Outcome.Replied reply) {
        writer.reply(request, reply);
      } else {
        writer.write(request, fitted.outcome());
      }
    } else {
      writer.result(request, 200, result, results.clock().instant());
    }
  }

  private void cancel(HttpServerRequest request, StoredResult found) {
    if (found.state() == StoredResult.State.CANCELLED) {
      writer.result(request, 202, found, results.clock().instant()); // cancelling twice changes nothing
    } else if (found.state() == StoredResult.State.DONE) {
      problem(request, GatewayError.NOT_CANCELLABLE, "the command has been answered already");
    } else if (!cancellableRoute.test(found.route())) {
      // Spring and Zilla listeners would take a cancel marker for a request.
      problem(request, GatewayError.NOT_CANCELLABLE, "the service of this command takes no cancel markers (its profile is not courier)");
    } else if (found.requestPartition() < 0) {
      problem(request, GatewayError.NOT_CANCELLABLE, "the command is not in Kafka yet; try again in a moment");
    } else {
      Context context = Vertx.currentContext();
      results.cancel(found).whenComplete((cancelled, error) -> onLoop(context, request, () -> {
        if (error != null) {
          problem(request, GatewayError.RESULTS_UNAVAILABLE, "the cancellation could not be sent");
        } else {
          cancelPending.accept(found.id()); // if this instance waits for its reply: none will come
          writer.result(request, 202, cancelled, results.clock().instant());
        }
      }));
    }
  }

  /**
   * Runs a later step of a result request on its event loop; whatever it throws still ends in an answer (a
   * 500 problem, or a closed connection when part of the answer is out).
   */
  private void onLoop(Context context, HttpServerRequest request, Runnable step) {
    context.runOnContext(ignored -> {
      try {
        step.run();
      } catch (RuntimeException e) {
        WARNINGS.warn("result", e, "Result request failed unexpectedly path={} error={}", request.path(), e.toString());
        if (request.response().headWritten()) {
          request.connection().close();
        } else {
          problem(request, GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
        }
      }
    });
  }

  private void problem(HttpServerRequest request, GatewayError error, String detail) {
    metrics.unrouted(error);
    writer.problem(request, error, detail);
  }
}
