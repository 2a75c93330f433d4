package io.courier.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A reply body goes to Vert.x as the bytes the gateway holds, not as a copy of them, and still reaches the
 * caller whole when it is large (written over a real socket, more than one write). A real Vert.x; no broker.
 */
class BodyBuffersTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theBufferIsTheBodysOwnBytesNotACopy() {
    // Given a reply body
    byte[] body = "{\"id\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    // When it is wrapped, and (for contrast) copied as Buffer.buffer(byte[]) does
    Buffer wrapped = BodyBuffers.wrap(body);
    Buffer copied = Buffer.buffer(body);
    body[0] = '[';

    // Then the wrapped buffer reads the same array (no copy was made); the copy does not
    assertThat(wrapped.length()).isEqualTo(body.length);
    assertThat(wrapped.getByte(0)).isEqualTo((byte) '[');
    assertThat(copied.getByte(0)).isEqualTo((byte) '{');
  }

  @Test
  void anEmptyBodyIsAnEmptyBuffer() {
    assertThat(BodyBuffers.wrap(new byte[0]).length()).isZero();
  }

  @Test
  void aLargeWrappedBodyReachesTheCallerWhole() throws Exception {
    // Given a server answering every request with the same 512 KiB body, wrapped anew for each response
    byte[] body = new byte[512 * 1024];
    new Random(14).nextBytes(body);
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> request.response().end(BodyBuffers.wrap(body)))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    HttpClient client = vertx.createHttpClient();

    // When it is asked twice over one connection
    for (int i = 0; i < 2; i++) {
      Buffer received = client.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/")
          .compose(request -> request.send().compose(response -> response.body()))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);

      // Then each answer is the body, byte for byte, and the body itself is untouched by the writes
      assertThat(received.getBytes()).isEqualTo(body);
    }
  }
}
