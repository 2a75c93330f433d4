package io.courier.gateway.kafka;

import io.courier.protocol.HeaderNames;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Puts a reply that this instance read but another instance is waiting for onto the forward topic, keyed by
 * the waiting instance's id. The publisher sends it on the reply consumer's thread, which never blocks on it
 * (the producer refuses at once what it cannot take); a refused forward waits on the publisher's forwards lane
 * (its own bounded queue, so requests never crowd it out), and a full queue drops the forward and counts it.
 */
final class ReplyForwarder {
  private final String topic;
  private final byte[] instanceId;
  private final RequestPublisher publisher;
  private final ReplyEvents events;

  ReplyForwarder(String topic, String instanceId, RequestPublisher publisher, ReplyEvents events) {
    this.topic = topic;
    this.instanceId = instanceId.getBytes(StandardCharsets.UTF_8);
    this.publisher = publisher;
    this.events = events;
  }

  void forward(String owner, ConsumerRecord<byte[], byte[]> reply) {
    RecordHeaders headers = new RecordHeaders(reply.headers().toArray());
    headers.add(HeaderNames.FORWARDED_BY, instanceId);
    ProducerRecord<byte[], byte[]> forward =
        new ProducerRecord<>(topic, null, owner.getBytes(StandardCharsets.UTF_8), reply.value(), headers);
    if (!publisher.forward(forward, (metadata, error) -> events.forward(error == null))) {
      events.forward(false);
    }
  }
}
