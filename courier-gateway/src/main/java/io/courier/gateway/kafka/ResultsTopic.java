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
public final class ResultsTopic extends WholeTopicReader<ResultsConsumer> {

  public ResultsTopic(KafkaConfig kafka, ResultsConfig results, String instanceId, ResultView view, Clock clock) {
    super(
        new ResultsConsumer(
            () -> KafkaClients.create("results consumer", KafkaClients.resultsConsumer(kafka, instanceId), KafkaConsumer<byte[], byte[]>::new),
            results.topic(),
            view,
            results.retention(),
            clock));
  }

  /** Completes once the view holds every record the topic had when this was called. */
  public CompletableFuture<Void> caughtUp() {
    return consumer.caughtUp();
  }

  /** The results topic's partition count; 0 until known. */
  public int partitionCount() {
    return consumer.partitionCount();
  }
}
