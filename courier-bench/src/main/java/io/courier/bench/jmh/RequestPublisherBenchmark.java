package io.courier.bench.jmh;

import io.courier.gateway.kafka.RequestPublisher;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link RequestPublisher#publish} costs the event loop that calls it while the producer takes every
 * record at once (the common case: its lanes stay empty), against the floor of the same work: the producer's
 * {@code send} called directly with the same callback. The difference is the publisher's own bookkeeping per
 * record (its lane look-up, the check that the lane is empty, the once-only callback wrapper).
 *
 * <p>The producer here does nothing but complete the record, on the calling thread, so that only the
 * publisher's part is measured; Kafka's own {@code send} (partitioning, the accumulator, waking its I/O thread)
 * comes on top of both in the gateway.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestPublisherBenchmark {
  private static final String TOPIC = "bench.echo";

  private final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(TOPIC, new byte[16], new byte[256]);
  private final Instant deadline = Instant.now().plusSeconds(3600);
  private final Callback callback = (metadata, exception) -> {};
  private TakingProducer producer;
  private RequestPublisher publisher;

  /** A producer that takes every record and completes it at once, on the caller's thread. */
  static final class TakingProducer extends MockProducer<byte[], byte[]> {
    private final RecordMetadata metadata = new RecordMetadata(new TopicPartition(TOPIC, 0), 0, 0, 0, 0, 0);
    private final Future<RecordMetadata> done = CompletableFuture.completedFuture(metadata);

    @Override
    public Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
      callback.onCompletion(metadata, null);
      return done;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    producer = new TakingProducer();
    // As the gateway builds it (Gateway), with the bench's publish-queue.
    publisher = new RequestPublisher(producer, List.of(TOPIC), 20_000, Duration.ofSeconds(5), Clock.systemUTC());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    publisher.close();
  }

  @Benchmark
  public boolean publish() {
    return publisher.publish(record, deadline, callback);
  }

  @Benchmark
  public Future<RecordMetadata> baselineProducerSend() {
    return producer.send(record, callback);
  }
}
