package io.courier.examples.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link KeyValueStore} kept in a compacted Kafka topic: one record per change, keyed by entity id, the
 * value the entity's JSON, a tombstone ({@code null} value) for a removal. {@link #open} creates the topic if
 * missing and reads it from the beginning to its end offsets into memory; reads are then served from memory,
 * and each write is produced with {@code acks=all} and idempotence and waits for the acknowledgement before
 * it is applied in memory and returned.
 *
 * <p>One writer per topic: the store does not follow writes made by another process after it loaded, so
 * run one instance of a service per state topic.
 *
 * <p>Thread-safe. Uses the caller's thread only; the producer runs its own I/O thread.
 */
public final class CompactedTopicStore implements KeyValueStore, AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(CompactedTopicStore.class);
  private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

  private final String topic;
  private final KafkaProducer<String, String> producer;
  private final Map<String, String> entries;

  private CompactedTopicStore(String topic, KafkaProducer<String, String> producer, Map<String, String> entries) {
    this.topic = topic;
    this.producer = producer;
    this.entries = entries;
  }

  /**
   * Creates {@code topic} (compacted, one partition, the broker's default replication factor) unless it
   * exists, loads it and returns a store ready to serve.
   *
   * @throws StoreException if the topic cannot be created or read to its end within 60 s
   */
  public static CompactedTopicStore open(String bootstrapServers, String topic) {
    long begin = System.nanoTime();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      NewTopic compacted =
          new NewTopic(topic, Optional.of(1), Optional.empty())
              .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      boolean created = !Topics.createIfMissing(admin, List.of(compacted)).isEmpty();
      // A topic just created may not be known to the broker's metadata yet, so describing it can fail;
      // its single partition is known anyway. An existing topic may have been given more partitions.
      List<TopicPartition> partitions = created ? List.of(new TopicPartition(topic, 0)) : partitionsOf(admin, topic);
      Map<String, String> entries = load(bootstrapServers, partitions);
      KafkaProducer<String, String> producer = producer(bootstrapServers, topic);
      LOGGER.info(
          "State loaded topic={} partitions={} keys={} millis={}",
          topic,
          partitions.size(),
          entries.size(),
          Duration.ofNanos(System.nanoTime() - begin).toMillis());
      return new CompactedTopicStore(topic, producer, entries);
    }
  }

  @Override
  public Optional<String> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public java.util.List<String> values() {
    return java.util.List.copyOf(entries.values());
  }

  @Override
  public void put(String key, String json) {
    write(key, json);
    entries.put(key, json);
  }

  @Override
  public void delete(String key) {
    write(key, null);
    entries.remove(key);
  }

  /** The state topic. */
  public String topic() {
    return topic;
  }

  /** Flushes and closes the producer. */
  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private void write(String key, String jsonOrNull) {
    try {
      producer.send(new ProducerRecord<>(topic, key, jsonOrNull)).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new StoreException("cannot write key " + key + " to " + topic, e.getCause());
    } catch (TimeoutException e) {
      throw new StoreException("no acknowledgement for key " + key + " from " + topic + " in " + WRITE_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while writing key " + key + " to " + topic, e);
    }
  }

  private static List<TopicPartition> partitionsOf(Admin admin, String topic) {
    try {
      TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      return description.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    } catch (ExecutionException e) {
      throw new StoreException("cannot describe topic " + topic, e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreException("interrupted while describing topic " + topic, e);
    }
  }

  /** Reads every partition from its beginning to the end offset it had when loading started. */
  private static Map<String, String> load(String bootstrapServers, List<TopicPartition> partitions) {
    Map<String, String> entries = new ConcurrentHashMap<>();
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions);
      long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
      while (!reachedEnd(consumer, endOffsets)) {
        if (System.nanoTime() > deadline) {
          throw new StoreException(
              "state topic not read to its end in " + LOAD_TIMEOUT + ": " + partitions, null);
        }
        for (ConsumerRecord<String, String> record : consumer.poll(POLL_INTERVAL)) {
          if (record.key() == null) {
            continue;
          }
          if (record.value() == null) {
            entries.remove(record.key());
          } else {
            entries.put(record.key(), record.value());
          }
        }
      }
    }
    return entries;
  }

  private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets) {
    return endOffsets.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
  }

  private static KafkaProducer<String, String> producer(String bootstrapServers, String topic) {
    Map<String, Object> config =
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.CLIENT_ID_CONFIG, "courier-examples-store-" + topic,
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.LINGER_MS_CONFIG, 0);
    return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
  }
}
