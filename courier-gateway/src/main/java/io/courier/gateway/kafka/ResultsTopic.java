package io.courier.gateway.kafka;

import io.courier.gateway.config.KafkaConfig;
import io.courier.gateway.config.ResultsConfig;
import io.courier.gateway.results.ResultView;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Reading the results topic into this instance's {@link ResultView} (ADR 0003), on thread {@code
 * courier-results-consumer}. The gateway is not ready until it has read what the topic held at start-up.
 * Thread-safe.
 */
public final class ResultsTopic implements AutoCloseable {
  private final ResultsConsumer consumer;

  public ResultsTopic(KafkaConfig kafka, ResultsConfig results, String instanceId, ResultView view, Clock clock) {
    this.consumer =
        new ResultsConsumer(
            () -> KafkaClients.create("results consumer", KafkaClients.resultsConsumer(kafka, instanceId), KafkaConsumer<byte[], byte[]>::new),
            results.topic(),
            view,
            results.retention(),
            clock);
  }

  public void start() {
    consumer.start();
  }

  /** {@code null} once the view holds the topic; otherwise why not. */
  public String notReadyReason() {
    return consumer.notReadyReason();
  }

  /** {@code null} unless the consumer keeps crashing. */
  public String unhealthyReason() {
    return consumer.crashLooping() ? consumer.threadName() + " keeps crashing: " + consumer.notReadyReason() : null;
  }

  /** Completes once the view holds every record the topic had when this was called. */
  public CompletableFuture<Void> caughtUp() {
    return consumer.caughtUp();
  }

  /** The results topic's partition count; 0 until known. */
  public int partitionCount() {
    return consumer.partitionCount();
  }

  /** Completes the first time the view holds the topic. */
  public CompletableFuture<Void> positioned() {
    return consumer.positioned();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
