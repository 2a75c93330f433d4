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
 * Streamed replies beside request-reply, on the same Courier gateway and echo service: {@value #ITEMS} items as
 * one NDJSON stream ({@code GET /stream/1000}), and {@value #ITEMS} plain {@code POST /echo} round trips one
 * after another, both from one client. Per-item latency is from the echo service's {@code send} (it writes
 * {@code System.nanoTime()} into the item; it runs in this JVM) to the line's arrival; per-reply latency is
 * the round trip.
 */
final class StreamScenario {
  static final int ITEMS = 1_000;

  /**
   * @param streams streams measured (after one to warm up)
   * @param itemsPerSecond median over streams of items / (request sent to end line)
   * @param repliesPerSecond {@value #ITEMS} round trips / their total time, one at a time
   */
  record Result(int streams, double itemsPerSecond, double itemP50Millis, double itemP99Millis, double repliesPerSecond,
      double replyP50Millis, double replyP99Millis) {}

  private StreamScenario() {}

  static Result run(int port, int streams) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI stream = URI.create("http://127.0.0.1:" + port + "/stream/" + ITEMS);
    URI echo = URI.create("http://127.0.0.1:" + port + "/echo");
    Histogram items = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
    double[] rates = new double[streams];
    try {
      streamOnce(client, stream, new Histogram(TimeUnit.MINUTES.toNanos(1), 3)); // warm-up
      for (int i = 0; i < streams; i++) {
        rates[i] = streamOnce(client, stream, items);
      }
      Histogram replies = new Histogram(TimeUnit.MINUTES.toNanos(1), 3);
      long start = System.nanoTime();
      for (int i = 0; i < ITEMS; i++) {
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
      return new Result(streams, rates[streams / 2], items.getValueAtPercentile(50) / 1e6,
          items.getValueAtPercentile(99) / 1e6, repliesPerSecond, replies.getValueAtPercentile(50) / 1e6,
          replies.getValueAtPercentile(99) / 1e6);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("stream scenario failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** One stream read to its end line; records each item's latency, returns items per second. */
  private static double streamOnce(HttpClient client, URI uri, Histogram latencies) throws IOException, InterruptedException {
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
    if (!ended || count != ITEMS) {
      throw new IllegalStateException("stream ended early: " + count + " items, end line " + (ended ? "seen" : "missing"));
    }
    return count / ((System.nanoTime() - start) / 1e9);
  }
}
