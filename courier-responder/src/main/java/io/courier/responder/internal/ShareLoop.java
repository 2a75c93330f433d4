package io.courier.responder.internal;

import io.courier.protocol.CancelMarker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread of a share-group responder (KIP-932, explicit acknowledgement): poll, hand each record to
 * the {@link RequestProcessor}, and acknowledge each one when it is done, by what became of it ({@link
 * #acknowledgement}). Kafka requires every record of a poll to be acknowledged before the next poll, so the
 * loop works on one poll's records at a time (at most {@code maxInFlight}, which is also the consumer's
 * {@code max.poll.records}) and polls again when all of them are done. A record still in the handler when
 * half its acquisition lock has passed is acknowledged {@code RENEW}: Kafka extends the lock and returns the
 * record again in the next poll (Kafka 4.4's client fetches no new records for such a poll, as we saw in
 * ShareGroupResponderIT). A record whose deadline has passed is never renewed: nobody waits for it, so it
 * is accepted at once.
 *
 * <p>So a slow request holds up its own instance until it ends (Kafka's share consumer also returns few
 * records per poll, often one), but no other instance: the group's other members take the new requests,
 * from every partition once there are more members than partitions (below that, Kafka's assignor gives each
 * partition to one member, as in a consumer group). Scale a share-group service by instances.
 *
 * <p>Thread confinement: the consumer and {@link #inHand} are touched on the poll thread only; handler and
 * producer threads only add to the completion queue.
 */
final class ShareLoop extends ConsumeLoop {
  private static final Logger LOGGER = LoggerFactory.getLogger(ShareLoop.class);

  /** How long an idle poll waits for records; also how soon a close is noticed when idle. */
  static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
  /** How long a poll with requests in hand waits for renewed records to come back. */
  static final Duration PACE = Duration.ofMillis(50);
  /** How often the loop asks whether its consumer has partitions yet, until it has. */
  private static final Duration MEMBERSHIP_CHECK_INTERVAL = Duration.ofMillis(500);
  /** The acquisition lock when the consumer does not know it yet: Kafka's default. */
  private static final int DEFAULT_LOCK_MS = 30_000;

  private final ShareConsumer<String, byte[]> consumer;
  private final ReplyProducer replies;
  private final RequestProcessor processor;
  private final java.time.Clock clock;
  /** The deliveries started and not yet acknowledged, by record. Poll thread only. */
  private final Map<RecordId, Delivery> inHand = new HashMap<>();
  /** Deliveries done, reported from handler and producer threads; never more than {@code maxInFlight}. */
  private final BlockingQueue<Done> completions = new LinkedBlockingQueue<>();
  private long lastRenewalNanos = System.nanoTime();
  private final ShareMembership membership;
  /** When to ask {@link #membership} next, until it says the consumer has partitions. */
  private long nextMembershipCheckNanos = System.nanoTime();
  private volatile boolean assigned;

  ShareLoop(
      ResponderLoop.Settings settings,
      ShareConsumer<String, byte[]> consumer,
      ReplyProducer replies,
      RequestProcessor processor,
      java.time.Clock clock,
      ShareMembership membership) {
    super(settings);
    this.membership = membership;
    this.consumer = consumer;
    this.replies = replies;
    this.processor = processor;
    this.clock = clock;
  }

  /** What Kafka is told of a record, by what became of its request. */
  static AcknowledgeType acknowledgement(RequestProcessor.Outcome outcome) {
    return switch (outcome) {
      // Done, or no longer of use to anyone: never deliver it again.
      case ANSWERED, REPLY_FAILED, EXPIRED, ABANDONED, CANCELLED, MARKER -> AcknowledgeType.ACCEPT;
      // Would fail the same way again: the caller has its error reply; Kafka may dead-letter the record.
      case FAILED, MALFORMED, REFUSED -> AcknowledgeType.REJECT;
      // A transient failure with time left: another delivery, perhaps on another instance.
      case RELEASED -> AcknowledgeType.RELEASE;
    };
  }

  @Override
  boolean isRunning() {
    return assigned && !closing;
  }

  @Override
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  void subscribe() {
    consumer.subscribe(List.of(settings.requestTopic()));
  }

  @Override
  void pollOnce() {
    settle();
    if (awaitingAcknowledgement()) {
      // Kafka wants these acknowledged before the next poll: wait until they are done, or their locks need
      // renewing (and then renew them, which is the only way to poll with them in hand).
      awaitCompletion(renewalDueInNanos());
      settle();
      if (awaitingAcknowledgement()) {
        if (renewalDueInNanos() > 0) {
          return;
        }
        renew();
      }
    }
    take(poll(inHand.isEmpty() ? POLL_TIMEOUT : PACE));
  }

  private boolean awaitingAcknowledgement() {
    for (Delivery delivery : inHand.values()) {
      if (delivery.awaitingAcknowledgement) {
        return true;
      }
    }
    return false;
  }

  private ConsumerRecords<String, byte[]> poll(Duration timeout) {
    try {
      ConsumerRecords<String, byte[]> records = consumer.poll(timeout);
      if (!assigned && (!records.isEmpty() || System.nanoTime() - nextMembershipCheckNanos >= 0)) {
        // Blocks this thread for an Admin call at most twice a second, and only until the first assignment.
        assigned = !records.isEmpty() || membership.assigned();
        nextMembershipCheckNanos = System.nanoTime() + MEMBERSHIP_CHECK_INTERVAL.toNanos();
      }
      return records;
    } catch (WakeupException e) {
      return ConsumerRecords.empty(); // only requestClose() wakes the consumer up
    }
  }

  /** Starts the records new to this loop; notes those Kafka returned again after a renewal. */
  private void take(ConsumerRecords<String, byte[]> records) {
    for (ConsumerRecord<String, byte[]> record : records) {
      RecordId id = RecordId.of(record);
      Delivery held = inHand.get(id);
      int attempt = record.deliveryCount().map(Short::intValue).orElse(1);
      if (held != null && held.attempt == attempt) {
        held.returned(record); // renewed: ours still, and waiting for an acknowledgement again
        continue;
      }
      if (held != null) {
        // Our lock ran out and Kafka delivered the record again (to us): the old delivery cannot be
        // acknowledged any more; the idempotency guard keeps its handler from running twice for a keyed request.
        inHand.remove(id);
      }
      boolean marker = CancelMarker.cancelledId(record.headers()) != null;
      if (!marker && inHand.size() >= settings.maxInFlight()) {
        acknowledge(record, AcknowledgeType.RELEASE); // fetched past the cap: another instance may take it now
        continue;
      }
      if (inHand.isEmpty()) {
        lastRenewalNanos = System.nanoTime(); // acquired now: the lock runs from here
      }
      Delivery delivery = new Delivery(record, attempt);
      inHand.put(id, delivery);
      processor.process(record).whenComplete((outcome, error) ->
          completions.add(new Done(delivery, outcome == null ? RequestProcessor.Outcome.REPLY_FAILED : outcome)));
    }
  }

  /** Acknowledges the deliveries that are done and waiting for an acknowledgement. */
  private void settle() {
    Done done;
    while ((done = completions.poll()) != null) {
      done.delivery.outcome = done.outcome;
    }
    List<RecordId> settled = new ArrayList<>();
    inHand.forEach((id, delivery) -> {
      if (delivery.outcome != null && delivery.awaitingAcknowledgement) {
        acknowledge(delivery.record, acknowledgement(delivery.outcome));
        settled.add(id);
      }
    });
    settled.forEach(inHand::remove);
    // A renewal Kafka refused (the lock had run out) returns nothing: that delivery is over for this loop.
    long lockNanos = lockNanos();
    inHand.values().removeIf(delivery ->
        !delivery.awaitingAcknowledgement && System.nanoTime() - delivery.renewedAtNanos > lockNanos);
  }

  /**
   * Acknowledges every record still in the handler: {@code RENEW} while its caller still waits, {@code
   * ACCEPT} once its deadline has passed (the handler is given up on then anyway, and a redelivery could only
   * be skipped as expired).
   */
  private void renew() {
    java.time.Instant now = clock.instant();
    List<RecordId> dropped = new ArrayList<>();
    inHand.forEach((id, delivery) -> {
      if (!delivery.awaitingAcknowledgement) {
        return; // renewed already, not yet returned by Kafka
      }
      if (delivery.deadline.isAfter(now)) {
        acknowledge(delivery.record, AcknowledgeType.RENEW);
        delivery.awaitingAcknowledgement = false;
        delivery.renewedAtNanos = System.nanoTime();
      } else {
        acknowledge(delivery.record, AcknowledgeType.ACCEPT);
        dropped.add(id);
      }
    });
    dropped.forEach(inHand::remove);
    lastRenewalNanos = System.nanoTime();
  }

  private long renewalDueInNanos() {
    return lastRenewalNanos + lockNanos() / 2 - System.nanoTime();
  }

  private long lockNanos() {
    return TimeUnit.MILLISECONDS.toNanos(consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MS));
  }

  private void acknowledge(ConsumerRecord<String, byte[]> record, AcknowledgeType type) {
    try {
      consumer.acknowledge(record, type);
    } catch (IllegalStateException e) {
      // The record is no longer ours to acknowledge (its lock ran out, or a renewal was refused): Kafka
      // delivers it again, and the deadline and idempotency checks decide what the next delivery does.
      LOGGER.debug(
          "Could not acknowledge requestTopic={} partition={} offset={} type={} reason={}",
          record.topic(), record.partition(), record.offset(), type, e.getMessage());
    }
  }

  private void awaitCompletion(long timeoutNanos) {
    if (timeoutNanos <= 0) {
      return;
    }
    try {
      Done done = completions.poll(timeoutNanos, TimeUnit.NANOSECONDS);
      if (done != null) {
        done.delivery.outcome = done.outcome;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closing = true;
    }
  }

  /**
   * Waits up to the shutdown timeout for the requests in hand, acknowledges them, releases (for another
   * instance, at once) those not done, commits the acknowledgements and closes both clients.
   */
  @Override
  void shutdown() {
    assigned = false;
    closing = true;
    try {
      long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
      settle();
      while (!inHand.isEmpty() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
        awaitCompletion(Math.min(deadline - System.nanoTime(), PACE.toNanos()));
        settle();
      }
      inHand.values().forEach(delivery -> {
        if (delivery.awaitingAcknowledgement) {
          acknowledge(delivery.record, AcknowledgeType.RELEASE);
        }
      });
      if (!inHand.isEmpty()) {
        LOGGER.warn(
            "Stopped waiting for requests in hand; released for another delivery requestTopic={} groupId={} inFlight={}",
            settings.requestTopic(), settings.groupId(), inHand.size());
      }
      inHand.clear();
      consumer.commitSync(settings.shutdownTimeout());
    } catch (RuntimeException e) {
      LOGGER.warn(
          "Final acknowledgement failed requestTopic={} groupId={} error={}",
          settings.requestTopic(), settings.groupId(), String.valueOf(e));
    } finally {
      try {
        consumer.close(settings.shutdownTimeout());
      } catch (RuntimeException e) {
        LOGGER.warn("Closing the share consumer failed requestTopic={} error={}", settings.requestTopic(), String.valueOf(e));
      }
      try {
        replies.close(settings.shutdownTimeout());
      } catch (RuntimeException e) {
        LOGGER.warn("Closing the producer failed requestTopic={} error={}", settings.requestTopic(), String.valueOf(e));
      }
      membership.close();
    }
  }

  /** A record by position: Kafka returns a renewed record again as a new object. */
  private record RecordId(String topic, int partition, long offset) {
    static RecordId of(ConsumerRecord<?, ?> record) {
      return new RecordId(record.topic(), record.partition(), record.offset());
    }
  }

  /** One delivery of a record to this loop. Poll thread only, but {@link #outcome} is set from {@link Done}. */
  private static final class Delivery {
    final int attempt;
    final java.time.Instant deadline;
    ConsumerRecord<String, byte[]> record;
    /** Returned by the last poll and not yet acknowledged: Kafka wants an acknowledgement before the next poll. */
    boolean awaitingAcknowledgement = true;
    long renewedAtNanos;
    RequestProcessor.Outcome outcome;

    Delivery(ConsumerRecord<String, byte[]> record, int attempt) {
      this.record = record;
      this.attempt = attempt;
      this.deadline = deadlineOf(record);
    }

    void returned(ConsumerRecord<String, byte[]> again) {
      record = again;
      awaitingAcknowledgement = true;
    }

    private static java.time.Instant deadlineOf(ConsumerRecord<?, ?> record) {
      try {
        return io.courier.protocol.RequestEnvelope.fromHeaders(record.headers()).deadline();
      } catch (RuntimeException notARequest) {
        return java.time.Instant.MAX; // markers and malformed records complete at once, never renewed
      }
    }
  }

  /** A delivery done, as reported from whichever thread finished it. */
  private record Done(Delivery delivery, RequestProcessor.Outcome outcome) {}
}
