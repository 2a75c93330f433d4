package io.courier.bench.process;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a gateway's management endpoints from outside its process, as an operator would: {@code /ready},
 * {@code /metrics} (Prometheus text) and {@code /status.json}. Blocking, each call bounded by a 2 s timeout;
 * for the bench's own thread, never an event loop. Thread-safe.
 */
public final class GatewayProbe {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  private final String base;

  /** @param port the port the gateway serves its management endpoints on (the bench's gateways: the HTTP port) */
  public GatewayProbe(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** Whether {@code GET /ready} answers 200 now; {@code false} if it answers anything else or nothing. */
  public boolean ready() {
    try {
      return get("/ready").statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  /** The body of {@code GET /metrics}. @throws UncheckedIOException if the gateway does not answer */
  public String metrics() {
    try {
      return get("/metrics").body();
    } catch (IOException e) {
      throw new UncheckedIOException("no /metrics from " + base, e);
    }
  }

  /** The response-topic partitions the instance reads now ({@code kafka.ownedPartitions} of {@code /status.json}). */
  public List<Integer> ownedPartitions() {
    try {
      JsonNode owned = JSON.readTree(get("/status.json").body()).path("kafka").path("ownedPartitions");
      List<Integer> partitions = new ArrayList<>();
      owned.forEach(p -> partitions.add(p.asInt()));
      return partitions;
    } catch (IOException e) {
      throw new UncheckedIOException("no /status.json from " + base, e);
    }
  }

  /**
   * The sum of the samples of one Prometheus series over the label sets that contain every one of
   * {@code labels} (each written as in the exposition, {@code name="value"}).
   *
   * @param metrics a {@code /metrics} body
   * @param series the sample name, e.g. {@code courier_forwards_total}
   */
  public static double sum(String metrics, String series, String... labels) {
    double sum = 0;
    for (String line : metrics.split("\n")) {
      if (!line.startsWith(series + "{") && !line.startsWith(series + " ")) {
        continue;
      }
      boolean all = true;
      for (String label : labels) {
        all &= line.contains(label);
      }
      if (all) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  private HttpResponse<String> get(String path) throws IOException {
    try {
      return client.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
