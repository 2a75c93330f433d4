package io.courier.kafka.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ArrayList;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.config.ConfigResource;
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

    try (var producer = producer(kafka);
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
  void shareGroupsAreOnAndDeliverRecordsForExplicitAcknowledgement(EmbeddedKafka kafka) throws Exception {
    // the feature Kafka 4.2+ formats new clusters with, which share groups need
    FeatureMetadata features = kafka.admin().describeFeatures().featureMetadata().get();
    assertThat(features.finalizedFeatures().get("share.version").maxVersionLevel()).isGreaterThanOrEqualTo((short) 1);
    kafka.createTopic("embedded.share", 2);
    kafka.admin().incrementalAlterConfigs(Map.of(
        new ConfigResource(ConfigResource.Type.GROUP, "embedded-share"),
        List.of(new AlterConfigOp(new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET))))
        .all().get();

    try (var producer = producer(kafka);
        var consumer =
            new KafkaShareConsumer<>(
                Map.<String, Object>of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "embedded-share",
                    ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit"),
                new StringDeserializer(),
                new StringDeserializer())) {
      producer.send(new ProducerRecord<>("embedded.share", "k", "queued")).get();
      consumer.subscribe(List.of("embedded.share"));

      List<ConsumerRecord<String, String>> received = new ArrayList<>();
      long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (received.isEmpty() && System.nanoTime() < end) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          received.add(record);
          consumer.acknowledge(record, AcknowledgeType.ACCEPT);
        }
      }
      consumer.commitSync();

      assertThat(received).extracting(ConsumerRecord::value).containsExactly("queued");
      assertThat(received.get(0).deliveryCount()).contains((short) 1);
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

  private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
    return new KafkaProducer<>(
        Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
        new StringSerializer(),
        new StringSerializer());
  }
}
