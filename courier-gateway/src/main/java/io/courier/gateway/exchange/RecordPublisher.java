package io.courier.gateway.exchange;

import java.time.Instant;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Hands a record to Kafka without blocking the caller (the gateway's {@code RequestPublisher}). */
@FunctionalInterface
public interface RecordPublisher {
  /**
   * Queues {@code record}; {@code callback} runs on some other thread once Kafka answers, or with a failure
   * if the deadline passes before the record could be sent (it is then never sent).
   *
   * @return {@code false} when nothing was queued (the queue is full or closed)
   */
  boolean publish(ProducerRecord<byte[], byte[]> record, Instant deadline, Callback callback);
}
