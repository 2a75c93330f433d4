package io.courier.gateway.kafka;

import io.courier.gateway.results.ResultView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Catches the results view up with the topic for lookups that missed it (ADR 0003): asks for the topic's end
 * offsets and completes once the view has read up to them.
 *
 * <p>Lookups share catch-ups: while one is in progress, every lookup that asks waits for the next one, started
 * as soon as it ends; so each lookup is served by end offsets asked for after it asked (what it must see was
 * written before), a burst of misses costs two requests and two sets of waiters in the view, not one each,
 * and a consumer of the results topic that is behind (restarting, say) has at most one catch-up waiting for
 * it. A catch-up gives up after {@link #GIVE_UP_AFTER}, taking its waiters out of the view.
 *
 * <p>Thread-safe; never blocks. The futures returned complete on the admin client's thread, the one reading the results topic,
 * the caller's (end offsets there at once) or the JDK's timer thread (a catch-up giving up, which also starts the
 * next: none of these blocks), and are plain {@link CompletableFuture}s that callers may time out ({@code orTimeout}): Kafka's own
 * ({@link KafkaFuture#toCompletionStage()}) refuse to be completed from outside, so a timeout on anything derived
 * from one would never fire.
 */
final class ResultsCatchUp {
  /**
   * How long a catch-up lasts at most, its request and the wait for the view together: as long as a lookup waits
   * for it ({@code ResultsEndpoint}), after which nobody does.
   */
  static final Duration GIVE_UP_AFTER = Duration.ofSeconds(5);

  private final Supplier<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> endOffsets;
  private final ResultView view;
  private final long giveUpMillis;
  private final Object lock = new Object();
  /** The catch-up in progress, or {@code null}. Guarded by {@link #lock}. */
  private CompletableFuture<Void> current;
  /** The catch-up the lookups that asked during {@link #current} wait for, or {@code null}. Guarded by {@link #lock}. */
  private CompletableFuture<Void> next;

  /**
   * @param endOffsets sends one request for the topic's committed end offsets; may throw (then the lookups that
   *     share it fail)
   */
  ResultsCatchUp(Supplier<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> endOffsets, ResultView view) {
    this(endOffsets, view, GIVE_UP_AFTER);
  }

  /** @param giveUpAfter how long a catch-up lasts at most */
  ResultsCatchUp(
      Supplier<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> endOffsets, ResultView view, Duration giveUpAfter) {
    this.endOffsets = endOffsets;
    this.view = view;
    this.giveUpMillis = giveUpAfter.toMillis();
  }

  /**
   * Completes once the view holds every record the topic had when this was called; fails if Kafka cannot say
   * what that is, or the view does not get there within {@link #GIVE_UP_AFTER}.
   */
  CompletableFuture<Void> caughtUp() {
    CompletableFuture<Void> start;
    synchronized (lock) {
      if (current != null) {
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return next.copy(); // a copy: one lookup timing out must not end the catch-up for the others
      }
      current = start = new CompletableFuture<>();
    }
    run(start);
    return start.copy();
  }

  /** Runs {@code shared}, then each catch-up asked for meanwhile: a loop, not a recursion, when they end at once. */
  private void run(CompletableFuture<Void> shared) {
    while (shared != null) {
      CompletableFuture<Void> once = catchUpOnce();
      if (!once.isDone()) {
        CompletableFuture<Void> waiting = shared;
        once.whenComplete((done, error) -> {
          settle(waiting, error);
          run(takeNext());
        });
        return;
      }
      settle(shared, once.handle((done, error) -> error).join());
      shared = takeNext();
    }
  }

  private CompletableFuture<Void> takeNext() {
    synchronized (lock) {
      current = next;
      next = null;
      return current;
    }
  }

  private static void settle(CompletableFuture<Void> shared, Throwable error) {
    if (error == null) {
      shared.complete(null);
    } else {
      shared.completeExceptionally(error);
    }
  }

  /** One request for the end offsets, then the wait for the view, within one give-up time; never throws. */
  private CompletableFuture<Void> catchUpOnce() {
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(giveUpMillis);
      CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = new CompletableFuture<>();
      endOffsets.get().whenComplete((offsets, error) -> {
        if (error != null) {
          ends.completeExceptionally(error);
        } else {
          ends.complete(offsets);
        }
      });
      return ends.orTimeout(giveUpMillis, TimeUnit.MILLISECONDS).thenCompose(offsets -> reached(offsets, deadline));
    } catch (Throwable e) {
      return CompletableFuture.failedFuture(e); // the supplier, or worse: its lookups fail, the next catch-up runs
    }
  }

  /**
   * Completes once the view has read each partition up to its end offset; by {@code deadline} ({@link
   * System#nanoTime()}) it gives up, and cancels its waiters (the view forgets waiters that are done).
   */
  private CompletableFuture<Void> reached(Map<TopicPartition, ListOffsetsResultInfo> ends, long deadline) {
    List<CompletableFuture<Void>> positions = ends.entrySet().stream()
        .filter(end -> end.getValue().offset() > 0)
        .map(end -> view.applied(end.getKey().partition(), end.getValue().offset() - 1))
        .toList();
    return CompletableFuture.allOf(positions.toArray(CompletableFuture[]::new))
        .orTimeout(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        .whenComplete((done, error) -> {
          if (error != null) {
            positions.forEach(position -> position.cancel(false));
          }
        });
  }
}
