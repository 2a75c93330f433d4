package io.courier.gateway.results;

import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.ReplyEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The records of the results topic ({@code docs/protocol.md}, "The results topic"): keyed by result id, the
 * metadata in {@code courier-result-*} headers, a done result's reply as a reply record has it ({@code
 * courier-status}, its HTTP header fields, the body as the value). A tombstone (no value) forgets a result.
 * Stateless.
 */
final class ResultRecords {
  static final String STATE = "courier-result-state";
  static final String ROUTE = HeaderNames.ROUTE;
  static final String CREATED = "courier-result-created";
  static final String DEADLINE = HeaderNames.DEADLINE;
  static final String SCOPE = "courier-idempotency-scope";
  static final String FINGERPRINT = "courier-idempotency-fingerprint";
  static final String REQUEST_TOPIC = "courier-request-topic";
  static final String REQUEST_PARTITION = "courier-request-partition";
  static final String OWNER = "courier-result-owner";
  private static final byte[] EMPTY = new byte[0];

  private ResultRecords() {}

  /** The record of {@code result}, to {@code partition} of the results topic ({@code null}: by its key). */
  static ProducerRecord<byte[], byte[]> record(String topic, Integer partition, StoredResult result) {
    Headers headers =
        result.reply() == null
            ? new org.apache.kafka.common.header.internals.RecordHeaders()
            : new ReplyEnvelope(result.id(), result.reply().status(), result.reply().headers()).toHeaders(Profile.COURIER);
    headers.add(STATE, utf8(result.state().tag()));
    headers.add(ROUTE, utf8(result.route()));
    headers.add(CREATED, utf8(Long.toString(result.created().toEpochMilli())));
    headers.add(DEADLINE, utf8(Long.toString(result.deadline().toEpochMilli())));
    if (result.scope() != null) {
      headers.add(SCOPE, utf8(result.scope()));
      headers.add(FINGERPRINT, utf8(result.fingerprint()));
    }
    if (result.requestTopic() != null) {
      headers.add(REQUEST_TOPIC, utf8(result.requestTopic()));
      headers.add(REQUEST_PARTITION, utf8(Integer.toString(result.requestPartition())));
    }
    if (result.owner() != null) {
      headers.add(OWNER, utf8(result.owner()));
    }
    byte[] value = result.reply() == null ? EMPTY : result.reply().body(); // never null: that is a tombstone
    return new ProducerRecord<>(topic, partition, utf8(result.id()), value, headers);
  }

  /** The tombstone that forgets result {@code id}, in {@code partition}. */
  static ProducerRecord<byte[], byte[]> tombstone(String topic, int partition, String id) {
    return new ProducerRecord<>(topic, partition, utf8(id), null);
  }

  /**
   * Reads a record of the results topic.
   *
   * @return the result, or {@code null} for a tombstone
   * @throws ProtocolException when the record is not a result record
   */
  static StoredResult read(ConsumerRecord<byte[], byte[]> record) {
    if (record.key() == null) {
      throw new ProtocolException("a result record has no key");
    }
    if (record.value() == null) {
      return null;
    }
    Headers headers = record.headers();
    String id = new String(record.key(), StandardCharsets.UTF_8);
    StoredResult.State state;
    try {
      state = StoredResult.State.valueOf(required(headers, STATE).toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("unknown result state: " + string(headers, STATE));
    }
    Outcome.Replied reply = null;
    if (state == StoredResult.State.DONE) {
      ReplyEnvelope envelope = ReplyEnvelope.fromHeaders(headers);
      reply = new Outcome.Replied(envelope.status(), envelope.headers(), record.value());
    }
    String requestTopic = string(headers, REQUEST_TOPIC);
    return new StoredResult(
        id,
        state,
        required(headers, ROUTE),
        Instant.ofEpochMilli(number(headers, CREATED)),
        Instant.ofEpochMilli(number(headers, DEADLINE)),
        string(headers, SCOPE),
        string(headers, FINGERPRINT),
        requestTopic,
        requestTopic == null ? -1 : (int) number(headers, REQUEST_PARTITION),
        reply,
        string(headers, OWNER));
  }

  private static String required(Headers headers, String name) {
    String value = string(headers, name);
    if (value == null) {
      throw new ProtocolException("a result record lacks " + name);
    }
    return value;
  }

  private static long number(Headers headers, String name) {
    try {
      return Long.parseLong(required(headers, name).trim());
    } catch (NumberFormatException e) {
      throw new ProtocolException(name + " is not a number");
    }
  }

  private static String string(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
