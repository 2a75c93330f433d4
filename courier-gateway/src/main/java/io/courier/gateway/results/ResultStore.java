package io.courier.gateway.results;

import io.courier.gateway.pending.Outcome;
import io.courier.protocol.CancelMarker;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.utils.Utils;

/**
 * Results and idempotency claims, kept in the results topic and read back by every instance (ADR 0003).
 * Writes go through the publisher (never blocking the caller); reads come from this instance's {@link
 * ResultView}. Futures complete on Kafka's threads: hop to your own before touching your state.
 *
 * <p>Thread-safe.
 */
public final class ResultStore {
  /**
   * Hands a record of a request topic (a cancel marker) to Kafka without blocking, unless its deadline has
   * passed first; {@code false} when nothing was queued.
   */
  @FunctionalInterface
  public interface MarkerPublisher {
    boolean publish(ProducerRecord<byte[], byte[]> record, java.time.Instant deadline, Callback callback);
  }

  /** Hands a record of the results topic to Kafka without blocking; {@code false} when nothing was queued. */
  @FunctionalInterface
  public interface Writer {
    boolean write(ProducerRecord<byte[], byte[]> record, Callback callback);
  }

  /** What became of a claim on an idempotency scope. */
  public sealed interface Claim {
    /** This request holds the scope: produce it. The claim's record is in {@code partition} of the results topic. */
    record Won(int partition) implements Claim {}

    /**
     * Another request holds it: this one is a retry (or a reuse of the key). {@code holder} is {@code null}
     * in the rare case that every holder it lost to gave the key up again before it could look.
     */
    record Taken(StoredResult holder) implements Claim {}
  }

  private final String topic;
  private final ResultView view;
  private final Writer writer;
  private final Supplier<CompletableFuture<Void>> catchUp;
  private final IntSupplier partitions;
  private final MarkerPublisher markers;
  private final Clock clock;

  /**
   * @param catchUp completes once the view holds every record the topic had when it was called
   * @param partitions the results topic's partition count, once known
   * @param markers where cancel markers go (the request topics' lanes)
   */
  public ResultStore(
      String topic,
      ResultView view,
      Writer writer,
      Supplier<CompletableFuture<Void>> catchUp,
      IntSupplier partitions,
      MarkerPublisher markers,
      Clock clock) {
    this.topic = topic;
    this.view = view;
    this.writer = writer;
    this.catchUp = catchUp;
    this.partitions = partitions;
    this.markers = markers;
    this.clock = clock;
  }

  public ResultView view() {
    return view;
  }

  /**
   * Writes {@code result} and, once Kafka acknowledged it, shows it in this instance's view at once. Fails with
   * {@link RejectedExecutionException} when the publisher's queue is full, else with Kafka's error.
   */
  public CompletableFuture<StoredResult> store(StoredResult result) {
    StoredResult known = view.put(result); // seen here at once; and checked against what is known
    if (known.state().compareTo(result.state()) > 0) {
      // A later state is known already: written after it, this one would be what compaction keeps.
      return CompletableFuture.completedFuture(known);
    }
    return write(ResultRecords.record(topic, null, result)).thenApply(metadata -> result);
  }

  /**
   * Claims an idempotency scope for {@code claim} (a pending result with a scope): writes it to the scope's
   * partition, waits until this instance has read that partition up to it, and reports whether it is the
   * first live claim of the scope in the log. Every instance would decide the same.
   */
  public CompletableFuture<Claim> claim(StoredResult claim) {
    int partition = partitionOf(claim.scope());
    if (partition < 0) {
      return CompletableFuture.failedFuture(new IllegalStateException("the results topic's partitions are not known yet"));
    }
    return claim(claim, partition, CLAIM_ATTEMPTS);
  }

  /** How often a claim is written again when the claim it lost to has been given up meanwhile. */
  static final int CLAIM_ATTEMPTS = 3;

