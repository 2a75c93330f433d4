package io.courier.gateway.kafka;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.gateway.pending.StreamRecord;
import io.courier.protocol.CorrelationIds;
import io.courier.protocol.Profile;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.StreamMarkers;
import java.util.Arrays;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matches each reply with its pending request. A reply whose correlation id names another instance is
 * forwarded to it (when read from the response topic). A reply that names a waiting request but cannot be
 * read (its status is not an HTTP status code) answers that request with 502 {@code bad-reply} at once and
 * is counted {@code malformed}; so is a reply without a correlation id, which answers nobody. Duplicate,
 * late and unknown replies are counted in {@code courier.replies} and dropped, unless they answer a result
 * kept in the results topic, which they then complete. Records of a streamed reply ({@code courier-stream-seq})
 * go to their stream ({@link PendingReplies#stream}), or are forwarded like replies. Runs on a consumer
 * thread; never blocks.
 */
public final class ReplyDispatcher implements Consumer<ConsumerRecord<byte[], byte[]>> {
  private static final Logger LOGGER = LoggerFactory.getLogger(ReplyDispatcher.class);
  private static final byte[] EMPTY = new byte[0];
  private static final Outcome UNREADABLE =
      new Outcome.Failed(GatewayError.BAD_REPLY, "the service's reply has a status that is not an HTTP status code (100-599)");

  private final PendingReplies pending;
  private final ReplyEvents events;
  private final ReplySource source;
  private final ReplyForwarder forwarder;
  private final byte[] instanceKey;
  private final UnclaimedReplies unclaimed;

  /** Where a reply no waiting caller took may still be kept (a pending async result, say). */
  @FunctionalInterface
  public interface UnclaimedReplies {
    /** Consumer thread; never blocks. @return whether the reply was kept */
    boolean keep(String correlationId, Outcome.Replied reply);

    UnclaimedReplies NONE = (correlationId, reply) -> false;
  }

  ReplyDispatcher(
      PendingReplies pending, ReplyEvents events, ReplySource source, ReplyForwarder forwarder, byte[] instanceKey,
      UnclaimedReplies unclaimed) {
    this.unclaimed = unclaimed;
    this.pending = pending;
    this.events = events;
    this.source = source;
    this.forwarder = forwarder;
    this.instanceKey = instanceKey;
  }

  /** For replies read from the response topic: those of other instances are forwarded. */
  static ReplyDispatcher forResponses(PendingReplies pending, ReplyEvents events, ReplyForwarder forwarder) {
    return forResponses(pending, events, forwarder, UnclaimedReplies.NONE);
  }

  static ReplyDispatcher forResponses(PendingReplies pending, ReplyEvents events, ReplyForwarder forwarder, UnclaimedReplies unclaimed) {
    return new ReplyDispatcher(pending, events, ReplySource.RESPONSE_TOPIC, forwarder, null, unclaimed);
  }

  /** For the forward topic: only forwards keyed with this instance's id are looked at. */
  static ReplyDispatcher forForwards(PendingReplies pending, ReplyEvents events, byte[] instanceKey) {
    return forForwards(pending, events, instanceKey, UnclaimedReplies.NONE);
  }

  static ReplyDispatcher forForwards(PendingReplies pending, ReplyEvents events, byte[] instanceKey, UnclaimedReplies unclaimed) {
    return new ReplyDispatcher(pending, events, ReplySource.FORWARD_TOPIC, null, instanceKey, unclaimed);
  }

  @Override
  public void accept(ConsumerRecord<byte[], byte[]> record) {
    if (instanceKey != null && !Arrays.equals(instanceKey, record.key())) {
      return; // a forward for another instance
    }
    String correlationId = Profile.correlationIdOf(record.headers());
    if (correlationId == null) {
      events.reply(source, ReplyOutcome.MALFORMED);
      LOGGER.debug(
          "Dropped reply without a correlation id source={} partition={} offset={}",
          source.tag(), record.partition(), record.offset());
      return;
    }
    StreamMarkers.Position position;
    try {
      position = StreamMarkers.positionOf(record.headers());
    } catch (ProtocolException e) {
      position = null;
      if (pending.failUnreadableStreamRecord(correlationId)) {
        events.reply(source, ReplyOutcome.MALFORMED);
        LOGGER.debug("Unreadable stream record source={} correlationId={} partition={} offset={} reason={}",
            source.tag(), correlationId, record.partition(), record.offset(), e.getMessage());
        return;
      }
    }
    if (position != null) {
      stream(correlationId, position, record);
      return;
    }
    Outcome outcome;
    boolean readable = true;
    try {
      ReplyEnvelope envelope = ReplyEnvelope.fromHeaders(record.headers());
      outcome = new Outcome.Replied(envelope.status(), envelope.headers(), record.value() == null ? EMPTY : record.value());
    } catch (ProtocolException e) {
      outcome = UNREADABLE;
      readable = false;
      LOGGER.debug(
          "Unreadable reply source={} correlationId={} partition={} offset={} reason={}",
          source.tag(), correlationId, record.partition(), record.offset(), e.getMessage());
    }
    ReplyOutcome result = pending.complete(correlationId, outcome);
    if (result != ReplyOutcome.MATCHED && readable && unclaimed.keep(correlationId, (Outcome.Replied) outcome)) {
      // A reply nobody waits for any more, of a result kept in the results topic: late after a 504 or a 202,
      // or its instance restarted. Kept there, it is not dropped.
      LOGGER.debug("Kept a reply as a result outcome={} source={} correlationId={}", result.tag(), source.tag(), correlationId);
    }
    if (result == ReplyOutcome.FOREIGN && forwarder != null) {
      events.reply(source, result);
      forwarder.forward(CorrelationIds.instanceOf(correlationId), record); // its own instance answers it
      return;
    }
    counted(readable ? result : ReplyOutcome.MALFORMED, correlationId, record);
  }

  /** A record of a streamed reply: to its stream in order, or forwarded to the instance that waits for it. */
  private void stream(String correlationId, StreamMarkers.Position position, ConsumerRecord<byte[], byte[]> record) {
    StreamRecord item =
        new StreamRecord(position.sequence(), position.endStatus(), ReplyEnvelope.httpHeaders(record.headers()),
            record.value() == null ? EMPTY : record.value());
    ReplyOutcome result = pending.stream(correlationId, item);
    if (result == ReplyOutcome.FOREIGN && forwarder != null) {
      events.reply(source, result);
      forwarder.forward(CorrelationIds.instanceOf(correlationId), record); // in order: one forward partition per instance
      return;
    }
    counted(result, correlationId, record);
  }

  private void counted(ReplyOutcome result, String correlationId, ConsumerRecord<byte[], byte[]> record) {
    events.reply(source, result);
    if (result != ReplyOutcome.MATCHED) {
      LOGGER.debug(
          "Dropped reply outcome={} source={} correlationId={} partition={} offset={}",
          result.tag(), source.tag(), correlationId, record.partition(), record.offset());
    }
  }
}
