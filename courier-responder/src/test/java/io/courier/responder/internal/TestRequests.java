package io.courier.responder.internal;

import io.courier.testing.TestEnvelopes;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;

/** Request records as the gateway would write them, for tests without a broker. */
final class TestRequests {
  static final String REQUEST_TOPIC = "orders.requests";
  static final String REPLY_TOPIC = "orders.replies";

  private TestRequests() {}

  static RequestEnvelope envelope(Profile profile, String correlationId, int replyPartition, Instant deadline) {
    return TestEnvelopes.request()
        .profile(profile)
        .correlationId(correlationId)
        .replyTopic(REPLY_TOPIC)
        .replyPartition(replyPartition)
        .deadline(deadline)
        .route("get-order")
        .build();
  }

  static ConsumerRecord<String, byte[]> record(int partition, long offset, RequestEnvelope envelope) {
    return record(partition, offset, envelope.toHeaders());
  }

  /** A record as a share consumer returns it: with Kafka's delivery count. */
  static ConsumerRecord<String, byte[]> delivery(int attempt, RequestEnvelope envelope) {
    ConsumerRecord<String, byte[]> record = record(0, 7, envelope);
    return new ConsumerRecord<>(
        record.topic(), record.partition(), record.offset(), record.timestamp(), record.timestampType(),
        -1, -1, record.key(), record.value(), record.headers(), Optional.empty(), Optional.of((short) attempt));
  }

  static ConsumerRecord<String, byte[]> record(int partition, long offset, Headers headers) {
    return new ConsumerRecord<>(
        REQUEST_TOPIC,
        partition,
        offset,
        0L,
        TimestampType.CREATE_TIME,
        -1,
        -1,
        "key-" + offset,
        "{}".getBytes(StandardCharsets.UTF_8),
        headers,
        Optional.empty());
  }

  /** A record without any correlation header. */
  static ConsumerRecord<String, byte[]> malformed(int partition, long offset) {
    RecordHeaders headers = new RecordHeaders();
    headers.add("courier-method", "GET".getBytes(StandardCharsets.UTF_8));
    return record(partition, offset, headers);
  }
}
