package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the response topic on its own thread, {@code courier-reply-consumer}, and hands every record to the
 * reply handler. Until it is positioned on its partitions the gateway is not ready; while Kafka is
 * unreachable or a topic is missing it keeps trying and says why in {@link #notReadyReason()}.
 *
 * <p>This instance owns all partitions of the response topic (see {@code docs/adr/0001-reply-partitions.md}):
 * requests name them in turn as their reply partition. The handler runs on the consumer thread and must
 * not block.
 *
 * <p>Thread-safe: the consumer itself is confined to the consumer thread.
 */
public final class ReplyConsumer implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ReplyConsumer.class);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String responseTopic;
  private final TopicCheck topicCheck;
  private final Consumer<ConsumerRecord<byte[], byte[]>> handler;
  private final Thread thread;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final AtomicInteger nextPartition = new AtomicInteger();
  private volatile int[] ownedPartitions = new int[0];
  private volatile String notReadyReason = "starting";

  public ReplyConsumer(
      KafkaConsumer<byte[], byte[]> consumer,
      String responseTopic,
      TopicCheck topicCheck,
      Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    this.consumer = consumer;
    this.responseTopic = responseTopic;
    this.topicCheck = topicCheck;
    this.handler = handler;
    this.thread = new Thread(this::run, "courier-reply-consumer");
  }

  public void start() {
    thread.start();
  }

  /** {@code null} once positioned on the response topic; otherwise what the gateway is waiting for. */
  public String notReadyReason() {
    return notReadyReason;
  }

  public boolean isReady() {
    return notReadyReason == null;
  }

  /** The partitions this instance reads, in turn; {@code -1} before it is ready. */
  public int nextReplyPartition() {
    int[] owned = ownedPartitions;
    if (owned.length == 0) {
      return -1;
    }
    return owned[Math.floorMod(nextPartition.getAndIncrement(), owned.length)];
  }

  private void run() {
    try {
      if (position()) {
        pollUntilClosed();
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      notReadyReason = "reply consumer stopped: " + e;
      LOGGER.error("Reply consumer stopped responseTopic={}", responseTopic, e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  /** Retries until positioned or closed; returns whether positioned. */
  private boolean position() {
    String lastLogged = null;
    while (closing.getCount() > 0) {
      String problem = tryPosition();
      if (problem == null) {
        notReadyReason = null;
        LOGGER.info("Reply consumer positioned responseTopic={} partitions={}", responseTopic, ownedPartitions.length);
        return true;
      }
      notReadyReason = problem;
      if (!problem.equals(lastLogged)) {
        LOGGER.error("Gateway not ready, retrying every {} s: {}", RETRY_PAUSE.toSeconds(), problem);
        lastLogged = problem;
      }
      try {
        closing.await(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private String tryPosition() {
    try {
      Set<String> missing = topicCheck.missingTopics();
      if (!missing.isEmpty()) {
        return "topics do not exist: " + String.join(", ", missing.stream().sorted().toList());
      }
      List<PartitionInfo> partitions = consumer.partitionsFor(responseTopic, METADATA_TIMEOUT);
      if (partitions == null || partitions.isEmpty()) {
        return "response topic " + responseTopic + " has no partitions";
      }
      List<TopicPartition> assigned =
          partitions.stream().map(p -> new TopicPartition(responseTopic, p.partition())).toList();
      consumer.assign(assigned);
      consumer.seekToEnd(assigned);
      for (TopicPartition partition : assigned) {
        consumer.position(partition, METADATA_TIMEOUT); // resolves the lazy seek: positioned from here on
      }
      ownedPartitions = assigned.stream().mapToInt(TopicPartition::partition).toArray();
      return null;
    } catch (WakeupException e) {
      throw e;
    } catch (KafkaException e) {
      return "cannot reach Kafka: " + e.getMessage();
    }
  }

  private void pollUntilClosed() {
    while (closing.getCount() > 0) {
      ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
      for (ConsumerRecord<byte[], byte[]> record : records) {
        try {
          handler.accept(record);
        } catch (RuntimeException e) {
          // A bad reply must never stop the loop that serves every other request.
          LOGGER.warn(
              "Reply handler failed partition={} offset={}", record.partition(), record.offset(), e);
        }
      }
    }
  }

  @Override
  public void close() {
    closing.countDown();
    consumer.wakeup();
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
