package io.courier.responder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.responder.Reply;
import io.courier.responder.RequestHandler;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientsTest {

  @Test
  void userSettingsReachBothClientsButCannotWeakenTheGuarantees() {
    // Given a user who sets security and, by mistake, settings the responder depends on
    ResponderLoop.Settings settings =
        settings(
            Map.of(
                "security.protocol", "SASL_SSL",
                ProducerConfig.ACKS_CONFIG, "0",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true,
                ConsumerConfig.GROUP_ID_CONFIG, "someone-else",
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "elsewhere:9092"));

    // When
    Map<String, Object> consumer = KafkaClients.consumerConfig(settings);
    Map<String, Object> producer = KafkaClients.producerConfig(settings);

    // Then
    assertThat(consumer)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
        .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "orders")
        .containsEntry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
    assertThat(producer)
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
        .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
        .containsEntry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "broker:9092");
  }

  @Test
  void defaultsReadFromTheStartAndReplyWithoutLinger() {
    ResponderLoop.Settings settings = settings(Map.of());

    assertThat(KafkaClients.consumerConfig(settings))
        .containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .containsEntry(
            ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
            "org.apache.kafka.common.serialization.StringDeserializer")
        .containsEntry(
            ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
            "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    assertThat(KafkaClients.producerConfig(settings))
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, KafkaClients.DEFAULT_MAX_BLOCK_MS);
  }

  @Test
  void tuningDefaultsMayBeOverridden() {
    ResponderLoop.Settings settings =
        settings(Map.of(ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000));

    assertThat(KafkaClients.producerConfig(settings))
        .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5)
        .containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000);
  }

  private static ResponderLoop.Settings settings(Map<String, Object> kafkaProperties) {
    RequestHandler handler = RequestHandler.of(request -> Reply.status(200));
    return new ResponderLoop.Settings(
        "broker:9092", "orders.requests", "orders", handler, Duration.ofSeconds(1), 8, kafkaProperties);
  }
}
