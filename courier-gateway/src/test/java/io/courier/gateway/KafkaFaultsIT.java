package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Kafka-side faults a gateway must take without harm to callers that have nothing to do with them. */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaFaultsIT {
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: %s
        producer: {max.block.ms: 3000}
      %s
      services:
        - name: orders
          request-topic: %s
          timeout: 4s
          routes:
            - {name: orders.create, method: POST, path: /orders}
        - name: customers
          request-topic: %s
          timeout: 4s
          routes:
            - {name: customers.get, method: GET, path: "/customers/{id}"}
      """;

  private static String yaml(String id, String extra) {
    return YAML.formatted(id, id + ".responses", extra, id + ".orders", id + ".customers");
  }

  private static void topics(EmbeddedKafka kafka, String id) {
    kafka.createTopic(id + ".orders", 1);
    kafka.createTopic(id + ".customers", 1);
    GatewayTester.createResponseTopic(kafka, id + ".responses", 2);
  }

  @Test
  void aDeletedRequestTopicFailsOnlyItsOwnRoutes(EmbeddedKafka kafka) throws Exception {
    // given a gateway answering two services
    topics(kafka, "fault-a");
    try (FakeService customers = new FakeService(kafka.bootstrapServers(), "fault-a.customers");
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml("fault-a", ""))) {
      assertThat(gateway.get("/customers/c-1").statusCode()).isEqualTo(200);

      // when one service's request topic is deleted and its route is called in a loop
      kafka.admin().deleteTopics(List.of("fault-a.orders")).all().get(30, TimeUnit.SECONDS);
      List<CompletableFuture<HttpResponse<String>>> orders = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        orders.add(gateway.sendAsync("POST", "/orders", "{}"));
      }

      // then the other service is still answered, while the orders are refused with a retryable 503
      for (int i = 0; i < 10; i++) {
        assertThat(gateway.get("/customers/c-" + i).statusCode()).isEqualTo(200);
      }
      for (CompletableFuture<HttpResponse<String>> order : orders) {
        HttpResponse<String> response = order.get(60, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("retry-after")).isPresent();
        assertThat(response.body()).doesNotContain("fault-a.orders");
      }
    }
  }

  @Test
  void aReplyFromAnAbortedTransactionNeverReachesTheCaller(EmbeddedKafka kafka) throws Exception {
    // given a service that answers inside transactions
    topics(kafka, "fault-tx");
    try (FakeService customers = new FakeService(kafka.bootstrapServers(), "fault-tx.customers").silent();
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml("fault-tx", ""));
        KafkaProducer<byte[], byte[]> transactional =
            new KafkaProducer<>(
                Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, "fault-tx-service"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
      transactional.initTransactions();
      CompletableFuture<HttpResponse<String>> response = gateway.sendAsync("GET", "/customers/c-1", null);
      ConsumerRecord<byte[], byte[]> request = customers.takeRequest();

      // when its first reply is rolled back, and a second one committed
      transactional.beginTransaction();
      transactional.send(FakeService.reply(request, 201, "rolled back")).get(10, TimeUnit.SECONDS);
      transactional.abortTransaction();
      transactional.beginTransaction();
      transactional.send(FakeService.reply(request, 200, "committed")).get(10, TimeUnit.SECONDS);
      transactional.commitTransaction();

      // then the caller gets the committed one
      HttpResponse<String> answer = response.get(30, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("committed");
    }
  }

  @Test
  void theConsumerGroupProtocolOfKip848CanBeUsed(EmbeddedKafka kafka) {
    topics(kafka, "fault-848");
    try (FakeService customers = new FakeService(kafka.bootstrapServers(), "fault-848.customers");
        GatewayTester gateway =
            GatewayTester.start(kafka.bootstrapServers(), yaml("fault-848", "  consumer: {group.protocol: consumer}"))) {
      HttpResponse<String> response = gateway.get("/customers/c-848");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(customers.takeRequest().value(), StandardCharsets.UTF_8)).isEmpty();
      assertThat(gateway.gateway().ownedReplyPartitions()).containsExactlyInAnyOrder(0, 1);
    }
  }

  @Test
  void aSettingKafkaRefusesIsAOneLineConfigurationError(EmbeddedKafka kafka) {
    // the KIP-848 protocol does not take the classic protocol's session timeout
    String yaml =
        yaml("fault-bad", "  consumer: {group.protocol: consumer, session.timeout.ms: 10000}")
            .replace("${bootstrap}", kafka.bootstrapServers());

    assertThatThrownBy(() -> Gateway.start(ConfigLoader.parse(yaml)).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka settings of the reply consumer: ")
        .hasMessageContaining("session.timeout.ms")
        .hasMessageNotContaining("\n");
  }

  @Test
  void anUnknownProducerSettingValueIsAOneLineConfigurationError(EmbeddedKafka kafka) {
    String yaml = yaml("fault-bad2", "").replace("producer: {max.block.ms: 3000}", "producer: {compression.type: zip}")
        .replace("${bootstrap}", kafka.bootstrapServers());

    assertThatThrownBy(() -> Gateway.start(ConfigLoader.parse(yaml)).close())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka settings of the producer: ")
        .hasMessageContaining("compression.type");
  }
}
