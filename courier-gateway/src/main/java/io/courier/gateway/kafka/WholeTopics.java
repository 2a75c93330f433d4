package io.courier.gateway.kafka;

import io.courier.gateway.config.KafkaConfig;
import io.courier.gateway.state.States;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The topics every instance reads whole, on one consumer without a group ({@link WholeTopicConsumer}, thread
 * {@value WholeTopicConsumer#THREAD_NAME}): the forward topic of the {@link ReplyRouting}, the results topic
 * when results are on, and the state topics of event-driven routes. The gateway is not ready until each has
 * read what its topics held at start-up. Thread-safe.
 */
public final class WholeTopics implements AutoCloseable {
  private final WholeTopicConsumer consumer;
  private final List<TopicReading> readings;

  /**
   * Makes the consumer (so that Kafka's refusal of a setting fails start-up); reads nothing until {@link #start()}.
   *
   * @param results {@code null} when results are off
   * @param states {@code null} when no route has a {@code state} block
   * @param batches told of each poll's records: forwards cause responses to write
   * @throws io.courier.gateway.config.ConfigException when Kafka refuses a consumer setting
   */
  public WholeTopics(
      KafkaConfig kafka, String instanceId, ReplyRouting replies, ResultsTopic results, States states, RecordBatchListener batches) {
    List<TopicReading> all = new ArrayList<>();
    all.add(replies.forwardReading());
    if (results != null) {
      all.add(results.reading());
    }
    if (states != null) {
      all.add(new StateReading(states));
    }
    this.readings = List.copyOf(all);
    this.consumer =
        new WholeTopicConsumer(
            () -> KafkaClients.create("whole-topics consumer", KafkaClients.wholeTopicsConsumer(kafka, instanceId), KafkaConsumer<byte[], byte[]>::new),
            readings,
            batches);
  }

  public void start() {
    consumer.start();
  }

  /** {@code null} once the consumer polls and every topic holds what it held at start-up; otherwise why not. */
  public String notReadyReason() {
    return consumer.notReadyReasonOfAll();
  }

  /** {@code null} unless the consumer keeps crashing. */
  public String unhealthyReason() {
    return consumer.unhealthyReason();
  }

  /** Completes the first time every reading has caught up. Never completes while Kafka stays unreachable. */
  public CompletableFuture<Void> firstReady() {
    return CompletableFuture.allOf(readings.stream().map(TopicReading::caughtUp).toArray(CompletableFuture[]::new));
  }

  /** Stops reading and closes the consumer. */
  @Override
  public void close() {
    consumer.close();
  }
}
