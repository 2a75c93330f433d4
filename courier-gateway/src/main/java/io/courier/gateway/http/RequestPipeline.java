package io.courier.gateway.http;

import io.courier.gateway.accesslog.AccessLog;
import io.courier.gateway.config.HttpConfig;
import io.courier.gateway.config.ManagementPaths;
import io.courier.gateway.config.ResultsConfig;
import io.vertx.core.http.HttpServerOptions;
import io.courier.gateway.auth.Authentication;
import io.courier.gateway.auth.Authenticator;
import io.courier.gateway.routing.RateLimits;
import io.courier.gateway.routing.Route;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.gateway.error.RateLimitedLog;
import io.courier.gateway.exchange.Exchange;
import io.courier.gateway.exchange.Exchanges;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.routing.RouteMatch;
import io.courier.gateway.routing.RouteTable;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front end of the exchange core. Every HTTP request passes through these steps on its event
 * loop, never blocking it:
 *
 * <ol>
 *   <li>receive: management endpoints first ({@link ManagementEndpoints}), then a WebSocket upgrade ({@link
 *       UpgradeEndpoint}, whose frames take the steps below too), then results ({@link ResultsEndpoint}); the path must be readable ({@link RequestTarget}): 400
 *   <li>match route ({@link RouteTable}): 404 or 405; a CORS preflight ({@link CorsPreflights}) is answered here, 204 or 403
 *   <li>admit ({@link Exchanges#open}): 503 when not ready, draining or at the route's in-flight cap
 *   <li>read body ({@link BodyReader}): 413 as soon as it is too large (before reading when {@code
 *       Content-Length} says so, and before {@code 100 Continue}), 408 when it does not come in time
 *   <li>publish ({@link Exchange#publish}): key, register, deadline, produce; 400 when there is no key
 *   <li>respond ({@link ResponseWriter}) once the exchange has its outcome
 * </ol>
 *
 * <p>Whatever fails on the way ends in an answer: a problem of the gateway's own, a 500 for anything
 * unexpected (logged, rate-limited), or a closed connection when nothing can be written any more.
 * Thread-safe: one instance serves all event loops.
 */
public final class RequestPipeline {
  private static final Logger LOGGER = LoggerFactory.getLogger(RequestPipeline.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));
  private static final String CONTINUE = "100-continue";

  private final ManagementEndpoints management;
  private final ResultsEndpoint results;
  private final RouteTable routes;
  private final Exchanges exchanges;
  private final GatewayMetrics metrics;
  private final ResponseWriter writer;
  private final Duration bodyTimeout;
  private final ConnectionGuard connectionGuard;
  private final CorsPreflights preflights;
  private final CallerCredentials credentials;
  /** Who may call the management endpoints on their own listener. */
  private final io.courier.gateway.config.RouteAccess managementAccess;
  /** {@code null} when the access log is off. */
  private final AccessLog accessLog;
  /** The WebSocket front end; {@code null} when {@code websocket.enabled} is off. */
  private final UpgradeEndpoint webSockets;

  /**
   * @param openApi the OpenAPI document served at {@code /openapi.json} ({@code asyncApi} likewise)
   * @param status the numbers of the status page, {@code /status}
   * @param authenticator checks callers of routes with authentication
   * @param managementAccess who may call the management endpoints when they have a listener of their own
   * @param webSockets the WebSocket front end on the routes' listener, or {@code null} when off
   */
  public RequestPipeline(
      RouteTable routes, Exchanges exchanges, GatewayMetrics metrics, PrometheusMeterRegistry registry, HttpConfig http,
      ResultsConfig results, byte[] openApi, byte[] asyncApi, AccessLog accessLog, io.courier.gateway.status.StatusReport status,
      Authenticator authenticator, io.courier.gateway.config.RouteAccess managementAccess, UpgradeEndpoint webSockets) {
    this.credentials = new CallerCredentials(authenticator);
    this.webSockets = webSockets;
    this.managementAccess = managementAccess;
    this.accessLog = accessLog;
    this.routes = routes;
    this.exchanges = exchanges;
    this.metrics = metrics;
    this.writer = new ResponseWriter(http.retryAfter().toSeconds(), results.path());
    this.management =
        new ManagementEndpoints(exchanges.readiness(), registry, writer, new ManagementEndpoints.ApiDocuments(openApi, asyncApi), status);
    this.results = new ResultsEndpoint(results.path(), exchanges.results(), writer, results.maxWait(), metrics, exchanges::cancelPending,
        routes.routes().stream().filter(route -> route.config().profile() == io.courier.protocol.Profile.COURIER)
            .map(route -> route.name()).collect(java.util.stream.Collectors.toUnmodifiableSet())::contains,
        ownerCheck(routes, credentials));
    this.bodyTimeout = http.bodyTimeout();
    this.preflights = new CorsPreflights(routes, writer, metrics);
    this.connectionGuard = new ConnectionGuard(http.headerTimeout(), http.idleTimeout(), http.bodyTimeout(), metrics::unrouted);
  }

  /**
   * Who may read a result: on routes with authentication, only the caller it belongs to; anyone else, with
   * other, bad or no credentials, is told it does not exist, so that ids reveal nothing.
   */
  private static ResultsEndpoint.OwnerCheck ownerCheck(RouteTable routes, CallerCredentials credentials) {
    java.util.Map<String, io.courier.gateway.config.RouteAccess> access = new java.util.HashMap<>();
    routes.routes().forEach(route -> access.put(route.name(), route.config().access()));
    return (result, request) -> {
      if (result.owner() == null) {
        return null;
      }
      Authentication outcome =
          credentials.check(access.getOrDefault(result.route(), io.courier.gateway.config.RouteAccess.OPEN), request);
      if (outcome instanceof Authentication.Refused refused) {
        if (refused.error() == GatewayError.AUTHENTICATION_UNAVAILABLE) {
          return refused; // about the gateway, not the id
        }
        // Bad or missing credentials get the answer an unknown id gets: a 401 would say the id exists.
        request.response().headers().remove("www-authenticate");
        return new Authentication.Refused(GatewayError.RESULT_NOT_FOUND, refused.reason(), "no result " + result.id(), null);
      }
      Authentication.Allowed allowed = (Authentication.Allowed) outcome;
      return allowed.identity() != null && result.owner().equals(allowed.identity().scope())
          ? null
          : new Authentication.Refused(GatewayError.RESULT_NOT_FOUND, "forbidden", "no result " + result.id(), null);
    };
  }

  /** Checks a caller of the management listener against {@code management.authentication}; answers a refusal. */
  private boolean managementRefused(HttpServerRequest request) {
    if (credentials.check(managementAccess, request) instanceof Authentication.Refused refused) {
      unrouted(request, refused.error(), refused.detail());
      return true;
    }
    return false;
  }

  /** Sets what the server's options need for this front end: the WebSocket limits, when sockets are served. */
  void configure(HttpServerOptions options) {
    if (webSockets != null) {
      webSockets.configure(options);
    }
  }

  /** The header, idle and drain timeouts every connection of this front end gets. */
  ConnectionGuard connectionGuard() {
    return connectionGuard;
  }

  /** What a listener serves: the routes and the management endpoints on one port, or either alone. */
  public enum Listener {
    /** Routes, results and management endpoints on {@code http.port} (no {@code management} configured). */
    SHARED(true, true),
    /** Routes and results only; the management paths answer 404 ({@code management} has a port of its own). */
    ROUTES(true, false),
    /** The management endpoints only, on {@code management.port}; everything else answers 404. */
    MANAGEMENT(false, true);

    private final boolean routes;
    private final boolean management;

    Listener(boolean routes, boolean management) {
      this.routes = routes;
      this.management = management;
    }
  }

  /** A request that arrived on {@code listener}. */
  public void handle(HttpServerRequest request, Listener listener) {
    AccessLine line = accessLog != null && accessLog.sampled() ? new AccessLine(request, accessLog) : null;
    try {
      String ambiguous = RequestFraming.problem(request);
      if (ambiguous != null) {
        // Nothing after it on the connection can be trusted to be read as the client meant it.
        request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
        unrouted(request, GatewayError.MALFORMED_REQUEST, ambiguous);
      } else if (listener == Listener.MANAGEMENT && ManagementPaths.ALL.contains(request.path()) && managementRefused(request)) {
        // answered 401, 403 or 503 by management.authentication
      } else if (listener.management && management.handle(request)) {
        // answered
      } else if (!listener.routes) {
        unrouted(request, GatewayError.ROUTE_NOT_FOUND, "the management port serves only " + ManagementPaths.LISTED);
      } else if (!listener.management && ManagementPaths.ALL.contains(request.path())) {
        unrouted(request, GatewayError.ROUTE_NOT_FOUND, "no route for " + request.path() + " (management endpoints are on the management port)");
      } else if (listener.routes && webSockets != null && webSockets.serves(request)) {
        webSockets.upgrade(request, (error, detail) -> unrouted(request, error, detail), connectionGuard::upgraded);
      } else if (!results.handle(request)) {
        route(request, line);
      }
    } catch (GatewayException e) {
      unrouted(request, e.error(), e.getMessage());
    } catch (RuntimeException e) {
      WARNINGS.warn("request", e, "Request failed unexpectedly method={} error={}", request.method(), e.toString());
      unrouted(request, GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
    }
  }

  /**
   * Requests the HTTP server could not even parse (Netty's decoder failed): a line or header block too long,
   * or bytes that are not HTTP. Answered with a problem; the connection then closes.
   */
  public void handleInvalid(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    GatewayError error;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      error = GatewayError.URI_TOO_LONG;
      detail = "the request line is longer than the gateway accepts";
    } else if (cause instanceof TooLongHttpHeaderException) {
      error = GatewayError.HEADERS_TOO_LARGE;
      detail = "the header fields are larger than http.max-header-bytes";
    } else if (cause instanceof StrictRequestDecoder.AmbiguousLengthException) {
      error = GatewayError.MALFORMED_REQUEST;
      detail = "Content-Length and Transfer-Encoding together leave the request's length ambiguous (RFC 9112 section 6.1)";
    } else {
      error = GatewayError.MALFORMED_REQUEST;
      detail = "the request is not valid HTTP/1.1";
    }
    request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    metrics.unrouted(error);
    // Netty hands over a stand-in request ("GET /bad-request HTTP/1.0"): its path is not the caller's.
    writer.problem(request, error, detail, null);
  }

  private void route(HttpServerRequest request, AccessLine line) {
    RequestTarget target = RequestTarget.parse(request.path());
    String query = request.query() == null ? null : RequestTarget.utf8(request.query());
    RouteMatch match = routes.match(request.method().name(), target);
    if (match instanceof RouteMatch.MethodNotAllowed notAllowed) {
      if (preflights.answer(request, target)) {
        return; // a CORS preflight: answered by the gateway, never admitted or produced
      }
      request.response().putHeader(HttpHeaders.ALLOW, String.join(", ", notAllowed.allowed()));
      unrouted(request, GatewayError.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + target.path());
      return;
    }
    if (!(match instanceof RouteMatch.Found found)) {
      unrouted(request, GatewayError.ROUTE_NOT_FOUND, "no route for " + target.path());
      return;
    }
    HttpCall call = new HttpCall(request, target, query, writer, found.route().cors(), found.route().config().stream());
    Exchange exchange = exchanges.open(found, call, call, rateLimited(found.route(), credentials.check(found.route().config().access(), request), request));
    if (line != null) {
      line.routed(exchange);
    }
    if (exchange.isOpen()) {
      try {
        read(request, call, exchange, line);
      } catch (RuntimeException e) {
        // The exchange holds a route slot: it answers, and gives the slot back, itself.
        WARNINGS.warn("read", e, "Request failed unexpectedly route={} error={}", exchange.route().name(), e.toString());
        exchange.fail(GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
      }
    }
  }

  /**
   * Step 3b: an authenticated (or anonymous) caller past its route's {@code rate-limit} is refused with 429
   * and a {@code Retry-After} of when its next token comes. The caller is its identity, else its IP address.
   */
  private static Authentication rateLimited(Route route, Authentication authentication, HttpServerRequest request) {
    return RateLimits.check(route, authentication, request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress(),
        seconds -> request.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(seconds)));
  }

  /** Step 4: checks what the headers promise, answers {@code Expect}, then reads the body and publishes. */
  private void read(HttpServerRequest request, HttpCall call, Exchange exchange, AccessLine line) {
    request.response().closeHandler(closed -> {
      exchange.callerGone();
      if (line != null) {
        line.callerGone();
      }
    });
    int limit = exchange.route().maxBodyBytes();
    long declared = declaredLength(request);
    if (declared < -1) {
      exchange.fail(GatewayError.MALFORMED_REQUEST, "Content-Length is not a number");
      return;
    }
    if (declared > limit) {
      // Refused before a byte of the body is read.
      exchange.fail(GatewayError.BODY_TOO_LARGE, "the route accepts bodies up to " + limit + " bytes");
      return;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    if (expect != null && request.version() != HttpVersion.HTTP_1_0) {
      if (!expect.trim().equalsIgnoreCase(CONTINUE)) {
        exchange.fail(GatewayError.EXPECTATION_FAILED, "the gateway only meets Expect: 100-continue");
        return;
      }
      request.response().writeContinue(); // RFC 9110 section 10.1.1: the client may send the body now
    }
    BodyReader.read(request, limit, bodyTimeout, Vertx.currentContext().owner())
        .onComplete(
            body -> {
              try {
                if (body.succeeded()) {
                  exchange.publish(call, body.result());
                } else if (body.cause() instanceof GatewayException refused) {
                  exchange.fail(refused.error(), refused.getMessage());
                } else if (request.response().closed()) {
                  exchange.callerGone(); // the connection broke while the body was arriving: nobody to answer
                } else {
                  // The body's framing broke (a bad chunk, say): answer, then close, as nothing after it can be read.
                  request.response().putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
                  exchange.fail(GatewayError.MALFORMED_REQUEST, "the request body is not valid HTTP/1.1 framing");
                }
              } catch (RuntimeException e) {
                WARNINGS.warn("body", e, "Request failed unexpectedly route={} error={}", exchange.route().name(), e.toString());
                exchange.fail(GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
              }
            });
  }

  /** The declared body length, -1 when none is declared, -2 when it is not a number. */
  private static long declaredLength(HttpServerRequest request) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared == null) {
      return -1;
    }
    try {
      long length = Long.parseLong(declared.trim());
      return length < 0 ? -2 : length;
    } catch (NumberFormatException e) {
      return -2;
    }
  }

  private void unrouted(HttpServerRequest request, GatewayError error, String detail) {
    metrics.unrouted(error);
    writer.problem(request, error, detail);
  }
}
