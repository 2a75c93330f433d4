package io.courier.gateway.kafka;

import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.ReplyEnvelope;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches each record of the response topic with its pending request. Malformed, duplicate, late, unknown
 * and foreign replies are counted in {@code courier.replies} and dropped. Runs on the reply consumer thread.
 */
public final class ReplyDispatcher implements Consumer<ConsumerRecord<byte[], byte[]>> {
  private static final Logger LOGGER = LoggerFactory.getLogger(ReplyDispatcher.class);
  private static final byte[] EMPTY = new byte[0];

  private final PendingReplies pending;
  private final GatewayMetrics metrics;

  public ReplyDispatcher(PendingReplies pending, GatewayMetrics metrics) {
    this.pending = pending;
    this.metrics = metrics;
  }

  @Override
  public void accept(ConsumerRecord<byte[], byte[]> record) {
    ReplyEnvelope envelope;
    try {
      envelope = ReplyEnvelope.fromHeaders(record.headers());
    } catch (ProtocolException e) {
      metrics.reply(ReplyOutcome.MALFORMED);
      LOGGER.debug(
          "Dropped malformed reply partition={} offset={} reason={}", record.partition(), record.offset(), e.getMessage());
      return;
    }
    byte[] body = record.value() == null ? EMPTY : record.value();
    ReplyOutcome outcome =
        pending.complete(envelope.correlationId(), new Outcome.Replied(envelope.status(), envelope.headers(), body));
    metrics.reply(outcome);
    if (outcome != ReplyOutcome.MATCHED) {
      LOGGER.debug(
          "Dropped reply outcome={} correlationId={} partition={} offset={}",
          outcome.tag(),
          envelope.correlationId(),
          record.partition(),
          record.offset());
    }
  }
}
