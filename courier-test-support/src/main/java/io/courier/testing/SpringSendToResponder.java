package io.courier.testing;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * A Spring Kafka service as its authors would write it, with nothing Courier-specific: a {@code @KafkaListener}
 * on {@value #TOPIC} whose {@code @SendTo} return value is the reply ({@code body.toUpperCase() + ", " +
 * name}, where {@code name} is the path parameter {@code courier-path-param.name}). Spring echoes {@code
 * kafka_correlationId} and honours {@code kafka_replyTopic} and {@code kafka_replyPartition}. Needs {@code
 * spring-kafka} on the test class path (an optional dependency of this module). Thread-safe.
 */
public final class SpringSendToResponder implements AutoCloseable {
  /** The request topic the listener reads. */
  public static final String TOPIC = "compat.spring";

  private final AnnotationConfigApplicationContext context;

  private SpringSendToResponder(AnnotationConfigApplicationContext context) {
    this.context = context;
  }

  /** Starts the Spring context against {@code bootstrapServers}; see {@link #hasPartitions()}. */
  public static SpringSendToResponder start(String bootstrapServers) {
    AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
    context.getEnvironment().getPropertySources()
        .addFirst(new MapPropertySource("courier-test", Map.of("courier.bootstrap-servers", bootstrapServers)));
    context.register(Config.class);
    context.refresh();
    return new SpringSendToResponder(context);
  }

  /** Whether every listener container has partitions, so a request sent now is answered. */
  public boolean hasPartitions() {
    return context.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers().stream()
        .allMatch(SpringSendToResponder::hasPartitions);
  }

  private static boolean hasPartitions(MessageListenerContainer container) {
    return container.getAssignedPartitions() != null && !container.getAssignedPartitions().isEmpty();
  }

  @Override
  public void close() {
    context.close();
  }

  @Configuration
  @EnableKafka
  static class Config {
    @Bean
    KafkaTemplate<String, String> replyTemplate(Environment environment) {
      return new KafkaTemplate<>(
          new DefaultKafkaProducerFactory<>(
              Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("courier.bootstrap-servers")),
              new StringSerializer(),
              new StringSerializer()));
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, String> kafkaListenerContainerFactory(
        KafkaTemplate<String, String> replyTemplate, Environment environment) {
      ConcurrentKafkaListenerContainerFactory<String, String> factory = new ConcurrentKafkaListenerContainerFactory<>();
      factory.setConsumerFactory(
          new DefaultKafkaConsumerFactory<>(
              Map.<String, Object>of(
                  ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("courier.bootstrap-servers"),
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
    @KafkaListener(id = "compat-spring-greeter", topics = TOPIC)
    @SendTo
    public String greet(String body, @Header("courier-path-param.name") String name) {
      return body.toUpperCase() + ", " + name;
    }
  }
}
