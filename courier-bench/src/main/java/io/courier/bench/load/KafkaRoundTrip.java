package io.courier.bench.load;

import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka floor: a bare request→reply round trip with kafka-clients and no HTTP. The producer and consumer
 * are set up as the gateway's are (idempotent, {@code acks=all}, {@code linger.ms=0}; a reply consumer assigned
 * to its partition with {@code fetch.max.wait.ms=100}), and requests carry Courier's headers so the same echo
 * responder answers. One thread, {@code bench-floor-replies}, polls replies and runs completions.
 *
 * <p>{@link #clientCpuSeconds()} is the CPU its client threads have used: the reply thread and the producer's
 * sender thread. In a closed loop the next request is sent from the reply thread (the completion sends it), so
 * that is all the client's work per round trip plus the load generator's recording of each answer: what a
 * gateway built on Kafka's Java clients pays per request at the least, before any HTTP.
 */
public final class KafkaRoundTrip implements RoundTrip {
  private static final Logger LOGGER = LoggerFactory.getLogger(KafkaRoundTrip.class);
  private static final HeaderFields JSON = HeaderFields.of("content-type", "application/json");
  private static final String PRODUCER_CLIENT_ID = "bench-floor-requests";
  /** Named so by kafka-clients ({@code KafkaProducer}: the network thread's name is this plus the client id). */
  private static final String PRODUCER_THREAD = "kafka-producer-network-thread | " + PRODUCER_CLIENT_ID;

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String requestTopic;
  private final String replyTopic;
  private final Map<String, Completion> waiting = new ConcurrentHashMap<>();
  private final Thread poller;
  private volatile boolean running = true;
  /** The producer's sender thread, found by name on first use; it lives as long as the producer. */
  private volatile Thread producerThread;

  public KafkaRoundTrip(String bootstrap, String requestTopic, String replyTopic) {
    this.requestTopic = requestTopic;
    this.replyTopic = replyTopic;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, PRODUCER_CLIENT_ID);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    this.producer = new KafkaProducer<>(p);
    Properties c = new Properties();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    // Paces idle polling only; short, so that close does not wait behind a held fetch.
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    this.consumer = new KafkaConsumer<>(c);
    TopicPartition partition = new TopicPartition(replyTopic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToEnd(List.of(partition));
    consumer.position(partition); // positioned before the first request, as the gateway is before /ready
    this.poller = new Thread(this::pollReplies, "bench-floor-replies");
    poller.start();
  }

  @Override
  public void send(byte[] body, Completion completion) {
    String correlationId = UUID.randomUUID().toString();
    RequestEnvelope envelope =
        RequestEnvelope.builder()
            .profile(Profile.COURIER)
            .correlationId(correlationId)
            .replyTopic(replyTopic)
            .replyPartition(0)
            .deadline(Instant.now(Clock.systemUTC()).plusSeconds(30))
            .method("POST")
            .path("/echo")
            .headers(JSON)
            .build();
    waiting.put(correlationId, completion);
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(requestTopic, null, null, null, body, envelope.toHeaders());
    try {
      producer.send(
          record,
          (metadata, error) -> {
            if (error != null && waiting.remove(correlationId) != null) {
              completion.done(false);
            }
          });
    } catch (RuntimeException e) {
      if (waiting.remove(correlationId) != null) {
        completion.done(false);
      }
    }
  }

  private void pollReplies() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          ReplyEnvelope reply = ReplyEnvelope.fromHeaders(record.headers());
          Completion completion = waiting.remove(reply.correlationId());
          if (completion != null) {
            completion.done(reply.status() == 200);
          }
        }
      }
    } catch (WakeupException e) {
      // close() asked us to stop
    } catch (RuntimeException e) {
      LOGGER.warn("Floor reply consumer stopped error={}", e.toString());
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  /**
   * CPU seconds used so far by the client's own threads (the reply thread and the producer's sender thread);
   * {@code NaN} if the JVM cannot measure thread CPU time. Thread-safe.
   */
  public double clientCpuSeconds() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    if (!threads.isThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
      return Double.NaN;
    }
    long nanos = Math.max(0, threads.getThreadCpuTime(poller.getId()));
    Thread sender = producerThread();
    if (sender != null) {
      nanos += Math.max(0, threads.getThreadCpuTime(sender.getId()));
    }
    return nanos / 1e9;
  }

  private Thread producerThread() {
    Thread sender = producerThread;
    if (sender == null) {
      sender = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> thread.getName().equals(PRODUCER_THREAD))
          .findFirst().orElse(null);
      producerThread = sender;
    }
    return sender;
  }

  /** Requests sent and not yet answered. */
  public int waiting() {
    return waiting.size();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      poller.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
  }
}
