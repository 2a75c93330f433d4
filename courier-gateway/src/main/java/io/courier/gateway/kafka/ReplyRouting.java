package io.courier.gateway.kafka;

import io.courier.gateway.config.KafkaConfig;
import io.courier.gateway.pending.PendingReplies;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * How replies find the instance waiting for them (ADR 0002): the reply consumer reads the partitions this
 * instance owns, requests name one of them as their reply partition, and replies that land on the wrong
 * instance (its partitions moved, or it owns none) travel on through the forward topic, which every instance reads
 * whole ({@link #forwardReading()}, read by {@link WholeTopics}). Replies can be taken once the reply consumer is
 * positioned and the forward topic read. Thread-safe.
 */
public final class ReplyRouting implements AutoCloseable {
  private final ReplyPartitions partitions;
  private final ReplyConsumer replies;
  private final ForwardReading forwards;

  public ReplyRouting(
      KafkaConfig kafka,
      String instanceId,
      Collection<String> requestTopics,
      Admin admin,
      PendingReplies pending,
      RequestPublisher publisher,
      ReplyEvents events,
      RecordBatchListener batches,
      ClusterWatch groupWatch,
      Collection<String> otherTopics,
      ReplyDispatcher.UnclaimedReplies unclaimed) {
    Set<String> topics = new LinkedHashSet<>(requestTopics);
    topics.add(kafka.responseTopic());
    topics.add(kafka.replies().forwardTopic());
    topics.addAll(otherTopics);
    this.partitions = new ReplyPartitions(instanceId);
    ReplyForwarder forwarder = new ReplyForwarder(kafka.replies().forwardTopic(), instanceId, publisher, events);
    this.replies =
        new ReplyConsumer(
            () -> KafkaClients.create("reply consumer", KafkaClients.replyConsumer(kafka, instanceId), KafkaConsumer<byte[], byte[]>::new),
            KafkaClients.fetchMaxWaitMillis(KafkaClients.replyConsumer(kafka, instanceId)),
            kafka.responseTopic(),
            kafka.replies(),
            new TopicCheck(admin, topics),
            groupWatch,
            partitions,
            ReplyDispatcher.forResponses(pending, events, forwarder, unclaimed),
            batches);
    this.forwards =
        new ForwardReading(
            kafka.replies().forwardTopic(),
            ReplyDispatcher.forForwards(pending, events, instanceId.getBytes(StandardCharsets.UTF_8), unclaimed));
  }

  public void start() {
    replies.start();
  }

  /** {@code null} when the reply consumer is positioned; otherwise why not. The forward topic: {@link WholeTopics}. */
  public String notReadyReason() {
    return replies.notReadyReason();
  }

  /**
   * Completes once the reply consumer is positioned for the first time; fails as soon as it refuses its set-up for
   * good. Never completes while Kafka stays unreachable: callers bound their wait.
   */
  public CompletableFuture<Void> firstReady() {
    return replies.positioned();
  }

  /** {@code null} while the reply consumer can recover by itself; else why it keeps crashing. */
  public String unhealthyReason() {
    return replies.unhealthyReason();
  }

  /** Reading the forward topic: every instance reads every forward, and takes those keyed with its id. */
  TopicReading forwardReading() {
    return forwards;
  }

  /** Why the gateway can never become ready with this configuration and cluster, or {@code null}. */
  public String refusal() {
    return replies.refusal();
  }

  /** The reply partition a new request names. */
  public int nextReplyPartition() {
    return partitions.next();
  }

  /** The response-topic partitions this instance reads now. */
  public int[] ownedPartitions() {
    return partitions.owned();
  }

  /** Stops reading; in group mode commits positions and leaves the group so the partitions move at once. */
  @Override
  public void close() {
    replies.close();
  }
}
