package io.courier.responder.internal;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Creates the responder's consumer and producer. The user's Kafka settings (security, tuning) apply to both;
 * on top of them go the settings the responder's guarantees depend on, which the user cannot change.
 * Tests substitute a factory that returns {@code MockConsumer}/{@code MockProducer}.
 */
interface KafkaClients {

  /** How long a reply's {@code send} may block by default; the user may override it. */
  long DEFAULT_MAX_BLOCK_MS = 10_000;

  Consumer<String, byte[]> consumer(Map<String, Object> config);

  Producer<String, byte[]> producer(Map<String, Object> config);

  /** A share-group consumer (KIP-932); the real one unless a test substitutes it. */
  default ShareConsumer<String, byte[]> shareConsumer(Map<String, Object> config) {
    return new KafkaShareConsumer<>(config);
  }

  /** An admin client, for the share group's settings; the real one unless a test substitutes it. */
  default Admin admin(Map<String, Object> config) {
    return Admin.create(config);
  }

  /** The real clients. */
  static KafkaClients real() {
    return new KafkaClients() {
      @Override
      public Consumer<String, byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config);
      }

      @Override
      public Producer<String, byte[]> producer(Map<String, Object> config) {
        return new KafkaProducer<>(config);
      }
    };
  }

  static Map<String, Object> consumerConfig(ResponderLoop.Settings settings) {
    Map<String, Object> config = new HashMap<>();
    // A request produced before the service (or its group) first started must still be answered.
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putAll(settings.kafkaProperties());
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    // Offsets are committed only once replies are acknowledged; auto-commit would commit unanswered requests.
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return config;
  }

  /**
   * The share consumer's settings: the user's, then those the acknowledgement rules depend on. Explicit
   * acknowledgement, so that each record is settled by what became of it; {@code record_limit} with {@code
   * max.poll.records} = {@code maxInFlight} (unless the user says otherwise), so that one instance does not
   * acquire a batch of requests it cannot start while the others idle.
   */
  static Map<String, Object> shareConsumerConfig(ResponderLoop.Settings settings) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxInFlight());
    // Unique, so that the responder finds its own member when it asks whether it has partitions.
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "courier-responder-" + settings.groupId() + "-" + java.util.UUID.randomUUID());
    config.putAll(settings.kafkaProperties());
    // Settings of consumer groups that a share consumer refuses; the user's are meant for both kinds.
    config.remove(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG);
    config.remove(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    config.remove(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return config;
  }

  /** The admin client's settings: the user's (security) and the cluster. */
  static Map<String, Object> adminConfig(ResponderLoop.Settings settings) {
    Map<String, Object> config = new HashMap<>(settings.kafkaProperties());
    config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    return config;
  }

  static Map<String, Object> producerConfig(ResponderLoop.Settings settings) {
    Map<String, Object> config = new HashMap<>();
    // A reply is latency-bound: send at once rather than wait to fill a batch.
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // send() blocks while a reply topic's metadata is unknown; a missing topic must not stall the
    // responder for the client default of 60 s per reply.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, DEFAULT_MAX_BLOCK_MS);
    config.putAll(settings.kafkaProperties());
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    // An offset is committed once its reply is acknowledged: the acknowledgement must mean the reply
    // survives a broker failure, and a retry must not duplicate it.
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return config;
  }
}
