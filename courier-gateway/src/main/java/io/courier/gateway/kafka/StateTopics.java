package io.courier.gateway.kafka;

import io.courier.gateway.config.KafkaConfig;
import io.courier.gateway.state.StateView;
import io.courier.gateway.state.States;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading the state topics of event-driven routes into this instance's {@link StateView}s (ADR 0004), on
 * thread {@code courier-state-consumer}: every partition of each, without a group, from the beginning (a
 * compacted topic holds the latest state of each entity). The gateway is not ready until it has read what
 * the topics held at start-up. Thread-safe.
 */
public final class StateTopics extends WholeTopicReader<StateTopics.StateConsumer> {

  public StateTopics(KafkaConfig kafka, String instanceId, States states) {
    super(consumer(kafka, instanceId, states));
  }

  private static StateConsumer consumer(KafkaConfig kafka, String instanceId, States states) {
    Map<String, StateView> byTopic = new HashMap<>();
    states.views().forEach(view -> byTopic.put(view.topic(), view));
    return new StateConsumer(
        () -> KafkaClients.create("state consumer", KafkaClients.wholeTopicConsumer(kafka, instanceId, "state"), KafkaConsumer<byte[], byte[]>::new),
        record -> byTopic.get(record.topic()).apply(record),
        List.copyOf(byTopic.keySet()));
  }

  /** Reads the state topics from their beginning. */
  static final class StateConsumer extends WholeTopicConsumer {
    StateConsumer(
        Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
        java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> handler,
        List<String> topics) {
      super("courier-state-consumer", consumer, handler, topics, "state");
    }

    @Override
    protected void seekToStart(List<TopicPartition> partitions) {
      consumer.seekToBeginning(partitions);
    }
  }
}
