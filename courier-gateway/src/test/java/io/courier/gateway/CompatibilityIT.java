package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * Responders written for other conventions work behind Courier unchanged: a real Spring Kafka
 * {@code @KafkaListener} + {@code @SendTo} service, and a service that follows Zilla's http-kafka headers.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class CompatibilityIT {
  private static final String YAML =
      """
      instance-id: compat-gw
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: compat.responses
      services:
        - name: spring-greeter
          request-topic: compat.spring
          profile: spring
          routes:
            - {method: POST, path: "/greetings/{name}", key: "path:name"}
        - name: zilla-items
          request-topic: compat.zilla
          profile: zilla
          routes:
            - {method: PUT, path: "/items/{id}", key: "path:id"}
      """;

  static volatile String bootstrapServers;
  private static GatewayTester gateway;
  private static AnnotationConfigApplicationContext spring;
  private static ZillaStyleResponder zilla;

  @BeforeAll
  static void start(EmbeddedKafka kafka) {
    kafka.createTopic("compat.spring", 1);
    kafka.createTopic("compat.zilla", 1);
    GatewayTester.createResponseTopic(kafka, "compat.responses", 3);
    bootstrapServers = kafka.bootstrapServers();
    spring = new AnnotationConfigApplicationContext(SpringResponder.class);
    zilla = new ZillaStyleResponder(kafka.bootstrapServers());
    gateway = GatewayTester.start(kafka.bootstrapServers(), YAML);
    KafkaListenerEndpointRegistry listeners = spring.getBean(KafkaListenerEndpointRegistry.class);
    await().atMost(Duration.ofSeconds(30))
        .until(() -> listeners.getListenerContainers().stream().allMatch(CompatibilityIT::hasPartitions));
  }

  @AfterAll
  static void stop() {
    gateway.close();
    spring.close();
    zilla.close();
  }

  @Test
  void aSpringSendToListenerAnswersThroughHttpUnchanged() {
    HttpResponse<String> response = gateway.send("POST", "/greetings/ada", "hello", "content-type", "text/plain");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("HELLO, ada");
    assertThat(response.headers().map().keySet()).noneMatch(name -> name.startsWith("kafka_") || name.startsWith("spring_"));
  }

  @Test
  void aZillaStyleResponderAnswersThroughHttpUnchanged() {
    HttpResponse<String> response = gateway.send("PUT", "/items/42?color=red", "{\"name\":\"lamp\"}", "content-type", "application/json");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(response.body()).isEqualTo("{\"method\":\"PUT\",\"path\":\"/items/42?color=red\",\"body\":{\"name\":\"lamp\"}}");
  }

  private static boolean hasPartitions(MessageListenerContainer container) {
    return container.getAssignedPartitions() != null && !container.getAssignedPartitions().isEmpty();
  }

  /** A Spring Kafka service as its authors would write it: nothing Courier-specific. */
  @Configuration
  @EnableKafka
  static class SpringResponder {
    @Bean
    KafkaTemplate<String, String> replyTemplate() {
      return new KafkaTemplate<>(
          new DefaultKafkaProducerFactory<>(
              Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
              new StringSerializer(),
              new StringSerializer()));
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> kafkaListenerContainerFactory(KafkaTemplate<String, String> replyTemplate) {
      ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
      factory.setConsumerFactory(
          new DefaultKafkaConsumerFactory<>(
              Map.<String, Object>of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
              new StringDeserializer(),
              new StringDeserializer()));
      factory.setReplyTemplate(replyTemplate);
      return factory;
    }

    @Bean
    Greeter greeter() {
      return new Greeter();
    }
  }

  static class Greeter {
    @KafkaListener(id = "compat-spring-greeter", topics = "compat.spring")
    @SendTo
    public String greet(String body, @Header("courier-path-param.name") String name) {
      return body.toUpperCase() + ", " + name;
    }
  }

  /** Reads zilla:reply-to and zilla:correlation-id, answers with :status, as a Zilla http-kafka service does. */
  static final class ZillaStyleResponder implements AutoCloseable {
    private final KafkaConsumer<String, String> consumer;
    private final KafkaProducer<String, String> producer;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    ZillaStyleResponder(String bootstrap) {
      consumer =
          new KafkaConsumer<>(
              Map.of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                  ConsumerConfig.GROUP_ID_CONFIG, "zilla-" + UUID.randomUUID(),
                  ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
              new StringDeserializer(),
              new StringDeserializer());
      producer =
          new KafkaProducer<>(
              Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new StringSerializer());
      consumer.subscribe(List.of("compat.zilla"));
      thread = new Thread(this::run, "zilla-style-responder");
      thread.start();
    }

    private void run() {
      try {
        while (running.get()) {
          for (ConsumerRecord<String, String> request : consumer.poll(Duration.ofMillis(100))) {
            String replyTo = header(request, "zilla:reply-to");
            String body =
                "{\"method\":\"" + header(request, ":method") + "\",\"path\":\"" + header(request, ":path")
                    + "\",\"body\":" + request.value() + "}";
            ProducerRecord<String, String> reply = new ProducerRecord<>(replyTo, request.key(), body);
            reply.headers()
                .add("zilla:correlation-id", request.headers().lastHeader("zilla:correlation-id").value())
                .add(":status", "201".getBytes(StandardCharsets.UTF_8))
                .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
            producer.send(reply);
          }
        }
      } catch (WakeupException e) {
        // closing
      } finally {
        consumer.close();
      }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
      return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
      running.set(false);
      consumer.wakeup();
      try {
        thread.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      producer.close();
    }
  }
}
