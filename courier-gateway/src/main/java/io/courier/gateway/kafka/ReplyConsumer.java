package io.courier.gateway.kafka;

import io.courier.gateway.config.ReplyOwnership;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the partitions of the response topic this instance owns, on thread {@code courier-reply-consumer}.
 *
 * <p>Group ownership: the consumer joins {@code kafka.replies.group-id} with the cooperative-sticky
 * assignor, so a join or leave moves only the partitions it must. The read position is committed at most once a
 * second while replies are read ({@link CommitPacing}) and synchronously when a partition is revoked, so its next
 * owner starts exactly where this instance stopped: replies that arrive during a move are read by the new owner
 * and forwarded, never skipped. Static ownership: the consumer assigns its partitions itself and starts at their end.
 */
final class ReplyConsumer extends ConsumerLoop {
  private static final Logger LOGGER = LoggerFactory.getLogger(ReplyConsumer.class);
  private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
  /**
   * Short: positioning runs on the loop between polls and is retried after the next one. Only until the
   * consumer's first assignment is positioned; after that it does not wait at all, since a position Kafka cannot
   * tell at once may wait behind a fetch the broker holds (up to {@code fetch.max.wait.ms}), and the loop serves
   * every reply.
   */
  private static final Duration FIRST_POSITION_TIMEOUT = Duration.ofMillis(500);
  private static final Duration NOTHING_OWNED_WARNING = Duration.ofSeconds(10);
  /** The least time between two commits of the read positions while replies are read ({@link CommitPacing}). */
  private static final Duration COMMIT_INTERVAL = Duration.ofSeconds(1);

  private final String topic;
  private final ReplyOwnership ownership;
  private final TopicCheck topicCheck;
  /** Asked whether this instance's id is in use before joining; told when the group changes. */
  private final ClusterWatch groupWatch;
  private final ReplyPartitions partitions;
  private final Set<Integer> owned = new TreeSet<>();
  /** Assigned by the group but not positioned yet: requests do not name them until they are. */
  private final Set<TopicPartition> unpositioned = new java.util.HashSet<>();
  /** Which positioned partitions the consumer's fetches do not cover yet: requests do not name them until they do. */
  private final FetchCoverage coverage;
  private final CommitPacing commits = new CommitPacing(COMMIT_INTERVAL.toNanos(), System::nanoTime);
  /** Whether anything was assigned at the end of the last {@link #afterPoll}, so fetched by the poll since. */
  private boolean assignedAtLastPoll;
  /** Whether this consumer's first assignment has been positioned (per consumer: reset when it is replaced). */
  private boolean firstPositioned;
  /** The group's generation (classic) or this member's epoch (KIP-848) at the last poll, or -2 before any. */
  private int lastGeneration = -2;
  /** Whether the group has given this member its first assignment (possibly empty). */
  private boolean assignmentKnown;
  /** Since when (nanoTime) this member has owned nothing, or -1; mid-rebalance an empty set is normal. */
  private long ownedNothingSince = -1;

  /**
   * @param fetchMaxWaitMillis the consumer's {@code fetch.max.wait.ms}: how long a partition a rebalance adds may
   *     go unfetched ({@link FetchCoverage})
   */
  ReplyConsumer(
      Supplier<org.apache.kafka.clients.consumer.Consumer<byte[], byte[]>> consumer,
      long fetchMaxWaitMillis,
      String topic,
      ReplyOwnership ownership,
      TopicCheck topicCheck,
      ClusterWatch groupWatch,
      ReplyPartitions partitions,
      Consumer<ConsumerRecord<byte[], byte[]>> handler,
      RecordBatchListener batches) {
    super("courier-reply-consumer", consumer, handler, batches);
    this.coverage = new FetchCoverage(fetchMaxWaitMillis, System::nanoTime);
    this.topic = topic;
    this.ownership = ownership;
    this.topicCheck = topicCheck;
    this.groupWatch = groupWatch;
    this.partitions = partitions;
  }

  @Override
  protected String setUp() {
    Set<String> missing = topicCheck.missingTopics();
    if (!missing.isEmpty()) {
      return "topics do not exist: " + String.join(", ", new TreeSet<>(missing));
    }
    List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
    if (infos == null || infos.isEmpty()) {
      return "response topic " + topic + " has no partitions";
    }
    partitions.topicPartitions(infos.size());
    if (ownership.mode() == ReplyOwnership.Mode.STATIC) {
      assignStatic(infos.size());
    } else {
      String inUse = groupWatch.instanceIdInUse();
      if (inUse != null) {
        return inUse; // joining now would split this id's replies between two members
      }
      notReady("joining consumer group " + ownership.groupId() + " on " + topic);
      consumer.subscribe(List.of(topic), new Rebalance());
    }
    return null;
  }

