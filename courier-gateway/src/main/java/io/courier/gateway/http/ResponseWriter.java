package io.courier.gateway.http;

import io.courier.gateway.cors.CorsPolicy;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.results.ResultDocument;
import io.courier.gateway.results.StoredResult;
import io.courier.protocol.HeaderFields;
import io.netty.util.AsciiString;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * The last step of the pipeline: writes an exchange's answer, the service's reply or a problem of the
 * gateway's own, to the caller. The only place that turns a {@link GatewayError} into an HTTP response.
 *
 * <p>Reply header values go out as the exact bytes the service wrote: Netty writes each {@code char} of a
 * header value as one byte, so each value is handed over as an {@link AsciiString} over its bytes (no copy,
 * no re-encoding). A {@code HEAD} request, a 204 and a 304 get no body (RFC 9110 sections 9.3.2, 15.3.5,
 * 15.4.5). Stateless; called on the request's event loop.
 */
final class ResponseWriter {
  /** RFC 7240 section 3; lower case like every header the gateway writes. */
  private static final String PREFERENCE_APPLIED = "preference-applied";
  private static final String CORS_PREFIX = "access-control-";
  private static final CharSequence ALLOW_ORIGIN = HttpHeaders.createOptimized("access-control-allow-origin");
  private static final CharSequence ALLOW_CREDENTIALS = HttpHeaders.createOptimized("access-control-allow-credentials");
  private static final CharSequence ALLOW_METHODS = HttpHeaders.createOptimized("access-control-allow-methods");
  private static final CharSequence ALLOW_HEADERS = HttpHeaders.createOptimized("access-control-allow-headers");
  private static final CharSequence EXPOSE_HEADERS = HttpHeaders.createOptimized("access-control-expose-headers");
  private static final CharSequence MAX_AGE = HttpHeaders.createOptimized("access-control-max-age");
  private static final CharSequence TRUE = HttpHeaders.createOptimized("true");
  private static final CharSequence VARY_ORIGIN = HttpHeaders.createOptimized("origin");
  private static final CharSequence VARY_PREFLIGHT =
      HttpHeaders.createOptimized("origin, access-control-request-method, access-control-request-headers");

  private final String retryAfterSeconds;
  private final String resultsPath;

  /** @param resultsPath the path prefix of result {@code Location}s */
  ResponseWriter(long retryAfterSeconds, String resultsPath) {
    this.retryAfterSeconds = Long.toString(retryAfterSeconds);
    this.resultsPath = resultsPath;
  }

  /** Writes the outcome, unless the response is already written or its connection closed. */
  void write(HttpServerRequest request, Outcome outcome) {
    write(request, outcome, null);
  }

  /**
   * Writes the outcome of a route's exchange, with the route's CORS fields ({@link #cors}) when it has CORS:
   * on the service's reply and on the gateway's own problems alike, so a page can read either.
   *
   * @param cors the route's CORS policy, {@code null} when off
   */
  void write(HttpServerRequest request, Outcome outcome, CorsPolicy cors) {
    if (cors != null) {
      cors(request, cors);
    }
    if (outcome instanceof Outcome.Replied replied) {
      reply(request, replied, cors != null);
    } else if (outcome instanceof Outcome.Accepted accepted) {
      request.response().putHeader(PREFERENCE_APPLIED, accepted.preferenceApplied());
      document(request, 202, accepted.resultId(), accepted.statusDocument());
    } else {
      Outcome.Failed failed = (Outcome.Failed) outcome;
      if (failed.resultId() != null && !request.response().closed() && !request.response().ended()) {
        request.response().putHeader(HttpHeaders.LOCATION, location(failed.resultId()));
      }
      problem(request, failed.error(), failed.detail());
    }
  }

  /** The {@code Location} of result {@code id}. */
  String location(String id) {
    return resultsPath + "/" + id;
  }

  /** Writes the status document of a result that has no reply yet, as of {@code now}, with its {@code Location}. */
  void result(HttpServerRequest request, int status, StoredResult result, java.time.Instant now) {
    document(request, status, result.id(), ResultDocument.toJson(result, now));
  }

