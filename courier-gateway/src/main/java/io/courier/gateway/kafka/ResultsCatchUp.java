package io.courier.gateway.kafka;

import io.courier.gateway.results.ResultView;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * Catches the results view up with the topic for lookups that missed it (ADR 0003): asks for the topic's end
 * offsets and completes once the view has read up to them.
 *
 * <p>Lookups share requests: while one request for the end offsets is in flight, every lookup that asks waits
 * for the next one, sent as soon as that one ends; so each lookup is served by a request sent after it asked
 * (what it must see was written before), and a burst of misses costs two requests, not one each.
 *
 * <p>Thread-safe; never blocks. The futures returned are plain {@link CompletableFuture}s that callers may
 * time out ({@code orTimeout}): Kafka's own ({@link KafkaFuture#toCompletionStage()}) refuse to be completed
 * from outside, so a timeout on anything derived from one would never fire.
 */
final class ResultsCatchUp {
  private final Supplier<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> endOffsets;
  private final ResultView view;
  private final Object lock = new Object();
  /** Whether a request is in flight. Guarded by {@link #lock}. */
  private boolean requesting;
  /** The lookups waiting for the request after the one in flight, or {@code null}. Guarded by {@link #lock}. */
  private CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> next;

  /**
   * @param endOffsets sends one request for the topic's committed end offsets; may throw (then the lookups that
   *     share it fail)
   */
  ResultsCatchUp(Supplier<KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>>> endOffsets, ResultView view) {
    this.endOffsets = endOffsets;
    this.view = view;
  }

  /** Completes once the view holds every record the topic had when this was called; fails if Kafka cannot say. */
  CompletableFuture<Void> caughtUp() {
    return ends().thenCompose(ends -> CompletableFuture.allOf(ends.entrySet().stream()
        .filter(end -> end.getValue().offset() > 0)
        .map(end -> view.applied(end.getKey().partition(), end.getValue().offset() - 1))
        .toArray(CompletableFuture[]::new)));
  }

  private CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends() {
    synchronized (lock) {
      if (requesting) {
        if (next == null) {
          next = new CompletableFuture<>();
        }
        return next;
      }
      requesting = true;
    }
    CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> ends = new CompletableFuture<>();
    request(ends);
    return ends;
  }

  /** Sends a request for {@code waiting}; when it ends, the next one for whoever asked meanwhile. */
  private void request(CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> waiting) {
    KafkaFuture<Map<TopicPartition, ListOffsetsResultInfo>> sent;
    try {
      sent = endOffsets.get();
    } catch (RuntimeException e) {
      waiting.completeExceptionally(e);
      requestNext();
      return;
    }
    sent.whenComplete((ends, error) -> {
      if (error != null) {
        waiting.completeExceptionally(error);
      } else {
        waiting.complete(ends);
      }
      requestNext();
    });
  }

  private void requestNext() {
    CompletableFuture<Map<TopicPartition, ListOffsetsResultInfo>> following;
    synchronized (lock) {
      following = next;
      next = null;
      requesting = following != null;
    }
    if (following != null) {
      request(following);
    }
  }
}
