package io.courier.responder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import io.courier.testing.TestEnvelopes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A request topic and a reply topic of one test, and the two clients a gateway would use on them: write
 * requests as the gateway writes them, read every reply. Not thread-safe; close it after the test.
 */
final class RequestReplyTopics implements AutoCloseable {
  static final Duration REPLY_WAIT = Duration.ofSeconds(30);

  final String requestTopic;
  final String replyTopic;
  private final int replyPartitions;
  private final KafkaProducer<String, byte[]> requests;
  private final KafkaConsumer<String, byte[]> replyReader;
  private final List<ConsumerRecord<String, byte[]>> replies = new ArrayList<>();

  RequestReplyTopics(EmbeddedKafka kafka, String name, int requestPartitions, int replyPartitions) {
    this.requestTopic = name + "-requests";
    this.replyTopic = name + "-replies";
    this.replyPartitions = replyPartitions;
    kafka.createTopic(requestTopic, requestPartitions);
    kafka.createTopic(replyTopic, replyPartitions);
    requests = new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
    replyReader = new KafkaConsumer<>(
        Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
        new StringDeserializer(), new ByteArrayDeserializer());
    replyReader.assign(IntStream.range(0, replyPartitions).mapToObj(p -> new TopicPartition(replyTopic, p)).toList());
  }

  /** A Courier-profile request answering to reply partition {@code correlationId.hashCode() % partitions}. */
  RequestEnvelope request(String correlationId, Instant deadline) {
    return TestEnvelopes.request()
        .profile(Profile.COURIER)
        .correlationId(correlationId)
        .replyTopic(replyTopic)
        .replyPartition(Math.floorMod(correlationId.hashCode(), replyPartitions))
        .deadline(deadline)
        .route("create-order")
        .build();
  }

  void send(RequestEnvelope envelope, String key) {
    send(envelope, null, key);
  }

  /** Writes a request to this partition ({@code null}: the key's). */
  void send(RequestEnvelope envelope, Integer partition, String key) {
    try {
      requests.send(new ProducerRecord<>(requestTopic, partition, key, new byte[0], envelope.toHeaders())).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not write a request", e.getCause());
    }
  }

  /** Waits until at least {@code count} replies have arrived (in all), reads a little longer, returns them all. */
  List<ConsumerRecord<String, byte[]>> awaitReplies(int count) {
    await().atMost(REPLY_WAIT).until(() -> {
      replyReader.poll(Duration.ofMillis(100)).forEach(replies::add);
      return replies.size() >= count;
    });
    replyReader.poll(Duration.ofMillis(300)).forEach(replies::add);
    return List.copyOf(replies);
  }

  /** Reads replies for {@code window} and returns all so far: to show that none came. */
  List<ConsumerRecord<String, byte[]>> repliesAfter(Duration window) {
    long end = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < end) {
      replyReader.poll(Duration.ofMillis(100)).forEach(replies::add);
    }
    return List.copyOf(replies);
  }

  static String header(ConsumerRecord<String, byte[]> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    requests.close();
    replyReader.close();
  }
}
