package io.courier.gateway.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client over the JDK's {@link WebSocket}: sends text frames, collects every frame it receives
 * (as JSON) in order, and the close code and reason the server sent. Thread-safe.
 */
public final class SocketClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
  private final CompletableFuture<String> closed = new CompletableFuture<>();
  private final WebSocket socket;

  private SocketClient(URI uri, String... headers) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    this.socket = builder.buildAsync(uri, new Collector()).join();
  }

  /** Opens a socket to {@code uri}; the upgrade request carries {@code headers} (name, value, ...). Fails as the JDK does when refused. */
  public static SocketClient open(URI uri, String... headers) {
    return new SocketClient(uri, headers);
  }

  /** The {@code ws://} URI of {@code path} on {@code tester}'s HTTP port. */
  public static URI uri(GatewayTester tester, String path) {
    return URI.create("ws://localhost:" + tester.gateway().httpPort() + path);
  }

  public void send(String frame) {
    socket.sendText(frame, true).join();
  }

  /** Sends one message in two frames, the first not final. */
  public void sendFragmented(String first, String rest) {
    socket.sendText(first, false).join();
    socket.sendText(rest, true).join();
  }

  public void sendBinary(byte[] bytes) {
    socket.sendBinary(java.nio.ByteBuffer.wrap(bytes), true).join();
  }

  /** The next frame received, waiting up to {@code seconds}; fails if none comes. */
  public JsonNode next(long seconds) {
    try {
      JsonNode frame = frames.poll(seconds, TimeUnit.SECONDS);
      if (frame == null) {
        throw new AssertionError("no frame within " + seconds + " s");
      }
      return frame;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The frame already received, or {@code null}: for checking that nothing more came. */
  public JsonNode poll() {
    return frames.poll();
  }

  /** {@code "<code> <reason>"} of the server's close, once it comes. */
  public CompletableFuture<String> closed() {
    return closed;
  }

  /** Closes the TCP connection without a close handshake, as a client that goes away does. */
  public void abort() {
    socket.abort();
  }

  @Override
  public void close() {
    if (!socket.isOutputClosed()) {
      socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").exceptionally(error -> null);
    }
    socket.abort();
  }

  private final class Collector implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        try {
          frames.add(JSON.readTree(text.toString()));
        } catch (IOException e) {
          throw new UncheckedIOException("the server sent a frame that is not JSON: " + text, e);
        }
        text.setLength(0);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      closed.complete("error " + error);
    }
  }
}