  private void document(HttpServerRequest request, int status, String id, byte[] body) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response
        .setStatusCode(status)
        .putHeader(HttpHeaders.LOCATION, location(id))
        .putHeader(HttpHeaders.CONTENT_TYPE, ResultDocument.CONTENT_TYPE);
    if (request.method() == HttpMethod.HEAD) {
      response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length)).end();
    } else {
      response.end(BodyBuffers.wrap(body));
    }
  }

  void reply(HttpServerRequest request, Outcome.Replied reply) {
    reply(request, reply, false);
  }

  /** @param gatewayCors whether the gateway answers CORS for the route: then the service's own CORS fields are left out */
  private void reply(HttpServerRequest request, Outcome.Replied reply, boolean gatewayCors) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response.setStatusCode(reply.status());
    HeaderFields headers = reply.headers();
    for (int i = 0; i < headers.size(); i++) {
      if (gatewayCors && headers.name(i).regionMatches(true, 0, CORS_PREFIX, 0, CORS_PREFIX.length())) {
        continue; // two Access-Control-Allow-Origin fields fail in every browser; the route's policy decides
      }
      response.headers().add(headers.name(i), new AsciiString(headers.value(i), false));
    }
    if (request.method() == HttpMethod.HEAD || reply.status() == 204 || reply.status() == 304) {
      // The fields describe the body a GET would get, so Content-Length is the service's body's length.
      if (reply.status() != 204 && !response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
        response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(reply.body().length));
      }
      response.end();
    } else {
      response.end(BodyBuffers.wrap(reply.body())); // no copy: see BodyBuffers
    }
  }

  /**
   * The CORS fields of an answer on a route with CORS: {@code Vary: Origin} always (a cache must not give
   * one origin's answer to another, or an answer without {@code Origin} to a page), and, when the request's
   * {@code Origin} and method are allowed, {@code Access-Control-Allow-Origin}, {@code
   * -Allow-Credentials} (when allowed) and {@code -Expose-Headers}. A disallowed origin gets none of them.
   */
  void cors(HttpServerRequest request, CorsPolicy cors) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response.headers().add(HttpHeaders.VARY, VARY_ORIGIN);
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || !cors.allowsActual(origin, request.method().name())) {
      return;
    }
    response.putHeader(ALLOW_ORIGIN, cors.allowOrigin(origin));
    if (cors.allowCredentials()) {
      response.putHeader(ALLOW_CREDENTIALS, TRUE);
    }
    if (cors.exposeHeaders() != null) {
      response.putHeader(EXPOSE_HEADERS, cors.exposeHeaders());
    }
  }

  /** The answer to an allowed CORS preflight: 204 with what the page may do, for how long. */
  void preflight(HttpServerRequest request, CorsPolicy cors, String origin, String method) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response
        .setStatusCode(204)
        .putHeader(HttpHeaders.VARY, VARY_PREFLIGHT)
        .putHeader(ALLOW_ORIGIN, cors.allowOrigin(origin))
        .putHeader(ALLOW_METHODS, method)
        .putHeader(MAX_AGE, cors.maxAgeSeconds());
    if (cors.allowHeaders() != null) {
      response.putHeader(ALLOW_HEADERS, cors.allowHeaders());
    }
    if (cors.allowCredentials()) {
      response.putHeader(ALLOW_CREDENTIALS, TRUE);
    }
    response.end();
  }

  /**
   * The answer to a refused CORS preflight: 403 {@code cors-rejected} without any {@code Access-Control-Allow-*}
   * field, so the browser refuses the actual request; the problem tells a developer reading it which part.
   */
  void preflightRefused(HttpServerRequest request, String detail) {
    if (!request.response().closed() && !request.response().ended()) {
      request.response().putHeader(HttpHeaders.VARY, VARY_PREFLIGHT);
    }
    problem(request, GatewayError.CORS_REJECTED, detail);
  }

  /** Writes a problem of the gateway's own (RFC 9457), with {@code Retry-After} when it may pass. */
  void problem(HttpServerRequest request, GatewayError error, String detail) {
    problem(request, error, detail, instance(request));
  }

  /** As {@link #problem(HttpServerRequest, GatewayError, String)}, with this {@code instance} (or none). */
  void problem(HttpServerRequest request, GatewayError error, String detail, String instance) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return;
    }
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
    if (error.retryable() && !response.headers().contains(HttpHeaders.RETRY_AFTER)) {
      response.putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds); // unless the step that refused knows better (429)
    }
    boolean close = mustClose(request, error);
    if (close) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    byte[] body = new Problem(error, detail, instance).toJson();
    Future<Void> written =
        request.method() == HttpMethod.HEAD
            ? response.putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length)).end()
            : response.end(BodyBuffers.wrap(body));
    if (close && request.connection() != null) {
      written.onComplete(ignored -> ConnectionGuard.closeAfterAnswer(request.connection()));
    }
  }

  /**
   * Whether the connection must close after this problem (HTTP/1.x only: an HTTP/2 stream just ends): the
   * request was not read to its end and the rest of it will not come or cannot be skipped. That is so for
   * the errors that say so ({@link GatewayError#closesConnection()}), for a request refused before its body
   * that asked {@code Expect: 100-continue} (its client will not send the body, and a server waiting for it
   * would take the next request for it), and when the front end said so by setting {@code Connection:
   * close} already (a body whose framing broke).
   */
  private static boolean mustClose(HttpServerRequest request, GatewayError error) {
    if (request.version() == HttpVersion.HTTP_2) {
      return false;
    }
    if (error.closesConnection() || "close".equalsIgnoreCase(request.response().headers().get(HttpHeaders.CONNECTION))) {
      return true;
    }
    String expect = request.getHeader(HttpHeaders.EXPECT);
    return expect != null && !request.isEnded() && request.version() != HttpVersion.HTTP_1_0;
  }

  /** The request path for the problem's {@code instance}, when it is ASCII (always, for a path that was read). */
  private static String instance(HttpServerRequest request) {
    String path = request.path();
    if (path == null) {
      return null;
    }
    for (int i = 0; i < path.length(); i++) {
      if (path.charAt(i) < 0x20 || path.charAt(i) > 0x7E) {
        return null;
      }
    }
    return path;
  }
}
