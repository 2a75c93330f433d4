package io.courier.gateway.kafka;

import io.courier.gateway.error.RateLimitedLog;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeShareGroupsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the cluster, every {@value #INTERVAL_SECONDS} s on thread {@code courier-cluster-watch}, what the
 * gateway cannot learn from its own clients. Thread-safe; nothing here is on the request path but the reads
 * of what the last check found.
 *
 * <ul>
 *   <li><b>Does the cluster answer at all?</b> Readiness follows it rather than being established once:
 *       when no broker has answered for longer than the grace ({@code kafka.readiness-grace}), the gateway
 *       is not ready (its callers would only wait for time-outs); as soon as one answers, it is ready again.
 *       A blip shorter than the grace changes nothing.
 *   <li><b>Has each service a responder?</b> For each {@code responder-group} configured: whether the group
 *       has any member. A service whose group is empty is answered 503 {@code no-responders} at once.
 *       When the group cannot be described, its last known state stands (never blocking traffic on a
 *       failed check).
 *   <li><b>Is this instance's id unique?</b> Whether another member of the reply group uses this instance's
 *       client id ({@code courier-<instance-id>-replies}): two instances with one {@code instance-id} take
 *       each other's replies for unknown ones. Such an instance is not ready until the other one leaves. The
 *       reply group is described only when it may have changed: at the first check, after each change of the
 *       group the reply consumer reports ({@link #replyGroupChanged()}: its generation, or its member epoch
 *       under KIP-848, moved), every check while a duplicate is known, and every {@value
 *       #REPLY_GROUP_REFRESH_SECONDS} s otherwise. A member joins or leaves only by moving those, so an idle
 *       gateway need not ask every 2 s (docs/benchmarks.md, idle CPU).
 * </ul>
 */
public final class ClusterWatch implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(ClusterWatch.class);
  static final int INTERVAL_SECONDS = 2;
  static final int REPLY_GROUP_REFRESH_SECONDS = 30;
  private static final int CALL_TIMEOUT_MS = 5_000;

  private final Admin admin;
  private final long graceNanos;
  private final LongSupplier nanoTime;
  private final List<String> responderGroups;
  private final String replyGroup;
  private final String replyClientId;
  private final ScheduledExecutorService thread;
  private final RateLimitedLog errors = new RateLimitedLog(LOGGER, Duration.ofSeconds(30));
  /** Whether the last check of the cluster failed. */
  private volatile boolean failing;
  /** While {@link #failing}: nanoTime at which the first failed check since the last success began. */
  private volatile long failingSince;
  private volatile String lastFailure;
  private volatile Set<String> emptyGroups = Set.of();
  private volatile String duplicateId;
  /** Whether a check has ended yet, for {@link #state()}. */
  private volatile boolean checked;
  private volatile List<Member> replyGroupMembers = List.of();
  /** Set when the reply consumer sees its group change (any thread); the first check describes the group anyway. */
  private final AtomicBoolean replyGroupChanged = new AtomicBoolean(true);
  /** nanoTime of the last description of the reply group that got an answer; the watch thread's. */
  private long replyGroupDescribed;

  /**
   * What the last checks found, for the status page.
   *
   * @param answering {@code null} before the first check has ended, else whether the last one got an answer
   * @param silentMillis while not answering, how long the cluster has not answered
   * @param lastFailure the last check's error while not answering, else {@code null}
   * @param replyGroup the members of the reply group at the last check (none in static mode)
   */
  public record State(Boolean answering, long silentMillis, String lastFailure, List<Member> replyGroup) {}

  /** A member of the reply group: a gateway instance's reply consumer and the partitions it was given. */
  public record Member(String clientId, String host, List<Integer> partitions, boolean self) {}

  /**
   * @param responderGroups the services' responder groups to watch for members
   * @param replyGroup the consumer group of the gateway instances on the response topic, or {@code null}
   *     (static ownership: no group to look into)
   * @param replyClientId this instance's reply consumer's client id
   */
  public ClusterWatch(Admin admin, Duration grace, Collection<String> responderGroups, String replyGroup, String replyClientId) {
    this(admin, grace, responderGroups, replyGroup, replyClientId, System::nanoTime);
  }

  ClusterWatch(
      Admin admin, Duration grace, Collection<String> responderGroups, String replyGroup, String replyClientId, LongSupplier nanoTime) {
    this.admin = admin;
    this.graceNanos = grace.toNanos();
    this.nanoTime = nanoTime;
    this.responderGroups = List.copyOf(responderGroups);
    this.replyGroup = replyGroup;
    this.replyClientId = replyClientId;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(runnable -> {
          Thread watch = new Thread(runnable, "courier-cluster-watch");
          watch.setDaemon(true);
          return watch;
        });
  }

  public void start() {
    thread.scheduleWithFixedDelay(this::check, 0, INTERVAL_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * One round of checks; on the watch thread. Never throws: an exception would cancel every later round
   * ({@link ScheduledExecutorService#scheduleWithFixedDelay}).
   */
  void check() {
    long started = nanoTime.getAsLong();
    try {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(CALL_TIMEOUT_MS)).clusterId().get(CALL_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS);
      answered();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      // The cluster stopped answering when this check began, not when it gave up (up to 6 s later).
      failed(e.getCause() != null ? e.getCause().toString() : e.toString(), started);
      return;
    }
    try {
      checkGroups();
    } catch (RuntimeException e) {
      replyGroupChanged.set(true); // it may not have been described: at the next check, then
      errors.warn("groups-" + e.getClass().getName(), e, "Describing consumer groups failed: {}", e.toString());
    }
  }

  /**
   * The reply group changed: a member joined or left, or partitions moved. The next check describes it. Any
   * thread; the reply consumer calls it after a poll that saw the group's generation (or its member epoch) move.
   */
  public void replyGroupChanged() {
    replyGroupChanged.set(true);
  }

  /** Whether this check describes the reply group (see the class comment); the watch thread's. */
  boolean describeReplyGroupNow() {
    if (replyGroup == null) {
      return false;
    }
    boolean changed = replyGroupChanged.getAndSet(false);
    boolean due = nanoTime.getAsLong() - replyGroupDescribed >= TimeUnit.SECONDS.toNanos(REPLY_GROUP_REFRESH_SECONDS);
    return changed || duplicateId != null || due;
  }

  /** A description of the reply group got an answer now; the watch thread's. */
  void replyGroupAnswered() {
    replyGroupDescribed = nanoTime.getAsLong();
  }

  private void checkGroups() {
    Set<String> groups = new HashSet<>(responderGroups);
    boolean describeReplyGroup = describeReplyGroupNow();
    if (describeReplyGroup) {
      groups.add(replyGroup);
    }
    if (groups.isEmpty()) {
      return;
    }
    Map<String, KafkaFuture<ConsumerGroupDescription>> described =
        admin.describeConsumerGroups(groups, new DescribeConsumerGroupsOptions().timeoutMs(CALL_TIMEOUT_MS)).describedGroups();
    Set<String> empty = new HashSet<>(emptyGroups);
    for (String group : responderGroups) {
      Collection<MemberDescription> members = members(described.get(group));
      if (members != null && members.isEmpty() && shareGroupHasMembers(group)) {
        members = null; // a share-group service (KIP-932) with live members: not without responders
      }
      if (members != null) {
        boolean wasEmpty = empty.contains(group);
        if (members.isEmpty() && empty.add(group)) {
          LOGGER.warn("No responders: consumer group {} has no member; its routes answer 503 no-responders", group);
        } else if (!members.isEmpty() && empty.remove(group) && wasEmpty) {
          LOGGER.info("Responders back: consumer group {} has {} members", group, members.size());
        }
      }
    }
    emptyGroups = Set.copyOf(empty);
    if (describeReplyGroup) {
      Collection<MemberDescription> members = members(described.get(replyGroup));
      if (members == null) {
        replyGroupChanged.set(true); // no answer: ask again at the next check
      } else {
        replyGroupAnswered();
        replyGroupMembers = members.stream().map(this::member).toList();
        duplicateId = duplicate(members);
        if (duplicateId != null) {
          errors.warn("duplicate-instance-id", null, "{}", duplicateId);
        }
      }
    }
  }

  /**
   * Whether {@code group} is a share group with at least one member: a service answering in a share group
   * ({@code courier-responder}'s share-group mode) is not in any consumer group. Asked only for groups that
   * look empty as consumer groups; an error counts as no.
   */
  private boolean shareGroupHasMembers(String group) {
    try {
      return !admin.describeShareGroups(List.of(group), new DescribeShareGroupsOptions().timeoutMs(CALL_TIMEOUT_MS))
          .describedGroups().get(group).get(CALL_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS).members().isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      return false;
    }
  }

  private Member member(MemberDescription member) {
    List<Integer> partitions =
        member.assignment().topicPartitions().stream().map(partition -> partition.partition()).sorted().toList();
    return new Member(member.clientId(), member.host(), partitions, replyClientId.equals(member.clientId()));
  }

  /** The members of a described group: empty when the group does not exist, {@code null} when unknown. */
  private Collection<MemberDescription> members(KafkaFuture<ConsumerGroupDescription> description) {
    try {
      return description.get(CALL_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS).members();
    } catch (ExecutionException e) {
      return e.getCause() instanceof GroupIdNotFoundException ? List.of() : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } catch (Exception e) {
      return null;
    }
  }

  /** Why this instance's id is not unique in the reply group, or {@code null}. */
  private String duplicate(Collection<MemberDescription> members) {
    List<MemberDescription> same = members.stream().filter(member -> replyClientId.equals(member.clientId())).toList();
    if (same.size() < 2) {
      return null;
    }
    return "instance id in use twice: " + same.size() + " members of group " + replyGroup + " have client id "
        + replyClientId + " (hosts " + same.stream().map(MemberDescription::host).toList() + "); give each "
        + "instance its own instance-id";
  }

  void answered() {
    checked = true;
    if (failing) {
      LOGGER.info("Kafka answers again after {} ms", TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - failingSince));
    }
    failing = false;
  }

  /** @param checkStarted nanoTime at which the failed check began */
  void failed(String reason, long checkStarted) {
    checked = true;
    lastFailure = reason;
    if (!failing) {
      failingSince = checkStarted;
      failing = true;
      LOGGER.warn("Kafka does not answer: {}", reason);
    }
  }

  /**
   * {@code null} unless the cluster has not answered for longer than the grace, or another instance uses
   * this instance's id; then why.
   */
  public String notReadyReason() {
    String duplicate = duplicateId;
    if (duplicate != null) {
      return duplicate;
    }
    if (!failing) {
      return null;
    }
    long silent = nanoTime.getAsLong() - failingSince;
    return silent <= graceNanos
        ? null
        : "Kafka has not answered for " + TimeUnit.NANOSECONDS.toSeconds(silent) + " s: " + lastFailure;
  }

  /**
   * Whether a member of the reply group already uses this instance's client id, asked now (blocking up to
   * 5 s; on the reply consumer's thread before it joins): {@code null} when not, else why this instance
   * waits. An instance restarted at once finds its previous run there until that run's session times out.
   *
   * @throws org.apache.kafka.common.KafkaException when the group cannot be described
   */
  public String instanceIdInUse() {
    if (replyGroup == null) {
      return null;
    }
    Collection<MemberDescription> members;
    try {
      members = admin.describeConsumerGroups(List.of(replyGroup), new DescribeConsumerGroupsOptions().timeoutMs(CALL_TIMEOUT_MS))
          .describedGroups().get(replyGroup).get(CALL_TIMEOUT_MS + 1000L, TimeUnit.MILLISECONDS).members();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupIdNotFoundException) {
        return null;
      }
      throw new org.apache.kafka.common.KafkaException("cannot describe group " + replyGroup + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new org.apache.kafka.common.errors.TimeoutException("no answer describing group " + replyGroup);
    }
    for (MemberDescription member : members) {
      if (replyClientId.equals(member.clientId())) {
        return "instance id in use: a member of group " + replyGroup + " on host " + member.host() + " has client id "
            + replyClientId + " (another instance with this instance-id, or this instance's previous run until its"
            + " session times out); waiting for it to leave";
      }
    }
    return null;
  }

  /** What the last checks found; cheap, for the status page. */
  public State state() {
    if (!checked) {
      return new State(null, 0, null, replyGroupMembers);
    }
    boolean down = failing;
    return new State(
        !down, down ? TimeUnit.NANOSECONDS.toMillis(nanoTime.getAsLong() - failingSince) : 0, down ? lastFailure : null, replyGroupMembers);
  }

  /** Whether the last check found {@code group} without members. Cheap; called per request. */
  public boolean noResponders(String group) {
    return group != null && emptyGroups.contains(group);
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
