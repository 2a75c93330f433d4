package io.courier.gateway.exchange;

import java.time.Instant;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Hands a record to Kafka without blocking the caller (the gateway's {@code RequestPublisher}). */
@FunctionalInterface
public interface RecordPublisher {
  /**
   * Sends {@code record} now, or queues it if Kafka cannot take it at once; {@code callback} runs on some other
   * thread once Kafka answers, or with a failure if the record cannot be sent or the deadline passes before it
   * could be (it is then never sent).
   *
   * @return {@code false} when nothing was sent or queued (the queue is full or closed)
   */
  boolean publish(ProducerRecord<byte[], byte[]> record, Instant deadline, Callback callback);
}