  private CompletableFuture<Claim> claim(StoredResult claim, int partition, int attempts) {
    return write(ResultRecords.record(topic, partition, claim))
        .thenCompose(metadata -> view.applied(metadata.partition(), metadata.offset()))
        .thenCompose(applied -> {
          String holderId = view.verdict(claim.id());
          if (holderId == null || holderId.equals(claim.id())) {
            return CompletableFuture.completedFuture(new Claim.Won(partition));
          }
          // Lost: forget the losing claim so that nobody, after a restart, takes it for a command.
          write(ResultRecords.tombstone(topic, partition, claim.id()));
          StoredResult holder = view.get(holderId);
          if (holder == null && attempts > 1) {
            return claim(claim, partition, attempts - 1); // the holder gave the key up since: try again
          }
          return CompletableFuture.completedFuture(
              new Claim.Taken(holder));
        });
  }

  /** The partition all claims of {@code scope} go to, or -1 while the topic's partition count is not known. */
  private int partitionOf(String scope) {
    int count = partitions.getAsInt();
    return count <= 0 ? -1 : Utils.toPositive(Utils.murmur2(scope.getBytes(StandardCharsets.UTF_8))) % count;
  }

  /**
   * Gives up a claim whose request never reached Kafka (or whose caller left before it was sent), so that a
   * retry can run: a tombstone after it, in its scope's partition. Safe to call when the claim's own write
   * has not been acknowledged yet, or failed: the tombstone goes after it through the same producer.
   */
  public void release(StoredResult claim) {
    int partition = partitionOf(claim.scope());
    if (partition >= 0) {
      write(ResultRecords.tombstone(topic, partition, claim.id()));
    }
  }

  /**
   * The result {@code id}: from the view, or, when the view does not have it, after the view has caught up
   * with the topic (a result written by another instance a moment ago). Completes with {@code null} when
   * there is no such result.
   */
  public CompletableFuture<StoredResult> find(String id) {
    StoredResult known = view.get(id);
    if (known != null) {
      return CompletableFuture.completedFuture(known);
    }
    return catchUp.get().thenApply(caughtUp -> view.get(id));
  }

  /**
   * A reply no waiting caller took (late, for a restarted or another instance): if it answers a pending
   * result, it becomes that result. Consumer thread; never blocks.
   *
   * @return whether the reply was kept as a result
   */
  public boolean unclaimedReply(String correlationId, Outcome.Replied reply) {
    StoredResult result = view.get(correlationId);
    if (result == null || result.state() == StoredResult.State.DONE) {
      return false;
    }
    store(result.done(reply));
    return true;
  }

  /**
   * Cancels a pending command: a cancel marker to its request's partition, and the result marked cancelled.
   * Completes with the cancelled result, or fails when the marker could not be queued.
   */
  public CompletableFuture<StoredResult> cancel(StoredResult pending) {
    if (!clock.instant().isBefore(pending.deadline())) {
      // Past its deadline a request is skipped by the responder anyway: no marker needed.
      return store(pending.cancelled());
    }
    CompletableFuture<RecordMetadata> marked = new CompletableFuture<>();
    if (!markers.publish(cancelMarker(pending.requestTopic(), pending.requestPartition(), pending.id()), pending.deadline(), callback(marked))) {
      marked.completeExceptionally(new RejectedExecutionException("the queue in front of Kafka is full"));
    }
    return marked.thenCompose(ignored -> store(pending.cancelled()));
  }

  /** The cancel marker of a request ({@link CancelMarker}), for its topic and partition. */
  public static ProducerRecord<byte[], byte[]> cancelMarker(String requestTopic, int partition, String correlationId) {
    return new ProducerRecord<>(requestTopic, partition, (byte[]) null, (byte[]) null, CancelMarker.headers(correlationId));
  }

  public Clock clock() {
    return clock;
  }

  private CompletableFuture<RecordMetadata> write(ProducerRecord<byte[], byte[]> record) {
    CompletableFuture<RecordMetadata> written = new CompletableFuture<>();
    if (!writer.write(record, callback(written))) {
      written.completeExceptionally(new RejectedExecutionException("the queue in front of the results topic is full"));
    }
    return written;
  }

  private static Callback callback(CompletableFuture<RecordMetadata> future) {
    return (metadata, error) -> {
      if (error != null) {
        future.completeExceptionally(error);
      } else {
        future.complete(metadata);
      }
    };
  }
}
