package io.courier.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Streamed replies beside request-reply, on the same Courier gateway and echo service: {@code items} items (by
 * default {@value #ITEMS}) as one NDJSON stream ({@code GET /stream/<items>}), the same stream as frames over a
 * WebSocket ({@code /ws}), and as many plain {@code POST /echo} round trips one after another, all from one client. Per-item latency is from the echo service's {@code send} (it writes
 * {@code System.nanoTime()} into the item; it runs in this JVM) to the line's arrival; per-reply latency is
 * the round trip.
 */
final class StreamScenario {
  /** Items per stream of a real bench run. */
  static final int ITEMS = 1_000;

  /**
   * @param items items per stream, and plain round trips
   * @param streams streams measured (after one to warm up)
   * @param itemsPerSecond median over streams of items / (request sent to end line)
   * @param repliesPerSecond {@code items} round trips / their total time, one at a time
   */
  record Result(int items, int streams, double itemsPerSecond, double itemP50Millis, double itemP99Millis, double repliesPerSecond,
      double replyP50Millis, double replyP99Millis, Socket socket) {}

  /** The same stream over a WebSocket: median items per second, per-item latency, as for NDJSON. */
  record Socket(double itemsPerSecond, double itemP50Millis, double itemP99Millis) {}

  private StreamScenario() {}

  static Result run(int port, int items, int streams) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI stream = URI.create("http://127.0.0.1:" + port + "/stream/" + items);
    URI echo = URI.create("http://127.0.0.1:" + port + "/echo");
    Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    double[] rates = new double[streams];
    try {
      streamOnce(client, stream, items, new Histogram(TimeUnit.MINUTES.toNanos(1), 3)); // warm-up
      for (int i = 0; i < streams; i++) {
        rates[i] = streamOnce(client, stream, items, latencies);
      }
      Socket socket = overSocket(client, URI.create("ws://127.0.0.1:" + port + "/ws"), items, streams);
      Histogram replies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
      long start = System.nanoTime();
      for (int i = 0; i < items; i++) {
        long sent = System.nanoTime();
        HttpResponse<Void> response = client.send(
            HttpRequest.newBuilder(echo).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"i\":" + i + "}")).build(),
            HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          replies.recordValue(System.nanoTime() - sent);
        }
      }
      double repliesPerSecond = replies.getTotalCount() / ((System.nanoTime() - start) / 1e9);
      Arrays.sort(rates);
      return new Result(items, streams, rates[streams / 2], latencies.getValueAtPercentile(50) / 1e6,
          latencies.getValueAtPercentile(99) / 1e6, repliesPerSecond, replies.getValueAtPercentile(50) / 1e6,
          replies.getValueAtPercentile(99) / 1e6, socket);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("stream scenario failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** {@code streams} streams over one socket (after one to warm up), each read to its end frame. */
  private static Socket overSocket(HttpClient client, URI uri, int items, int streams) {
    Histogram latencies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    double[] rates = new double[streams];
    SocketReader reader = new SocketReader(items);
    java.net.http.WebSocket socket = client.newWebSocketBuilder().buildAsync(uri, reader).join();
    try {
      reader.read(socket, "warm-up", new Histogram(TimeUnit.MINUTES.toNanos(1), 3));
      for (int i = 0; i < streams; i++) {
        rates[i] = reader.read(socket, "s-" + i, latencies);
      }
    } finally {
      socket.abort();
    }
    Arrays.sort(rates);
    return new Socket(rates[streams / 2], latencies.getValueAtPercentile(50) / 1e6, latencies.getValueAtPercentile(99) / 1e6);
  }

  /** Reads the frames of one stream at a time: items until the end frame (the one with a status). */
  private static final class SocketReader implements java.net.http.WebSocket.Listener {
    private final int items;
    private final StringBuilder text = new StringBuilder();
    private Histogram latencies;
    private int count;
    private java.util.concurrent.CompletableFuture<Boolean> ended;

    SocketReader(int items) {
      this.items = items;
    }

    double read(java.net.http.WebSocket socket, String id, Histogram into) {
      latencies = into;
      count = 0;
      ended = new java.util.concurrent.CompletableFuture<>();
      long start = System.nanoTime();
      socket.sendText("{\"id\":\"" + id + "\",\"method\":\"GET\",\"path\":\"/stream/" + items + "\"}", true).join();
      boolean ok = ended.orTimeout(60, TimeUnit.SECONDS).join();
      if (!ok || count != items) {
        throw new IllegalStateException("socket stream ended early: " + count + " items, end " + (ok ? "200" : "not 200"));
      }
      return count / ((System.nanoTime() - start) / 1e9);
    }

    @Override
    public java.util.concurrent.CompletionStage<?> onText(java.net.http.WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String frame = text.toString();
        text.setLength(0);
        long now = System.nanoTime();
        int t = frame.indexOf("\"t\":");
        if (t >= 0) {
          latencies.recordValue(Math.max(0, now - Long.parseLong(frame.substring(t + 4, frame.indexOf('}', t)))));
          count++;
        } else if (frame.contains("\"status\":")) {
          ended.complete(frame.contains("\"status\":200"));
        }
      }
      socket.request(1);
      return null;
    }
  }

  /** One stream read to its end line; records each item's latency, returns items per second. */
  private static double streamOnce(HttpClient client, URI uri, int items, Histogram latencies) throws IOException, InterruptedException {
    long start = System.nanoTime();
    HttpResponse<java.util.stream.Stream<String>> response = client.send(
        HttpRequest.newBuilder(uri).header("accept", "application/x-ndjson").timeout(Duration.ofSeconds(60)).build(),
        HttpResponse.BodyHandlers.ofLines());
    int count = 0;
    boolean ended = false;
    Iterator<String> lines = response.body().iterator();
    while (lines.hasNext()) {
      String line = lines.next();
      long now = System.nanoTime();
      int t = line.indexOf("\"t\":");
      if (t >= 0) {
        latencies.recordValue(Math.max(0, now - Long.parseLong(line.substring(t + 4, line.indexOf('}', t)))));
        count++;
      } else if (line.startsWith("{\"courier-stream-end\":{\"status\":200")) {
        ended = true;
      }
    }
    if (!ended || count != items) {
      throw new IllegalStateException("stream ended early: " + count + " items, end line " + (ended ? "seen" : "missing"));
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
