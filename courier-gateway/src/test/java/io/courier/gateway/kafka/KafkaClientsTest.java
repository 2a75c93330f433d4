package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.KafkaConfig;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

/**
 * Courier's defaults for the consumers' fetch pacing and the producer's wait, that the user's settings win
 * over them, and that the producer itself never blocks.
 */
class KafkaClientsTest {
  /** The smallest configuration, with {@code kafkaSettings} (e.g. {@code consumer: {...}}) in its {@code kafka} map. */
  private static KafkaConfig kafka(String kafkaSettings) {
    return ConfigLoader.parse(
            "kafka: {bootstrap-servers: localhost:9092" + (kafkaSettings.isEmpty() ? "" : ", " + kafkaSettings) + "}\n"
                + "services: [{name: orders, request-topic: orders.requests, routes: [{method: GET, path: /orders}]}]\n")
        .kafka();
  }

  @Test
  void bothConsumersHaveTheBrokerHoldAnIdleFetchFiveSeconds() {
    KafkaConfig kafka = kafka("");

    assertThat(KafkaClients.wholeTopicsConsumer(kafka, "gw-1")).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000);
    assertThat(KafkaClients.replyConsumer(kafka, "gw-1")).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000);
    assertThat(KafkaClients.fetchMaxWaitMillis(KafkaClients.replyConsumer(kafka, "gw-1"))).isEqualTo(5_000);
  }

  @Test
  void fetchMaxWaitFromTheConsumerSettingsOrTheClientSettingsWins() {
    KafkaConfig consumer = kafka("consumer: {fetch.max.wait.ms: 500}");
    assertThat(KafkaClients.wholeTopicsConsumer(consumer, "gw-1")).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
    assertThat(KafkaClients.fetchMaxWaitMillis(KafkaClients.replyConsumer(consumer, "gw-1"))).isEqualTo(500);

    KafkaConfig client = kafka("client: {fetch.max.wait.ms: 250}");
    assertThat(KafkaClients.replyConsumer(client, "gw-1")).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "250");
    assertThat(KafkaClients.fetchMaxWaitMillis(KafkaClients.replyConsumer(client, "gw-1"))).isEqualTo(250);
  }

  @Test
  void aFetchMaxWaitThatIsNotANumberIsLeftToKafkaToRefuse() {
    KafkaConfig kafka = kafka("consumer: {fetch.max.wait.ms: soon}");

    assertThat(KafkaClients.fetchMaxWaitMillis(KafkaClients.replyConsumer(kafka, "gw-1"))).isEqualTo(500);
    assertThatThrownBy(() -> KafkaClients.create("reply consumer", KafkaClients.replyConsumer(kafka, "gw-1"), KafkaConsumer<byte[], byte[]>::new))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka settings of the reply consumer")
        .hasMessageContaining("fetch.max.wait.ms");
  }

  @Test
  void theProducerNeverBlocksAndItsLanesWaitFiveSecondsByDefault() {
    KafkaConfig kafka = kafka("");

    assertThat(KafkaClients.producer(kafka, "gw-1")).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
    assertThat(KafkaClients.sendWait(kafka)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aConfiguredMaxBlockIsTheLanesWaitNeverTheProducers() {
    KafkaConfig producer = kafka("producer: {max.block.ms: 750}, client: {max.block.ms: 9000}");
    assertThat(KafkaClients.sendWait(producer)).isEqualTo(Duration.ofMillis(750));
    assertThat(KafkaClients.producer(producer, "gw-1")).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);

    KafkaConfig client = kafka("client: {max.block.ms: 9000}");
    assertThat(KafkaClients.sendWait(client)).isEqualTo(Duration.ofSeconds(9));
    assertThat(KafkaClients.producer(client, "gw-1")).containsEntry(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
  }
}
