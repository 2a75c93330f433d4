package io.courier.bench.targets;

import io.courier.responder.Reply;
import io.courier.responder.Request;
import io.courier.responder.ReplyStream;
import io.courier.responder.Responder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The service every Kafka target talks to: a {@link Responder} that answers each request with its own body and
 * content type, at once or after a fixed delay (the slow service of the in-flight scenario), or, on a streaming
 * route, with a stream of numbered items (the stream scenario). It understands
 * Courier- and Spring-convention requests alike. Thread-safe.
 */
public final class EchoService implements AutoCloseable {
  private final Responder responder;
  private final ScheduledExecutorService delayer;

  private EchoService(Responder responder, ScheduledExecutorService delayer) {
    this.responder = responder;
    this.delayer = delayer;
  }

  /**
   * Starts the responder and waits until it has its partitions.
   *
   * @param delay how long to hold each reply; zero answers on the responder's thread
   * @param maxInFlight requests the responder holds at once (must exceed the in-flight scenario's count)
   */
  public static EchoService start(String bootstrap, String topic, Duration delay, int maxInFlight) {
    ScheduledExecutorService delayer =
        delay.isZero()
            ? null
            : Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "bench-echo-delay-" + topic));
    Responder.Builder builder =
        Responder.builder()
            .bootstrapServers(bootstrap)
            .requestTopic(topic)
            .groupId("bench-echo-" + topic)
            .maxInFlight(maxInFlight)
            .shutdownTimeout(Duration.ofSeconds(2));
    if (delayer == null) {
      builder.syncHandler(EchoService::echo);
    } else {
      builder.handler(
          request -> {
            CompletableFuture<Reply> reply = new CompletableFuture<>();
            delayer.schedule(() -> reply.complete(echo(request)), delay.toMillis(), TimeUnit.MILLISECONDS);
            return reply;
          });
    }
    Responder responder = builder.build().start();
    EchoService service = new EchoService(responder, delayer);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!responder.isRunning()) {
      if (System.nanoTime() > deadline) {
        service.close();
        throw new IllegalStateException("echo responder on " + topic + " got no partitions in 60 s");
      }
      sleepBriefly();
    }
    return service;
  }

  private static Reply echo(Request request) {
    if (request.streams()) {
      return stream(request);
    }
    return Reply.status(200).body(request.header("content-type").orElse("application/json"), request.body());
  }

  /**
   * {@code GET /stream/{count}}: {@code count} items {@code {"i":n,"t":<System.nanoTime() at send>}}, then the
   * end; the bench reads {@code t} in the same JVM for each item's latency.
   */
  private static Reply stream(Request request) {
    int count = Integer.parseInt(request.pathParam("count").orElse("0"));
    ReplyStream stream = request.stream();
    for (int i = 0; i < count; i++) {
      stream.send("{\"i\":" + i + ",\"t\":" + System.nanoTime() + "}");
    }
    return stream.end(200);
  }

  private static void sleepBriefly() {
    try {
      Thread.sleep(20); // start-up only
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void close() {
    responder.close();
    if (delayer != null) {
      delayer.shutdownNow();
    }
  }
}
