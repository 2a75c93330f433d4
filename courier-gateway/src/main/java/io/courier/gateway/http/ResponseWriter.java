package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.courier.gateway.pending.Outcome;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Map;
import java.util.Set;

/**
 * The last step of the pipeline: writes a service's reply, or a problem of the gateway's own, to the
 * caller. The only place that turns a {@link GatewayError} into an HTTP response.
 */
final class ResponseWriter {
  /** Hop-by-hop and framing headers: Vert.x sets these for the caller's connection, never the service. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade",
          "proxy-authenticate", "proxy-authorization");

  private final String retryAfterSeconds;

  ResponseWriter(long retryAfterSeconds) {
    this.retryAfterSeconds = Long.toString(retryAfterSeconds);
  }

  /** @return the status written */
  int reply(HttpServerResponse response, Outcome.Replied reply) {
    if (response.closed() || response.ended()) {
      return reply.status();
    }
    response.setStatusCode(reply.status());
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      if (!NOT_FORWARDED.contains(header.getKey())) {
        response.putHeader(header.getKey(), header.getValue());
      }
    }
    response.end(Buffer.buffer(reply.body()));
    return reply.status();
  }

  /** @return the status written */
  int problem(HttpServerRequest request, GatewayError error, String detail) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return error.status();
    }
    response.setStatusCode(error.status()).putHeader(HttpHeaders.CONTENT_TYPE, Problem.CONTENT_TYPE);
    if (error.retryable()) {
      response.putHeader(HttpHeaders.RETRY_AFTER, retryAfterSeconds);
    }
    if (error == GatewayError.BODY_TOO_LARGE) {
      // The rest of the body is not read; the connection cannot carry another request.
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    response.end(Buffer.buffer(new Problem(error, detail, request.path()).toJson()));
    return error.status();
  }
}
