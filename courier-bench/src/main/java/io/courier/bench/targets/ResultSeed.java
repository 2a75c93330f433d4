package io.courier.bench.targets;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Makes one result for the lookup target to read: an async echo, then a long poll until it is done. */
public final class ResultSeed {
  private ResultSeed() {}

  /**
   * @return the {@code Location} of a done result on the gateway at {@code port}
   * @throws IllegalStateException if the gateway does not accept the command or its result never comes
   */
  public static String create(int port) {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      HttpResponse<String> accepted = http.send(
          // On the idempotent route, with a key: the result is kept for its whole window, never dropped for
          // memory as the results of plain requests are once the results of the idempotent runs fill the bound.
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/echo-idempotent"))
              .header("content-type", "application/json")
              .header("idempotency-key", "bench-seed-" + java.util.UUID.randomUUID())
              .header("prefer", "respond-async")
              .POST(HttpRequest.BodyPublishers.ofString("{\"seed\":true}"))
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      String location = accepted.headers().firstValue("location")
          .orElseThrow(() -> new IllegalStateException("no Location on the async seed request: " + accepted.statusCode()));
      HttpResponse<String> done = http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + location))
              .header("prefer", "wait=10")
              .timeout(Duration.ofSeconds(30))
              .build(),
          HttpResponse.BodyHandlers.ofString());
      if (done.statusCode() != 200 || !done.body().contains("\"seed\":true")) { // the echo, not the status document
        throw new IllegalStateException("the seed result is not done: " + done.statusCode() + " " + done.body());
      }
      return location;
    } catch (IOException e) {
      throw new IllegalStateException("cannot seed a result", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
