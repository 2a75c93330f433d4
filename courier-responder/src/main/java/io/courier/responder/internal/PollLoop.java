package io.courier.responder.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import io.courier.protocol.CancelMarker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What runs on the responder's poll thread: poll, hand records to the {@link RequestProcessor} (at most
 * {@code maxInFlight} at once), collect completions, pause or resume, commit; and on revocation or close,
 * finish the requests in hand and commit them.
 *
 * <p>Thread confinement: the consumer, the {@link OffsetTracker} and the backlog are touched on the poll
 * thread only (the rebalance callbacks and commit callbacks run there too, inside {@code poll}). Other
 * threads only add to the completion queue, and {@link #requestClose()} may be called from any thread.
 */
final class PollLoop extends ConsumeLoop implements ConsumerRebalanceListener {
  private static final Logger LOGGER = LoggerFactory.getLogger(PollLoop.class);

  /** How long one poll waits for records; also how soon a close or a free slot is noticed when idle. */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

  private final Consumer<String, byte[]> consumer;
  private final ReplyProducer replies;
  private final RequestProcessor processor;
  private final OffsetTracker offsets = new OffsetTracker();
  private final OffsetCommitter committer;
  /** Fetched records waiting for a free slot; never more than one poll's worth. */
  private final ArrayDeque<ConsumerRecord<String, byte[]>> backlog = new ArrayDeque<>();
  /**
   * Requests done, reported from handler and producer threads. Unbounded type, bounded in practice: it never
   * holds more than {@code maxInFlight} entries, one per request in hand.
   */
  private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();

  private volatile boolean assigned;

  PollLoop(
      ResponderLoop.Settings settings,
      Consumer<String, byte[]> consumer,
      ReplyProducer replies,
      RequestProcessor processor) {
    super(settings);
    this.consumer = consumer;
    this.replies = replies;
    this.processor = processor;
    this.committer = new OffsetCommitter(settings, consumer, offsets);
  }

  @Override
  void wakeup() {
    consumer.wakeup();
  }

  /** Any thread: whether partitions are assigned and the loop has not begun to close. */
  @Override
  boolean isRunning() {
    return assigned && !closing;
  }

  @Override
  void subscribe() {
    consumer.subscribe(List.of(settings.requestTopic()), this);
  }

  /** One turn of the loop: take in records, start what fits, pause or resume, commit. */
  @Override
  void pollOnce() {
    boolean saturated = isSaturated();
    if (saturated) {
      // Wait for a free slot here rather than in poll(): the partitions are paused, so poll() would sleep
      // the whole timeout even when a request completes at once.
      awaitCompletion(POLL_TIMEOUT.toNanos());
    }
    // Poll even when saturated, so that the group sees this member alive and rebalances run.
    for (ConsumerRecord<String, byte[]> record : poll(saturated ? Duration.ZERO : POLL_TIMEOUT)) {
      offsets.partition(partitionOf(record)).fetched(record.offset());
      if (CancelMarker.cancelledId(record.headers()) != null) {
        start(record); // at once, past the backlog and the in-flight cap: its request may be in the handler now
      } else {
        backlog.add(record);
      }
    }
    dispatch();
    applyBackpressure();
    committer.commitAsync();
  }

  private ConsumerRecords<String, byte[]> poll(Duration timeout) {
    try {
      return consumer.poll(timeout);
    } catch (WakeupException e) {
      // Only requestClose() wakes the consumer up; the loop condition takes it from here.
      return ConsumerRecords.empty();
    }
  }

  private boolean isSaturated() {
    return !backlog.isEmpty() || offsets.inFlight() >= settings.maxInFlight();
  }

  private void dispatch() {
    while (!backlog.isEmpty()) {
      drainCompletions();
      if (offsets.inFlight() >= settings.maxInFlight()) {
        return;
      }
      start(backlog.poll());
    }
    drainCompletions();
  }

  private void start(ConsumerRecord<String, byte[]> record) {
    PartitionOffsets partition = offsets.partition(partitionOf(record));
    long offset = record.offset();
    partition.started();
    processor
        .process(record)
        .whenComplete((outcome, error) -> completions.add(new Completion(partition, offset)));
  }

  private void applyBackpressure() {
    Set<TopicPartition> assignment = consumer.assignment();
    if (isSaturated()) {
      if (!consumer.paused().containsAll(assignment)) {
        consumer.pause(assignment);
      }
    } else if (!consumer.paused().isEmpty()) {
      consumer.resume(consumer.paused());
    }
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    assigned = !consumer.assignment().isEmpty();
    if (!partitions.isEmpty()) {
      LOGGER.info(
          "Partitions assigned requestTopic={} groupId={} partitions={}",
          settings.requestTopic(),
          settings.groupId(),
          partitions);
    }
  }

  /**
   * Finishes the requests in hand of the revoked partitions (bounded by the shutdown timeout) and commits
   * them, so that the next owner does not answer them again. Records fetched but not started are left to
   * the next owner: the commit stops before the first of them.
   */
  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    backlog.removeIf(record -> partitions.contains(partitionOf(record)));
    awaitInFlight(partitions);
    committer.commitSync(offsets.toCommit(partitions));
    offsets.forget(partitions);
    assigned = consumer.assignment().stream().anyMatch(partition -> !partitions.contains(partition));
    LOGGER.info(
        "Partitions revoked requestTopic={} groupId={} partitions={}",
        settings.requestTopic(),
        settings.groupId(),
        partitions);
  }

  /** The partitions are owned by another member already: committing is no longer possible. */
  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    backlog.removeIf(record -> partitions.contains(partitionOf(record)));
    offsets.forget(partitions);
    assigned = consumer.assignment().stream().anyMatch(partition -> !partitions.contains(partition));
    LOGGER.warn(
        "Partitions lost; their requests in hand may be answered twice"
            + " requestTopic={} groupId={} partitions={}",
        settings.requestTopic(),
        settings.groupId(),
        partitions);
  }

  /** Finishes what is in hand, commits, leaves the group and closes both clients. */
  @Override
  void shutdown() {
    assigned = false;
    closing = true;
    try {
      // Fetched records not yet started stay uncommitted: the next owner answers them.
      backlog.clear();
      awaitInFlight(offsets.owned());
      committer.commitSync(offsets.toCommit());
      offsets.forgetAll();
    } catch (RuntimeException e) {
      LOGGER.warn(
          "Final commit failed requestTopic={} groupId={} error={}",
          settings.requestTopic(),
          settings.groupId(),
          String.valueOf(e));
    } finally {
      closeClients();
    }
  }

  private void closeClients() {
    try {
      consumer.close(CloseOptions.timeout(settings.shutdownTimeout()));
    } catch (RuntimeException e) {
      LOGGER.warn(
          "Closing the consumer failed requestTopic={} error={}", settings.requestTopic(), String.valueOf(e));
    }
    try {
      replies.close(settings.shutdownTimeout());
    } catch (RuntimeException e) {
      LOGGER.warn(
          "Closing the producer failed requestTopic={} error={}", settings.requestTopic(), String.valueOf(e));
    }
  }

  /** Waits, up to the shutdown timeout, until no request of these partitions is in hand. */
  private boolean awaitInFlight(Collection<TopicPartition> partitions) {
    long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
    drainCompletions();
    while (offsets.inFlight(partitions) > 0) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
        LOGGER.warn(
            "Stopped waiting for requests in hand; they may be answered again"
                + " requestTopic={} groupId={} inFlight={}",
            settings.requestTopic(),
            settings.groupId(),
            offsets.inFlight(partitions));
        return false;
      }
      awaitCompletion(remaining);
    }
    return true;
  }

  private void awaitCompletion(long timeoutNanos) {
    try {
      Completion completion = completions.poll(timeoutNanos, TimeUnit.NANOSECONDS);
      if (completion != null) {
        completion.apply();
        drainCompletions();
      }
    } catch (InterruptedException e) {
      // Nobody but a close should interrupt this thread: treat it as one, keep the flag for the caller.
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  private void drainCompletions() {
    Completion completion;
    while ((completion = completions.poll()) != null) {
      completion.apply();
    }
  }

  private static TopicPartition partitionOf(ConsumerRecord<?, ?> record) {
    return new TopicPartition(record.topic(), record.partition());
  }

  /** One request done; names the partition state it was started in, see {@link OffsetTracker}. */
  private record Completion(PartitionOffsets partition, long offset) {
    void apply() {
      partition.completed(offset);
    }
  }
}
