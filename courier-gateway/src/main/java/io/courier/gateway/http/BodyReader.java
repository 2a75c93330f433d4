package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 4 of the pipeline: reads the request body, refusing it (413) as soon as the bytes received pass the
 * route's limit, and (408) when it has not all arrived within the body timeout. Memory grows with the bytes
 * actually received, never with what {@code Content-Length} promises: the chunks are kept as they come and
 * copied once into a body of the received size.
 *
 * <p>Confined to the request's event loop.
 */
final class BodyReader {
  private static final byte[] EMPTY = new byte[0];

  private final int limit;
  private final Promise<byte[]> body = Promise.promise();
  private final List<Buffer> chunks = new ArrayList<>(2);
  private final long timer;
  private int received;

  private BodyReader(int limit, Duration timeout, Vertx vertx) {
    this.limit = limit;
    this.timer =
        vertx.setTimer(
            timeout.toMillis(),
            id -> body.tryFail(new GatewayException(
                GatewayError.REQUEST_TIMEOUT, "the request body did not arrive within " + timeout.toMillis() + " ms")));
  }

  /**
   * Fails with a {@link GatewayException} (413, 408) or with what broke the connection. Call on the request's
   * event loop before it returns, so no chunk is missed.
   */
  static Future<byte[]> read(HttpServerRequest request, int limit, Duration timeout, Vertx vertx) {
    BodyReader reader = new BodyReader(limit, timeout, vertx);
    request.handler(reader::chunk);
    request.endHandler(ignored -> reader.end());
    request.exceptionHandler(reader.body::tryFail);
    return reader.body.future().andThen(ignored -> vertx.cancelTimer(reader.timer));
  }

  private void chunk(Buffer chunk) {
    if (body.future().isComplete()) {
      return; // refused already; the rest is not kept
    }
    if (received + chunk.length() > limit) {
      chunks.clear();
      body.tryFail(new GatewayException(GatewayError.BODY_TOO_LARGE, "the route accepts bodies up to " + limit + " bytes"));
      return;
    }
    received += chunk.length();
    chunks.add(chunk);
  }

  private void end() {
    if (chunks.size() == 1) {
      body.tryComplete(chunks.get(0).getBytes());
      return;
    }
    byte[] all = received == 0 ? EMPTY : new byte[received];
    int at = 0;
    for (Buffer chunk : chunks) {
      chunk.getBytes(all, at);
      at += chunk.length();
    }
    body.tryComplete(all);
  }
}
