package io.courier.responder.internal;

import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.StreamMarkers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import io.courier.responder.Reply;
import io.opentelemetry.api.trace.Span;
import org.apache.kafka.common.header.Headers;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces a reply to the topic and partition its request names, in the request's header convention.
 *
 * <p>Thread-safe (the Kafka producer is): called from whichever thread completes a handler. {@link
 * #send} may block for up to the producer's {@code max.block.ms} when the reply topic's metadata is unknown
 * or the producer's buffer is full.
 */
final class ReplyProducer {
  private final Producer<String, byte[]> producer;

  ReplyProducer(Producer<String, byte[]> producer) {
    this.producer = producer;
  }

  /**
   * Sends the reply to {@code request}.
   *
   * @param key the request's record key, reused so that replies to one entity stay in order
   * @param correlationId the request's correlation header value, echoed byte for byte
   * @param deliveryAttempt which delivery of the request this answers (share groups), sent as {@code
   *     courier-delivery-attempt}; 0 for none (consumer groups)
   * @param span the request's span, whose context the reply carries ({@link ResponderTracing})
   * @return completes when Kafka acknowledges the reply, exceptionally when producing it failed
   */
  CompletionStage<Void> send(
      RequestEnvelope request, String key, byte[] correlationId, int deliveryAttempt, Reply reply, Span span) {
    return produce(record(request, key, correlationId, deliveryAttempt, reply, span));
  }

  private CompletionStage<Void> produce(ProducerRecord<String, byte[]> record) {
    CompletableFuture<Void> acknowledged = new CompletableFuture<>();
    try {
      producer.send(
          record,
          (metadata, exception) -> {
            if (exception == null) {
              acknowledged.complete(null);
            } else {
              acknowledged.completeExceptionally(exception);
            }
          });
    } catch (RuntimeException e) {
      // send() throws instead of calling back for some failures, e.g. once the producer is closed.
      acknowledged.completeExceptionally(e);
    }
    return acknowledged;
  }

  /**
   * Sends record {@code sequence} of a streamed reply to {@code request}: an item ({@code endStatus} -1) or
   * the end marker, to the request's reply partition like any reply, so that the stream keeps its order.
   *
   * @return completes when Kafka acknowledges it, exceptionally when producing it failed
   */
  CompletionStage<Void> sendStream(
      RequestEnvelope request, String key, byte[] correlationId, int deliveryAttempt, long sequence, int endStatus,
      byte[] value, Span span) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(request.profile().correlationHeader(), correlationId);
    addDeliveryAttempt(headers, deliveryAttempt);
    if (endStatus < 0) {
      StreamMarkers.markItem(headers, sequence);
    } else {
      StreamMarkers.markEnd(headers, sequence, endStatus);
    }
    ResponderTracing.inject(span, headers);
    Integer partition = request.replyPartition() < 0 ? null : request.replyPartition();
    return produce(new ProducerRecord<>(request.replyTopic(), partition, key, value, headers));
  }

  static ProducerRecord<String, byte[]> record(
      RequestEnvelope request, String key, byte[] correlationId, int deliveryAttempt, Reply reply, Span span) {
    Integer partition = request.replyPartition() < 0 ? null : request.replyPartition();
    ReplyEnvelope envelope = new ReplyEnvelope(request.correlationId(), reply.status(), reply.headerFields());
    Headers headers = envelope.toHeaders(request.profile(), correlationId);
    addDeliveryAttempt(headers, deliveryAttempt);
    ResponderTracing.inject(span, headers);
    return new ProducerRecord<>(request.replyTopic(), partition, key, reply.body(), headers);
  }

  /** {@code courier-delivery-attempt} on every record answering a share-group delivery ({@code attempt} > 0). */
  private static void addDeliveryAttempt(Headers headers, int attempt) {
    if (attempt > 0) {
      headers.add(HeaderNames.DELIVERY_ATTEMPT, Integer.toString(attempt).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  /** Sends what is buffered, waiting at most {@code timeout}, and releases the producer. */
  void close(Duration timeout) {
    producer.close(timeout);
  }
}