  private void assignStatic(int topicPartitions) {
    List<Integer> mine;
    try {
      mine = StaticAssignment.partitions(ownership.instanceIndex(), ownership.instanceCount(), topicPartitions);
    } catch (IllegalStateException e) {
      throw new SetupRefused(e.getMessage());
    }
    String uneven = StaticAssignment.unevenWarning(ownership.instanceCount(), topicPartitions);
    if (uneven != null) {
      LOGGER.warn("Uneven static ownership: {}", uneven);
    }
    List<TopicPartition> assigned = mine.stream().map(p -> new TopicPartition(topic, p)).toList();
    consumer.assign(assigned);
    consumer.seekToEnd(assigned);
    assigned.forEach(partition -> consumer.position(partition, METADATA_TIMEOUT));
    partitions.own(mine, List.of());
    ready();
    LOGGER.info("Reply partitions assigned statically responseTopic={} partitions={}", topic, mine);
  }

  @Override
  protected void afterPoll(ConsumerRecords<byte[], byte[]> records) {
    // Whatever was assigned when the last poll began may have been fetched by it, positioned by us or not.
    coverage.fetching(assignedAtLastPoll || !owned.isEmpty());
    positionAssigned();
    ownCovered();
    assignedAtLastPoll = !owned.isEmpty() || !unpositioned.isEmpty() || coverage.isSettling();
    if (ownership.mode() == ReplyOwnership.Mode.GROUP) {
      commits.afterPoll(consumer, !records.isEmpty());
      reportGroupChanges();
    }
    if (ownedNothingSince >= 0 && System.nanoTime() - ownedNothingSince > NOTHING_OWNED_WARNING.toNanos()) {
      LOGGER.warn(
          "This instance has owned no partition of {} for {} s: more gateway instances than partitions?"
              + " Its replies come back through the forward topic", topic, NOTHING_OWNED_WARNING.toSeconds());
      ownedNothingSince = Long.MAX_VALUE; // warned; reset by the next assignment
    }
  }

  /**
   * Resolves the positions of newly assigned partitions, off the rebalance callback (which must neither
   * block nor throw), and only then lets requests name them: a reply must never land before the position it
   * is read from, nor wait for a fetch that does not include it ({@link FetchCoverage}: such a partition is
   * named once the fetches cover it). A partition Kafka cannot position yet is tried again after the next poll.
   */
  private void positionAssigned() {
    if (unpositioned.isEmpty()) {
      return;
    }
    boolean anyPositioned = false;
    for (java.util.Iterator<TopicPartition> it = unpositioned.iterator(); it.hasNext(); ) {
      TopicPartition partition = it.next();
      try {
        consumer.position(partition, firstPositioned ? Duration.ZERO : FIRST_POSITION_TIMEOUT);
      } catch (KafkaException e) {
        if (!positioned().isDone()) {
          notReady("positioning " + partition + ": " + e.getMessage());
        }
        continue; // the others go on; this one is tried after the next poll
      }
      anyPositioned = true;
      if (coverage.positioned(partition.partition())) {
        owned.add(partition.partition());
      }
      it.remove();
    }
    if (!anyPositioned) {
      return;
    }
    publish();
    LOGGER.info("Reply partitions positioned responseTopic={} owned={}", topic, owned);
    if (coverage.isSettling()) {
      LOGGER.info(
          "Reply partitions settling responseTopic={} settling={}: named in requests once a fetch includes them",
          topic, coverage.settling());
    }
    if (unpositioned.isEmpty()) {
      firstPositioned = true;
      ready();
    }
  }

  /**
   * Tells the cluster watch when the group has changed: a member joined or left, or partitions moved. The
   * generation (the classic protocol's; the member epoch under KIP-848, which moves with every new target
   * assignment of the group even when this member's partitions stay) rather than the rebalance callbacks, which
   * KIP-848 skips when this member's assignment does not change.
   */
  private void reportGroupChanges() {
    int generation = consumer.groupMetadata().generationId();
    if (generation != lastGeneration) {
      lastGeneration = generation;
      groupWatch.replyGroupChanged();
    }
  }

