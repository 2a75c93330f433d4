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
import java.util.regex.Pattern;

/**
 * The last step of the pipeline: writes a service's reply, or a problem of the gateway's own, to the
 * caller. The only place that turns a {@link GatewayError} into an HTTP response.
 */
final class ResponseWriter {
  /** Hop-by-hop and framing headers: Vert.x sets these for the caller's connection, never the service. */
  private static final Set<String> NOT_FORWARDED =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade",
          "proxy-authenticate", "proxy-authorization");

  /** RFC 9110 token (header names) and field value (no CR, LF or other control characters but tab). */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern FIELD_VALUE = Pattern.compile("[\\t\\x20-\\x7E\\x80-\\x{10FFFF}]*");

  private final String retryAfterSeconds;

  ResponseWriter(long retryAfterSeconds) {
    this.retryAfterSeconds = Long.toString(retryAfterSeconds);
  }

  /**
   * Writes the service's reply, or 502 {@code bad-reply} if it cannot be HTTP: an informational status, or a
   * header name or value HTTP does not allow (a reply must never leave the caller without an answer).
   *
   * @return the status written
   */
  int reply(HttpServerRequest request, Outcome.Replied reply) {
    HttpServerResponse response = request.response();
    if (response.closed() || response.ended()) {
      return reply.status();
    }
    String invalid = invalidPart(reply);
    if (invalid != null) {
      return problem(request, GatewayError.BAD_REPLY, invalid);
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

  private static String invalidPart(Outcome.Replied reply) {
    if (reply.status() < 200) {
      return "the service replied with informational status " + reply.status();
    }
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      if (!TOKEN.matcher(header.getKey()).matches()) {
        return "the service replied with an invalid header name";
      }
      if (!FIELD_VALUE.matcher(header.getValue()).matches()) {
        return "the service replied with an invalid value for header " + header.getKey();
      }
    }
    return null;
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
