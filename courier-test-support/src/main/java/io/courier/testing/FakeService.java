package io.courier.testing;

import io.courier.protocol.HeaderFields;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A service you can script: it records every request it reads and answers with whatever records the
 * script returns (none, one, several, malformed ...). Plain kafka-clients, no responder library, so the
 * gateway is tested against the wire protocol itself.
 */
public final class FakeService implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private final BlockingQueue<ConsumerRecord<byte[], byte[]>> requests = new LinkedBlockingQueue<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private volatile Function<ConsumerRecord<byte[], byte[]>, List<ProducerRecord<byte[], byte[]>>> script =
      request -> List.of(reply(request, 200, Map.of(), request.value()));

  public FakeService(String bootstrapServers, String requestTopic) {
    this.consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG, "fake-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer());
    this.producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 0),
            new ByteArraySerializer(),
            new ByteArraySerializer());
    consumer.subscribe(List.of(requestTopic));
    this.thread = new Thread(this::run, "fake-service-" + requestTopic);
    thread.start();
  }

  /**
   * A service in Zilla's {@code http-kafka} convention: reads {@code zilla:reply-to} and {@code
   * zilla:correlation-id}, answers {@code 201} in {@code :status} with the method, path and body it saw. It
   * honours no deadline, as Zilla services need not.
   */
  public static FakeService zillaStyle(String bootstrapServers, String requestTopic) {
    return new FakeService(bootstrapServers, requestTopic).answer(request -> {
      String body = "{\"method\":\"" + header(request, ":method") + "\",\"path\":\"" + header(request, ":path")
          + "\",\"body\":" + new String(request.value(), StandardCharsets.UTF_8) + "}";
      ProducerRecord<byte[], byte[]> reply =
          new ProducerRecord<>(header(request, "zilla:reply-to"), request.key(), body.getBytes(StandardCharsets.UTF_8));
      reply.headers()
          .add("zilla:correlation-id", request.headers().lastHeader("zilla:correlation-id").value())
          .add(":status", "201".getBytes(StandardCharsets.UTF_8))
          .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
      return List.of(reply);
    });
  }

  /** A header's value as UTF-8, or {@code null}. */
  public static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    org.apache.kafka.common.header.Header header = record.headers().lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /** From now on, answer each request with the records {@code script} returns. */
  public FakeService answer(Function<ConsumerRecord<byte[], byte[]>, List<ProducerRecord<byte[], byte[]>>> script) {
    this.script = script;
    return this;
  }

  /** From now on, read requests but never answer. */
  public FakeService silent() {
    return answer(request -> List.of());
  }

  /**
   * The next request read, waiting up to 10 s.
   *
   * @throws AssertionError if none came
   */
  public ConsumerRecord<byte[], byte[]> takeRequest() {
    try {
      ConsumerRecord<byte[], byte[]> request = requests.poll(10, TimeUnit.SECONDS);
      if (request == null) {
        throw new AssertionError("no request reached the service within 10 s");
      }
      return request;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Requests read and not taken yet. */
  public int requestsSeen() {
    return requests.size();
  }

  /** Forgets the requests read so far, so the next {@link #takeRequest()} is one sent after this. */
  public void clearRequests() {
    requests.clear();
  }

  /** A well-formed reply to {@code request}, in the request's own profile. */
  public static ProducerRecord<byte[], byte[]> reply(
      ConsumerRecord<byte[], byte[]> request, int status, Map<String, String> headers, byte[] body) {
    return reply(request, status, HeaderFields.of(headers), body);
  }

  /** A well-formed reply to {@code request} with these header fields (repeats and raw bytes as given). */
  public static ProducerRecord<byte[], byte[]> reply(
      ConsumerRecord<byte[], byte[]> request, int status, HeaderFields headers, byte[] body) {
    RequestEnvelope envelope = RequestEnvelope.fromHeaders(request.headers());
    Headers replyHeaders = new ReplyEnvelope(envelope.correlationId(), status, headers).toHeaders(envelope.profile());
    return new ProducerRecord<>(
        envelope.replyTopic(),
        envelope.replyPartition() < 0 ? null : envelope.replyPartition(),
        request.key(),
        body,
        replyHeaders);
  }

  public static ProducerRecord<byte[], byte[]> reply(ConsumerRecord<byte[], byte[]> request, int status, String body) {
    return reply(request, status, Map.of("content-type", "text/plain"), body.getBytes(StandardCharsets.UTF_8));
  }

  /** Produces a record as the service would, e.g. a late or forged reply. */
  public void send(ProducerRecord<byte[], byte[]> record) {
    try {
      producer.send(record).get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("could not produce " + record, e);
    }
  }

  private void run() {
    try {
      while (running.get()) {
        for (ConsumerRecord<byte[], byte[]> request : consumer.poll(Duration.ofMillis(100))) {
          requests.add(request);
          for (ProducerRecord<byte[], byte[]> reply : script.apply(request)) {
            producer.send(reply);
          }
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
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
    producer.close(Duration.ofSeconds(2));
  }
}
