package io.courier.gateway.kafka;

import java.util.concurrent.CompletableFuture;

/**
 * The face the rest of the gateway sees of a {@link WholeTopicConsumer}: start, readiness, health, close.
 * Thread-safe.
 */
public abstract class WholeTopicReader<C extends WholeTopicConsumer> implements AutoCloseable {
  final C consumer;

  WholeTopicReader(C consumer) {
    this.consumer = consumer;
  }

  public final void start() {
    consumer.start();
  }

  /** {@code null} once the view holds what the topics held at start-up; otherwise why not. */
  public final String notReadyReason() {
    return consumer.notReadyReason();
  }

  /** {@code null} unless the consumer keeps crashing. */
  public final String unhealthyReason() {
    return consumer.crashLooping() ? consumer.threadName() + " keeps crashing: " + consumer.notReadyReason() : null;
  }

  /** Completes the first time the view holds what the topics held at start-up. */
  public final CompletableFuture<Void> positioned() {
    return consumer.positioned();
  }

  @Override
  public final void close() {
    consumer.close();
  }
}
