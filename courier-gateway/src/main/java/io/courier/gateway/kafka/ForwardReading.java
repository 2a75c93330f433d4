package io.courier.gateway.kafka;

import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Reading the forward topic (ADR 0002): every partition, from its end at set-up. Every instance reads every
 * forward; only forwards keyed with this instance's id reach the waiting caller. Forwards are rare (replies
 * caught in a partition move), so reading them all is cheap. Caught up as soon as it is positioned.
 */
final class ForwardReading extends TopicReading {
  ForwardReading(String topic, Consumer<ConsumerRecord<byte[], byte[]>> handler) {
    super(List.of(topic), "forward", handler);
  }

  @Override
  protected void seekToStart(org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    consumer.seekToEnd(partitions);
  }
}
