package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * One consumer, on thread {@value #THREAD_NAME}, without a group, that reads every partition of the topics
 * each instance reads whole: the forward topic (ADR 0002), the results topic (ADR 0003) and the state topics
 * (ADR 0004), each a {@link TopicReading} that says where reading starts and takes its topic's records.
 *
 * <p>One consumer rather than one per topic because an idle consumer is not free: each poll loop wakes at
 * least once a second and each wake of a classic consumer costs about 0.5 ms of CPU, and each keeps its own
 * fetch parked at every broker (docs/benchmarks.md, idle CPU). The price is shared fate: a consumer that
 * fails or restarts does so for every reading at once, and a set-up waits for every reading's topics (a missing
 * state topic stops forwards too; the gateway is not ready then anyway). A backlog on one topic (a restart
 * reading a large results window) can hold up records of the others by a few polls; each record is a map
 * update, so that is milliseconds, not seconds.
 *
 * <p>Thread-safe like {@link ConsumerLoop}: the consumer is confined to the loop's thread.
 */
final class WholeTopicConsumer extends ConsumerLoop {
  static final String THREAD_NAME = "courier-whole-topics-consumer";
  static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

  private final List<TopicReading> readings;
  /** Whether every reading has caught up since the last set-up. Loop thread. */
  private boolean allCaughtUp;

  /**
   * @param readings what to read; no topic may be in two of them
   * @param batches told of each poll's records (forwards cause responses to write)
   * @throws IllegalArgumentException if two readings name one topic
   */
  WholeTopicConsumer(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers,
      List<TopicReading> readings,
      RecordBatchListener batches) {
    this(consumers, readings, batches, RETRY_PAUSE);
  }

  /** @param retryPause the first pause before a retry or restart; it doubles up to 30 s */
  WholeTopicConsumer(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumers,
      List<TopicReading> readings,
      RecordBatchListener batches,
      Duration retryPause) {
    super(THREAD_NAME, consumers, byTopic(readings), batches, retryPause);
    this.readings = List.copyOf(readings);
  }

  /** Hands each record to the reading of its topic. */
  private static Consumer<ConsumerRecord<byte[], byte[]>> byTopic(List<TopicReading> readings) {
    Map<String, TopicReading> byTopic = new HashMap<>();
    for (TopicReading reading : readings) {
      for (String topic : reading.topics()) {
        TopicReading other = byTopic.putIfAbsent(topic, reading);
        if (other != null) {
          // Each reading seeks its partitions to a start of its own: one topic cannot be read from two.
          throw new IllegalArgumentException(
              "topic " + topic + " is both a " + other.what() + " topic and a " + reading.what() + " topic");
        }
      }
    }
    return record -> byTopic.get(record.topic()).accept(record);
  }

  @Override
  protected String setUp() {
    Map<TopicReading, List<TopicPartition>> partitions = new LinkedHashMap<>();
    List<TopicPartition> all = new ArrayList<>();
    for (TopicReading reading : readings) {
      List<TopicPartition> its = new ArrayList<>();
      for (String topic : reading.topics()) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
        if (infos == null || infos.isEmpty()) {
          return reading.what() + " topic " + topic + " does not exist";
        }
        infos.forEach(info -> its.add(new TopicPartition(topic, info.partition())));
      }
      partitions.put(reading, its);
      all.addAll(its);
    }
    consumer.assign(all);
    partitions.forEach((reading, its) -> reading.seekToStart(consumer, its));
    // A fresh consumer holds no fetch yet, so positions come at once; one Kafka cannot give fails the set-up,
    // which is retried.
    all.forEach(partition -> consumer.position(partition, METADATA_TIMEOUT));
    Map<TopicPartition, Long> ends = consumer.endOffsets(all, METADATA_TIMEOUT);
    partitions.forEach((reading, its) -> reading.started(its, ends));
    allCaughtUp = false;
    polling(); // before the readings may say they have caught up: whoever waits for that finds the loop polling
    afterPoll(ConsumerRecords.empty());
    return null;
  }

  /** Each reading's positions, without waiting ({@link TopicReading#afterPoll}), and whether all have caught up. */
  @Override
  protected void afterPoll(ConsumerRecords<byte[], byte[]> records) {
    boolean caughtUp = true;
    for (TopicReading reading : readings) {
      reading.afterPoll(consumer);
      caughtUp &= reading.notReadyReason() == null;
    }
    if (caughtUp && !allCaughtUp) {
      allCaughtUp = true;
      ready(); // only now: a consumer that crashes on every catch-up keeps counting crashes, and fails /health
    }
  }

  @Override
  protected void recovered() {
    polling(); // a failed poll does not undo catching up; ready() comes from afterPoll if it has not yet
  }

  /**
   * {@code null} once the consumer is set up, polls well and every reading has caught up; otherwise why not,
   * the consumer's reason first.
   */
  String notReadyReasonOfAll() {
    String reason = notReadyReason();
    for (int i = 0; reason == null && i < readings.size(); i++) {
      reason = readings.get(i).notReadyReason();
    }
    return reason;
  }
}
