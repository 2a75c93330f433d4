package io.courier.gateway.kafka;

import io.courier.gateway.state.StateView;
import io.courier.gateway.state.States;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading the state topics of event-driven routes into this instance's {@link StateView}s (ADR 0004): every
 * partition of each, from the beginning (a compacted topic holds the latest state of each entity). The gateway
 * is not ready until it has read what the topics held at set-up.
 */
final class StateReading extends TopicReading {
  StateReading(States states) {
    this(byTopic(states));
  }

  private StateReading(Map<String, StateView> byTopic) {
    super(List.copyOf(byTopic.keySet()), "state", record -> byTopic.get(record.topic()).apply(record));
  }

  private static Map<String, StateView> byTopic(States states) {
    Map<String, StateView> byTopic = new LinkedHashMap<>();
    states.views().forEach(view -> byTopic.put(view.topic(), view));
    return byTopic;
  }

  @Override
  protected void seekToStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    consumer.seekToBeginning(partitions);
  }
}
