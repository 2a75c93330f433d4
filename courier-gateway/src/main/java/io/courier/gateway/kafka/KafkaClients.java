package io.courier.gateway.kafka;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.KafkaConfig;
import io.courier.gateway.config.KafkaSecrets;
import io.courier.gateway.config.ReplyOwnership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The settings of the gateway's Kafka clients: Courier's defaults, then the user's {@code kafka.client}
 * settings, then the client-specific ones, then what Courier must enforce. User settings pass through
 * untouched; Courier never re-declares Kafka's keys.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /**
   * Both consumers' {@code fetch.max.wait.ms} unless {@code kafka.client} or {@code kafka.consumer} set one: 5 s
   * instead of Kafka's 500 ms. With {@code fetch.min.bytes} 1 the broker answers a held fetch as soon as any of
   * its partitions has a record, so the wait paces only idle polling, and every idle answer wakes the consumer
   * (docs/benchmarks.md, idle CPU). What does wait for a held fetch: a partition a rebalance adds, which the
   * consumer fetches only once the held fetch is answered ({@link FetchCoverage}: requests name it only then),
   * and the consumer's own requests on that connection: positions to reset and, at close, the end of its fetch
   * sessions (which close does not wait for: {@code ConsumerLoop.CLOSE_TIMEOUT}).
   */
  static final int FETCH_MAX_WAIT_MS = 5_000;

  /** How long a send may wait for metadata or buffer space unless {@code max.block.ms} is set: 5 s. */
  static final long SEND_WAIT_MS = 5_000;

  /**
   * The one shared producer: durable ({@code acks=all}, idempotent) and tuned for latency ({@code
   * linger.ms=0}; kafka-clients 4.x defaults to 5 ms, which would add 5 ms to every request at low load). Its
   * {@code send} never blocks ({@code max.block.ms=0}), so that event loops may call it: the wait {@code
   * max.block.ms} asks for is the publisher lane's ({@link #sendWait}, {@link RequestPublisher}).
   */
  public static Map<String, Object> producer(KafkaConfig kafka, String instanceId) {
    Map<String, Object> settings = common(kafka);
    settings.put(ProducerConfig.CLIENT_ID_CONFIG, "courier-" + instanceId + "-requests");
    settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    settings.putAll(kafka.client());
    settings.putAll(kafka.producer());
    settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    settings.put(ProducerConfig.ACKS_CONFIG, "all");
    settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    return settings;
  }

  /**
   * How long a record the producer could not take at once (its topic's metadata missing, its buffer full) may
   * be tried again before the failure is reported: {@code max.block.ms} of {@code kafka.producer}, else of {@code
   * kafka.client}, else {@value #SEND_WAIT_MS} ms. The configuration loader has checked it is a whole number.
   */
  public static Duration sendWait(KafkaConfig kafka) {
    String configured = kafka.producer().getOrDefault(ProducerConfig.MAX_BLOCK_MS_CONFIG, kafka.client().get(ProducerConfig.MAX_BLOCK_MS_CONFIG));
    return Duration.ofMillis(configured == null ? SEND_WAIT_MS : Long.parseLong(configured.trim()));
  }

  /** The client id of an instance's reply consumer, as other members of the reply group see it. */
  public static String replyClientId(String instanceId) {
    return "courier-" + instanceId + "-replies";
  }

  /**
   * The reply consumer. Group ownership: a member of {@code kafka.replies.group-id} with the cooperative-sticky
   * assignor (a join or leave moves only what it must) and a 10 s session timeout (a crashed instance's
   * partitions move within 10 s); positions are committed by the gateway, never automatically. Static
   * ownership: no group.
   */
  public static Map<String, Object> replyConsumer(KafkaConfig kafka, String instanceId) {
    Map<String, Object> settings = consumer(kafka, instanceId, "replies");
    if (!usesConsumerGroupProtocol(kafka)) {
      // The classic protocol's knobs; the KIP-848 protocol refuses them (the broker runs the group).
      settings.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
      settings.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
      settings.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }
    settings.putAll(kafka.client());
    settings.putAll(kafka.consumer());
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    if (kafka.replies().mode() == ReplyOwnership.Mode.GROUP) {
      settings.put(ConsumerConfig.GROUP_ID_CONFIG, kafka.replies().groupId());
    }
    return enforceConsumer(settings);
  }

  /**
   * Whether the reply consumer uses the consumer group protocol of KIP-848 ({@code group.protocol: consumer}
   * in {@code kafka.client} or {@code kafka.consumer}) rather than the classic one.
   */
  public static boolean usesConsumerGroupProtocol(KafkaConfig kafka) {
    String protocol = kafka.consumer().getOrDefault(ConsumerConfig.GROUP_PROTOCOL_CONFIG, kafka.client().get(ConsumerConfig.GROUP_PROTOCOL_CONFIG));
    return protocol != null && protocol.trim().equalsIgnoreCase("consumer");
  }

  /**
   * Creates a Kafka client from {@code settings}, turning a failure into Courier's one-line configuration error
   * (the settings come from {@code kafka.client}, {@code kafka.producer} and {@code kafka.consumer}). A client
   * opens no connection while it is made, so what fails here is a setting: a value Kafka refuses, a trust or
   * key store it cannot read, a JAAS config it cannot parse. The reason is Kafka's, with every secret of the
   * settings hidden ({@link KafkaSecrets#scrub}): Kafka's complaints about a JAAS config quote its tokens.
   *
   * @throws ConfigException naming the client and Kafka's reason
   */
  public static <T> T create(String client, Map<String, Object> settings, Function<Map<String, Object>, T> constructor) {
    try {
      return constructor.apply(settings);
    } catch (KafkaException e) {
      throw new ConfigException("kafka settings of the " + client + ": " + KafkaSecrets.scrub(reason(e), settings));
    }
  }

  /**
   * Kafka's refusal of a setting when there is one; else the messages under the client's own "Failed to
   * construct" wrapper, outermost first, leaving out those that only repeat their cause.
   */
  private static String reason(KafkaException e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.apache.kafka.common.config.ConfigException refused) {
        return refused.getMessage();
      }
    }
    List<String> messages = new ArrayList<>();
    for (Throwable cause = e.getCause() == null ? e : e.getCause(); cause != null; cause = cause.getCause()) {
      boolean repeatsCause = cause.getCause() != null && String.valueOf(cause.getMessage()).equals(cause.getCause().toString());
      if (cause.getMessage() != null && !repeatsCause) {
        messages.add(cause.getMessage());
      }
    }
    return messages.isEmpty() ? e.toString() : String.join(": ", messages);
  }

  /**
   * The whole-topics consumer: every partition of the forward, results and state topics, no group ({@link
   * WholeTopics}).
   */
  public static Map<String, Object> wholeTopicsConsumer(KafkaConfig kafka, String instanceId) {
    Map<String, Object> settings = consumer(kafka, instanceId, "whole-topics");
    settings.putAll(kafka.client());
    settings.putAll(kafka.consumer());
    settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return enforceConsumer(settings);
  }

  private static Map<String, Object> consumer(KafkaConfig kafka, String instanceId, String role) {
    Map<String, Object> settings = common(kafka);
    settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "courier-" + instanceId + "-" + role);
    settings.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
    return settings;
  }

  /**
   * A consumer's {@code fetch.max.wait.ms} in {@code settings} as made here; Kafka's default (500) when absent or
   * not a number (Kafka refuses the consumer then, with its own message).
   */
  static long fetchMaxWaitMillis(Map<String, Object> settings) {
    Object value = settings.get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG);
    try {
      return value == null ? ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS : Long.parseLong(value.toString().trim());
    } catch (NumberFormatException e) {
      return ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS;
    }
  }

  private static Map<String, Object> enforceConsumer(Map<String, Object> settings) {
    settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // A reply of a transaction that aborts must never reach a caller: only committed records are read.
    settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    // Topics only ever come from configuration: asking for a missing one must not create it.
    settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    return settings;
  }

  /**
   * The admin client: the topic check at start, the cluster watch, and the results topic's end offsets when a
   * result lookup misses.
   */
  public static Map<String, Object> admin(KafkaConfig kafka, String instanceId) {
    Map<String, Object> settings = common(kafka);
    settings.put(CommonClientConfigs.CLIENT_ID_CONFIG, "courier-" + instanceId + "-admin");
    settings.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
    settings.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
    settings.putAll(kafka.client());
    return settings;
  }

  private static Map<String, Object> common(KafkaConfig kafka) {
    Map<String, Object> settings = new HashMap<>();
    settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return settings;
  }
}
