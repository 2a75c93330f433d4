package io.courier.examples;

import io.courier.protocol.HeaderFields;
import io.courier.testing.TestEnvelopes;
import static org.awaitility.Awaitility.await;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends requests to a request topic as the gateway would (Courier profile headers, the HTTP body as the
 * value) and waits for the reply on its own one-partition reply topic. Not thread-safe: one test at a time.
 */
public final class TestGateway implements AutoCloseable {
  private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(30);

  private final String replyTopic;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Map<String, HttpReply> replies = new HashMap<>();

  /** An HTTP response as the gateway would write it. */
  public record HttpReply(int status, Map<String, String> headers, String body) {}

  public TestGateway(EmbeddedKafka kafka, String replyTopic) {
    this.replyTopic = replyTopic;
    kafka.createTopic(replyTopic, 1);
    this.producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    this.consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    TopicPartition partition = new TopicPartition(replyTopic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
  }

  /** Sends a request without body and waits for its reply. */
  public HttpReply send(String requestTopic, String method, String path, Map<String, String> pathParams) {
    return send(requestTopic, method, path, pathParams, null);
  }

  /** Sends a request and waits for its reply. */
  public HttpReply send(
      String requestTopic, String method, String path, Map<String, String> pathParams, String body) {
    String correlationId = UUID.randomUUID().toString();
    RequestEnvelope envelope =
        TestEnvelopes.request()
            .correlationId(correlationId)
            .replyTopic(replyTopic)
            .deadline(Instant.now().plus(REPLY_TIMEOUT))
            .route(null)
            .method(method)
            .path(path)
            .pathParams(pathParams)
            .headers(body == null ? HeaderFields.EMPTY : HeaderFields.of("content-type", "application/json"))
            .build();
    byte[] value = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    producer.send(new ProducerRecord<byte[], byte[]>(requestTopic, null, null, value, envelope.toHeaders()));
    producer.flush();
    await()
        .pollInSameThread()
        .atMost(REPLY_TIMEOUT)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> pollReplies().containsKey(correlationId));
    return replies.remove(correlationId);
  }

  private Map<String, HttpReply> pollReplies() {
    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
      ReplyEnvelope envelope = ReplyEnvelope.fromHeaders(record.headers());
      String body = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
      replies.put(envelope.correlationId(), new HttpReply(envelope.status(), envelope.headers().toMap(), body));
    }
    return replies;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    consumer.close();
  }
}
