package io.courier.gateway.config;

import java.util.Map;

/**
 * The Kafka connection.
 *
 * @param bootstrapServers the cluster to use
 * @param responseTopic the topic services reply to; this gateway reads it
 * @param client settings given to every Kafka client the gateway creates (security, client.dns.lookup ...)
 * @param producer settings for the request producer only, applied over {@code client}
 * @param consumer settings for the reply consumer only, applied over {@code client}
 * @param publishQueue requests that may wait for the producer thread before the gateway sheds load
 * @param replies how instances share the response topic
 * @param readinessGrace how long the cluster may not answer before the gateway stops being ready
 */
public record KafkaConfig(
    String bootstrapServers,
    String responseTopic,
    Map<String, String> client,
    Map<String, String> producer,
    Map<String, String> consumer,
    int publishQueue,
    ReplyOwnership replies,
    java.time.Duration readinessGrace) {

  /** This connection against another cluster. */
  public KafkaConfig withBootstrapServers(String servers) {
    return new KafkaConfig(servers, responseTopic, client, producer, consumer, publishQueue, replies, readinessGrace);
  }

  public KafkaConfig {
    client = Map.copyOf(client);
    producer = Map.copyOf(producer);
    consumer = Map.copyOf(consumer);
  }

  /** The record's text with the value of every secret Kafka setting as {@code [hidden]} ({@link KafkaSecrets}). */
  @Override
  public String toString() {
    return "KafkaConfig[bootstrapServers=" + bootstrapServers + ", responseTopic=" + responseTopic
        + ", client=" + KafkaSecrets.masked(client) + ", producer=" + KafkaSecrets.masked(producer)
        + ", consumer=" + KafkaSecrets.masked(consumer) + ", publishQueue=" + publishQueue + ", replies=" + replies
        + ", readinessGrace=" + readinessGrace + "]";
  }
}