  /** Tells requests the partitions they may name, and those of this instance they must not (not yet named). */
  private void publish() {
    Set<Integer> notYet = new TreeSet<>(coverage.settling());
    unpositioned.forEach(partition -> notYet.add(partition.partition()));
    partitions.own(owned, notYet);
  }

  private void ownCovered() {
    List<Integer> covered = coverage.settled();
    if (!covered.isEmpty()) {
      owned.addAll(covered);
      publish();
      LOGGER.info("Reply partitions positioned responseTopic={} owned={}", topic, owned);
    }
  }

  @Override
  protected void recovered() {
    if (ownership.mode() == ReplyOwnership.Mode.STATIC || (assignmentKnown && unpositioned.isEmpty())) {
      ready();
    }
  }

  @Override
  protected void beforeClose() {
    if (ownership.mode() == ReplyOwnership.Mode.GROUP) {
      if (!owned.isEmpty()) {
        commitQuietly();
      }
      // Leave the group now: Kafka sends the request at once (the revoke it runs commits again), and close,
      // which gives the fetch sessions no time behind a held fetch, only waits briefly for the answer.
      try {
        consumer.unsubscribe();
      } catch (KafkaException e) {
        // Then close leaves, or the group's session timeout moves the partitions (10 s).
        LOGGER.warn("Leaving the reply group failed responseTopic={} reason={}", topic, e.toString());
      }
    }
    // The next consumer (after a crash) or instance gets its own assignment; nothing is owned until then.
    owned.clear();
    unpositioned.clear();
    coverage.reset();
    assignedAtLastPoll = false;
    firstPositioned = false;
    lastGeneration = -2;
    assignmentKnown = false;
    publish();
  }

  private void commitQuietly() {
    try {
      try {
        commits.commitSync(consumer, METADATA_TIMEOUT);
      } catch (WakeupException e) {
        // close() wakes the consumer to end its poll; a wake-up is used once, so the last commit can go on.
        commits.commitSync(consumer, METADATA_TIMEOUT);
      }
    } catch (KafkaException e) {
      // The next owner re-reads from the last commit: at worst a few replies are read twice (duplicates).
      LOGGER.warn("Commit of reply positions failed responseTopic={} reason={}", topic, e.toString());
    }
  }

  /**
   * Keeps {@link ReplyPartitions} in step with the group's assignment; runs inside poll on the loop thread.
   * Nothing here may throw (Kafka would rethrow it out of poll): assigned partitions are positioned after
   * the poll, and the one blocking call, the commit of revoked partitions (so their next owner starts exactly
   * here), is bounded and its failure only logged.
   */
  private final class Rebalance implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      if (revoked.isEmpty()) {
        return;
      }
      coverage.fetching(!owned.isEmpty());
      revoked.forEach(partition -> owned.remove(partition.partition()));
      coverage.forget(numbers(revoked));
      unpositioned.removeAll(revoked);
      publish();
      try {
        commitQuietly();
      } catch (RuntimeException e) {
        LOGGER.warn("Commit on revoke failed responseTopic={} reason={}", topic, e.toString());
      }
      LOGGER.info("Reply partitions revoked responseTopic={} revoked={} owned={}", topic, numbers(revoked), owned);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      coverage.fetching(!owned.isEmpty());
      lost.forEach(partition -> owned.remove(partition.partition()));
      coverage.forget(numbers(lost));
      unpositioned.removeAll(lost);
      publish();
      LOGGER.warn("Reply partitions lost responseTopic={} lost={} owned={}", topic, numbers(lost), owned);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      assignmentKnown = true;
      unpositioned.addAll(assigned);
      if (owned.isEmpty() && assigned.isEmpty()) {
        ownedNothingSince = ownedNothingSince < 0 ? System.nanoTime() : ownedNothingSince;
      } else {
        ownedNothingSince = -1;
      }
      if (!assigned.isEmpty() || notReadyReason() != null) {
        LOGGER.info("Reply partitions assigned responseTopic={} assigned={} owned={}", topic, numbers(assigned), owned);
      }
      publish(); // what was assigned is not named yet, nor the fallback of requests while nothing is
      if (assigned.isEmpty() && unpositioned.isEmpty()) {
        ready();
      }
    }
  }

  private static Set<Integer> numbers(Collection<TopicPartition> partitions) {
    Set<Integer> numbers = new TreeSet<>();
    partitions.forEach(partition -> numbers.add(partition.partition()));
    return numbers;
  }
}
