package io.courier.responder;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A streamed reply (protocol 3, {@code docs/protocol.md} "Streamed replies"): one {@link #send} per item, then
 * one {@link #end} (or {@link #fail}) whose return value the handler returns. Each item becomes one reply
 * record numbered {@code 0, 1, 2, ...} ({@code courier-stream-seq}) on the request's reply partition; the end
 * marker ({@code courier-stream-end}) carries the final status.
 *
 * <pre>{@code
 * RequestHandler handler = request -> CompletableFuture.supplyAsync(() -> {
 *   ReplyStream stream = request.stream();
 *   for (Order order : orders.of(customer)) {
 *     stream.send(order.toJson());
 *   }
 *   return stream.end(200);
 * }, executor);
 * }</pre>
 *
 * <p><b>Back-pressure:</b> at most {@code window} items are produced and not yet acknowledged by Kafka; {@link
 * #send} blocks the calling thread until an acknowledgement makes room (never past the request's deadline).
 * Emit from a thread of your own (an asynchronous handler, as above): a synchronous handler runs on the
 * responder's poll thread, which then reads no cancel markers until the stream ends.
 *
 * <p><b>Deadline and cancellation:</b> once the request's deadline (the stream's overall limit) has passed,
 * or its caller cancelled it (the gateway sends a cancel marker when the caller leaves or a stream limit ends
 * the stream), {@link #send} throws {@link CancellationException}: stop; nothing more is produced.
 *
 * <p>Thread-safe; items go out in the order {@code send} is called.
 */
public final class ReplyStream {
  /** Items produced and not yet acknowledged, at most, unless the responder is told otherwise. */
  public static final int DEFAULT_WINDOW = 32;

  /**
   * Where the stream's records go: the responder's producer, which sends each to the request's reply topic and
   * partition with the stream headers. Implemented by the responder; a test may supply its own.
   */
  @FunctionalInterface
  public interface Records {
    /**
     * Produces record {@code sequence}: an item ({@code endStatus} -1) or the end marker.
     *
     * @return completes when Kafka acknowledges it, exceptionally when producing it failed
     */
    CompletionStage<Void> send(long sequence, int endStatus, byte[] value);
  }

  private final Records records;
  private final Cancellation cancellation;
  private final Instant deadline;
  private final Clock clock;
  private final Semaphore window;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private long next;
  private boolean ended;
  private volatile Throwable failure;
  private final Reply streamed;

  /**
   * @param records where the records go
   * @param cancellation the request's cancellation
   * @param deadline the request's deadline: the stream's overall limit
   * @param window the most items produced and not yet acknowledged, at least 1
   */
  public ReplyStream(Records records, Cancellation cancellation, Instant deadline, Clock clock, int window) {
    if (window < 1) {
      throw new IllegalArgumentException("window must be at least 1: " + window);
    }
    this.records = records;
    this.cancellation = cancellation;
    this.deadline = deadline;
    this.clock = clock;
    this.window = new Semaphore(window);
    this.streamed = Reply.status(200);
  }

  /**
   * Sends one item: one JSON value (an object, say), UTF-8.
   *
   * @throws CancellationException if the caller cancelled the stream or its deadline passed (also while
   *     waiting for room in the window): stop emitting
   * @throws IllegalStateException if the stream has ended, or an earlier item could not be produced
   */
  public void send(String json) {
    send(json.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #send(String)}, with the item's bytes (not copied: do not modify them afterwards). */
  public synchronized void send(byte[] json) {
    if (ended) {
      throw new IllegalStateException("the stream has ended");
    }
    stopIfCancelled();
    Throwable failed = failure;
    if (failed != null) {
      throw new IllegalStateException("an item of the stream could not be produced", failed);
    }
    awaitRoom();
    records.send(next++, -1, json).whenComplete((ok, error) -> {
      if (error != null && failure == null) {
        failure = error;
      }
      window.release();
    });
  }

  /**
   * Ends the stream with {@code status} (2xx: every item was sent).
   *
   * @return the reply for the handler to return; the responder produces nothing more for it
   * @throws IllegalStateException if the stream has ended already
   */
  public Reply end(int status) {
    return end(status, new byte[0]);
  }

  /**
   * Ends the stream early with an RFC 9457 problem, e.g. {@code fail(500, "Store unavailable", "...")}: the end
   * marker carries the status and the problem.
   *
   * @return the reply for the handler to return
   */
  public Reply fail(int status, String title, String detail) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("a failed stream ends with a 4xx or 5xx status: " + status);
    }
    return end(status, Reply.problem(status, title, detail).body());
  }

  /** Whether anything was sent or the stream ended: then the answer is the stream, not a single reply. */
  public synchronized boolean begun() {
    return next > 0 || ended;
  }

  /** Whether the stream has ended. */
  public synchronized boolean ended() {
    return ended;
  }

  /** Items sent so far. */
  public synchronized long sent() {
    return ended ? next - 1 : next;
  }

  /**
   * Responder side: ends the stream with the handler's reply (a handler that failed or timed out mid-stream:
   * its status and body become the end marker), unless it has ended.
   */
  public Reply endWith(Reply reply) {
    synchronized (this) {
      if (ended) {
        return streamed;
      }
    }
    return end(reply.status() < 400 ? 500 : reply.status(), reply.body());
  }

  /** Whether {@code reply} is what {@link #end} returned: the stream is the answer. */
  public boolean isStreamed(Reply reply) {
    return reply == streamed;
  }

  /** Completes once the end marker and every item are acknowledged; exceptionally if any failed. */
  public CompletionStage<Void> completion() {
    return done;
  }

  private synchronized Reply end(int status, byte[] problem) {
    if (ended) {
      throw new IllegalStateException("the stream has ended");
    }
    ended = true;
    long sequence = next++;
    if (cancellation.isCancelled() || !clock.instant().isBefore(deadline)) {
      done.completeExceptionally(new CancellationException("the stream was cancelled or its deadline passed"));
      return streamed; // nobody reads it any more
    }
    records.send(sequence, status, problem).whenComplete((ok, error) -> {
      // All earlier items were sent before this one on the same partition: once the end is acknowledged,
      // an idempotent producer has acknowledged them too.
      Throwable failed = error != null ? error : failure;
      if (failed != null) {
        done.completeExceptionally(failed);
      } else {
        done.complete(null);
      }
    });
    return streamed;
  }

  private void stopIfCancelled() {
    if (cancellation.isCancelled()) {
      throw new CancellationException("the caller cancelled the stream");
    }
    if (!clock.instant().isBefore(deadline)) {
      throw new CancellationException("the stream's deadline has passed");
    }
  }

  private void awaitRoom() {
    try {
      while (!window.tryAcquire(waitSlice(), TimeUnit.MILLISECONDS)) {
        stopIfCancelled(); // waiting for Kafka: still stop at a cancel or the deadline
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while waiting for Kafka to acknowledge the stream's items");
    }
  }

  /** How long to wait for room before looking at the deadline and the cancellation again, in millis. */
  private long waitSlice() {
    Duration left = Duration.between(clock.instant(), deadline); // Instant.MAX: no deadline, no overflow here
    return left.compareTo(Duration.ofMillis(100)) >= 0 ? 100 : Math.max(1, left.toMillis());
  }
}
