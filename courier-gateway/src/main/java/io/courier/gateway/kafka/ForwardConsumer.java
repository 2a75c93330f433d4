package io.courier.gateway.kafka;

import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the forward topic on thread {@code courier-forward-consumer}: every partition, from its end at
 * start-up, without a group. Every instance reads every forward; only forwards keyed with this instance's
 * id reach the handler. Forwards are rare (replies caught in a partition move), so reading them all is cheap.
 */
final class ForwardConsumer extends ConsumerLoop {
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);

  private final String topic;

  ForwardConsumer(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
      String topic,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      RecordBatchListener batches) {
    super("courier-forward-consumer", consumer, handler, batches);
    this.topic = topic;
  }

  @Override
  protected String setUp() {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      return "forward topic " + topic + " does not exist";
    }
    List<TopicPartition> all = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
    consumer.assign(all);
    consumer.seekToEnd(all);
    all.forEach(partition -> consumer.position(partition, METADATA_TIMEOUT));
    ready();
    return null;
  }
}
