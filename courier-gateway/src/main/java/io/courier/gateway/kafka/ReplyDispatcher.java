package io.courier.gateway.kafka;

import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.protocol.CorrelationIds;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.ReplyEnvelope;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches each reply with its pending request. A reply whose correlation id names another instance is
 * forwarded to it (when read from the response topic); malformed, duplicate, late and unknown replies are
 * counted in {@code courier.replies} and dropped. Runs on a consumer thread; never blocks.
 */
public final class ReplyDispatcher implements Consumer<ConsumerRecord<byte[], byte[]>> {
  /** Where a reply was read. */
  public enum Source {
    RESPONSE_TOPIC("response-topic"),
    FORWARD_TOPIC("forward-topic");

    private final String tag;

    Source(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private static final Logger LOGGER = LoggerFactory.getLogger(ReplyDispatcher.class);
  private static final byte[] EMPTY = new byte[0];

  private final PendingReplies pending;
  private final GatewayMetrics metrics;
  private final Source source;
  private final ReplyForwarder forwarder;
  private final byte[] instanceKey;

  ReplyDispatcher(PendingReplies pending, GatewayMetrics metrics, Source source, ReplyForwarder forwarder, byte[] instanceKey) {
    this.pending = pending;
    this.metrics = metrics;
    this.source = source;
    this.forwarder = forwarder;
    this.instanceKey = instanceKey;
  }

  /** For replies read from the response topic: those of other instances are forwarded. */
  static ReplyDispatcher forResponses(PendingReplies pending, GatewayMetrics metrics, ReplyForwarder forwarder) {
    return new ReplyDispatcher(pending, metrics, Source.RESPONSE_TOPIC, forwarder, null);
  }

  /** For the forward topic: only forwards keyed with this instance's id are looked at. */
  static ReplyDispatcher forForwards(PendingReplies pending, GatewayMetrics metrics, byte[] instanceKey) {
    return new ReplyDispatcher(pending, metrics, Source.FORWARD_TOPIC, null, instanceKey);
  }

  @Override
  public void accept(ConsumerRecord<byte[], byte[]> record) {
    if (instanceKey != null && !Arrays.equals(instanceKey, record.key())) {
      return; // a forward for another instance
    }
    ReplyEnvelope envelope;
    try {
      envelope = ReplyEnvelope.fromHeaders(record.headers());
    } catch (ProtocolException e) {
      metrics.reply(source, ReplyOutcome.MALFORMED);
      LOGGER.debug(
          "Dropped malformed reply source={} partition={} offset={} reason={}",
          source.tag(), record.partition(), record.offset(), e.getMessage());
      return;
    }
    byte[] body = record.value() == null ? EMPTY : record.value();
    ReplyOutcome outcome =
        pending.complete(envelope.correlationId(), new Outcome.Replied(envelope.status(), envelope.headers(), body));
    metrics.reply(source, outcome);
    if (outcome == ReplyOutcome.FOREIGN && forwarder != null) {
      forwarder.forward(CorrelationIds.instanceOf(envelope.correlationId()), record);
    } else if (outcome != ReplyOutcome.MATCHED) {
      LOGGER.debug(
          "Dropped reply outcome={} source={} correlationId={} partition={} offset={}",
          outcome.tag(), source.tag(), envelope.correlationId(), record.partition(), record.offset());
    }
  }
}
