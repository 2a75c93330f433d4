package io.courier.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaIT {

  @Test
  void aRecordProducedIsConsumedBack(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("embedded.roundtrip", 1);

    try (var producer =
            new KafkaProducer<>(
                Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new StringSerializer());
        var consumer =
            new KafkaConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(),
                new StringDeserializer())) {
      producer.send(new ProducerRecord<>("embedded.roundtrip", "k", "hello")).get();
      consumer.assign(List.of(new TopicPartition("embedded.roundtrip", 0)));

      ConsumerRecords<String, String> records = consumer.poll(Duration.ofSeconds(10));

      assertThat(records).extracting(r -> r.value()).containsExactly("hello");
    }
  }

  @Test
  void theSameBrokerServesEveryTestOfTheRun(EmbeddedKafka first, EmbeddedKafka second) {
    assertThat(first).isSameAs(second);
    assertThat(first.bootstrapServers()).matches("localhost:\\d+");
  }

  @Test
  void topicsAreNeverCreatedImplicitly(EmbeddedKafka kafka) throws Exception {
    assertThat(kafka.admin().listTopics().names().get()).doesNotContain("embedded.never-created");
  }
}
