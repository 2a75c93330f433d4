package io.courier.bench.peer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.requestreply.CorrelationKey;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/** The reply container and the {@link ReplyingKafkaTemplate}, as in the spring-kafka reference guide. */
@Configuration
public class ReplyingConfig {

  @Bean
  public ConcurrentMessageListenerContainer<String, byte[]> repliesContainer(
      ConcurrentKafkaListenerContainerFactory<String, byte[]> factory, @Value("${peer.reply-topic}") String replyTopic) {
    ConcurrentMessageListenerContainer<String, byte[]> container = factory.createContainer(replyTopic);
    container.getContainerProperties().setGroupId("courier-bench-spring-peer-replies");
    // The template starts the container itself.
    container.setAutoStartup(false);
    return container;
  }

  @Bean
  public ReplyingKafkaTemplate<String, byte[], byte[]> replyingTemplate(
      ProducerFactory<String, byte[]> producerFactory,
      ConcurrentMessageListenerContainer<String, byte[]> repliesContainer,
      @Value("${peer.reply-timeout}") Duration replyTimeout) {
    ReplyingKafkaTemplate<String, byte[], byte[]> template =
        new ReplyingKafkaTemplate<>(producerFactory, repliesContainer);
    template.setDefaultReplyTimeout(replyTimeout);
    // Spring's default correlation id is 16 random bytes. Text ids keep the peer talking to any responder that
    // echoes the header as a string (Courier's responder decodes it as UTF-8), at no cost to Spring.
    template.setCorrelationIdStrategy(
        record -> new CorrelationKey(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8)));
    return template;
  }
}
