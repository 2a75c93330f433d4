package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * Step 4 of the pipeline: reads the request body, refusing it as soon as it exceeds the route's limit
 * (from {@code Content-Length} when given, else while it streams in), so an oversized body is never held.
 */
final class BodyReader {
  private BodyReader() {}

  /** Must be called on the request's event loop before it returns, so no chunk is missed. */
  static Future<Buffer> read(HttpServerRequest request, int limit) {
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > limit) {
          return Future.failedFuture(tooLarge(limit));
        }
      } catch (NumberFormatException e) {
        return Future.failedFuture(new GatewayException(GatewayError.MALFORMED_BODY, "Content-Length is not a number"));
      }
    }
    Promise<Buffer> body = Promise.promise();
    Buffer buffer = Buffer.buffer(declared == null ? 256 : (int) Math.min(limit, Long.parseLong(declared.trim())));
    request.handler(
        chunk -> {
          if (body.future().isComplete()) {
            return;
          }
          if (buffer.length() + chunk.length() > limit) {
            body.tryFail(tooLarge(limit));
          } else {
            buffer.appendBuffer(chunk);
          }
        });
    request.endHandler(end -> body.tryComplete(buffer));
    request.exceptionHandler(body::tryFail);
    return body.future();
  }

  private static GatewayException tooLarge(int limit) {
    return new GatewayException(GatewayError.BODY_TOO_LARGE, "the route accepts bodies up to " + limit + " bytes");
  }
}
