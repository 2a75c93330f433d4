package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.lang.reflect.Proxy;
import java.util.List;
import java.lang.reflect.Constructor;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.Test;

/** Readiness follows the cluster: not ready once it has been silent longer than the grace, ready when it answers. */
class ClusterWatchTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final ClusterWatch watch = new ClusterWatch(null, Duration.ofSeconds(10), java.util.List.of(), null, "courier-gw-replies", now::get);

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void aClusterThatAnswersIsReady() {
    watch.answered();

    assertThat(watch.notReadyReason()).isNull();
  }

  @Test
  void silenceWithinTheGraceChangesNothing() {
    watch.failed("TimeoutException: no broker", now.get());
    advance(Duration.ofSeconds(10));

    assertThat(watch.notReadyReason()).isNull();
  }

  @Test
  void silenceLongerThanTheGraceIsNotReadyAndSaysWhy() {
    watch.failed("TimeoutException: no broker", now.get());
    advance(Duration.ofSeconds(6));
    watch.failed("TimeoutException: still no broker", now.get());
    advance(Duration.ofSeconds(5));

    assertThat(watch.notReadyReason()).isEqualTo("Kafka has not answered for 11 s: TimeoutException: still no broker");
  }

  @Test
  void theFirstAnswerAfterSilenceIsReadyAgainAndTheGraceStartsOver() {
    watch.failed("down", now.get());
    advance(Duration.ofSeconds(30));
    watch.answered();
    assertThat(watch.notReadyReason()).isNull();

    watch.failed("down again", now.get());
    advance(Duration.ofSeconds(9));
    assertThat(watch.notReadyReason()).isNull();
  }

  @Test
  void silenceCountsFromWhenTheFailedCheckBeganNotWhenItGaveUp() {
    long checkStarted = now.get();
    advance(Duration.ofSeconds(6)); // a check gives up after its 6 s time-out
    watch.failed("TimeoutException: no broker", checkStarted);
    advance(Duration.ofSeconds(5));

    assertThat(watch.notReadyReason()).startsWith("Kafka has not answered for 11 s");
  }

  @Test
  void aCheckThatThrowsDoesNotStopTheChecks() {
    // an Admin every call of which throws: a fault that must not end the scheduled checks
    Admin broken =
        (Admin) Proxy.newProxyInstance(
            Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
              throw new IllegalStateException("admin client closed");
            });
    ClusterWatch watching = new ClusterWatch(broken, Duration.ofSeconds(10), List.of("svc"), "courier-gw", "courier-gw-replies", now::get);

    watching.check();
    advance(Duration.ofSeconds(11));
    watching.check();

    assertThat(watching.notReadyReason()).contains("admin client closed");
  }

  @Test
  void theReplyGroupIsDescribedFirstThenAfterEachRebalanceAndEveryThirtySeconds() {
    ClusterWatch watching = new ClusterWatch(null, Duration.ofSeconds(10), List.of(), "courier-gw", "courier-gw-replies", now::get);

    assertThat(watching.describeReplyGroupNow()).as("the first check").isTrue();
    watching.replyGroupAnswered();
    advance(Duration.ofSeconds(2));
    assertThat(watching.describeReplyGroupNow()).as("nothing changed since").isFalse();

    watching.replyGroupChanged();
    assertThat(watching.describeReplyGroupNow()).as("after a rebalance").isTrue();
    watching.replyGroupAnswered();
    assertThat(watching.describeReplyGroupNow()).as("once").isFalse();

    advance(Duration.ofSeconds(29));
    assertThat(watching.describeReplyGroupNow()).isFalse();
    advance(Duration.ofSeconds(1));
    assertThat(watching.describeReplyGroupNow()).as("30 s after the last answer, whatever happened").isTrue();
  }

  @Test
  void withoutAReplyGroupNoneIsDescribed() {
    watch.replyGroupChanged();

    assertThat(watch.describeReplyGroupNow()).isFalse();
  }

  @Test
  void eachCheckDescribesTheReplyGroupOnlyWhenItMayHaveChangedAndAgainAfterNoAnswer() {
    List<Set<String>> described = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.concurrent.atomic.AtomicBoolean groupAnswers = new java.util.concurrent.atomic.AtomicBoolean(true);
    Admin admin =
        (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class}, (proxy, method, args) -> {
          if (method.getName().equals("describeCluster")) {
            return answeringCluster();
          }
          if (method.getName().equals("describeConsumerGroups")) {
            @SuppressWarnings("unchecked")
            Set<String> groups = Set.copyOf((java.util.Collection<String>) args[0]);
            described.add(groups);
            KafkaFutureImpl<ConsumerGroupDescription> future = new KafkaFutureImpl<>();
            // a group nobody has joined is described as not found; no answer at all is a time-out
            future.completeExceptionally(groupAnswers.get() ? new GroupIdNotFoundException("none") : new TimeoutException("no answer"));
            return new DescribeConsumerGroupsResult(Map.of(groups.iterator().next(), future));
          }
          throw new UnsupportedOperationException(method.getName());
        });
    ClusterWatch watching = new ClusterWatch(admin, Duration.ofSeconds(10), List.of(), "courier-gw", "courier-gw-replies", now::get);

    watching.check(); // the first check
    advance(Duration.ofSeconds(2));
    watching.check(); // nothing changed
    watching.replyGroupChanged();
    advance(Duration.ofSeconds(2));
    groupAnswers.set(false);
    watching.check(); // changed, but no answer
    advance(Duration.ofSeconds(2));
    groupAnswers.set(true);
    watching.check(); // so asked again
    advance(Duration.ofSeconds(2));
    watching.check(); // answered: not again

    assertThat(described).containsExactly(Set.of("courier-gw"), Set.of("courier-gw"), Set.of("courier-gw"));
  }

  /** A {@code describeCluster} answer; its constructor is Kafka's own. */
  private static DescribeClusterResult answeringCluster() throws ReflectiveOperationException {
    Constructor<DescribeClusterResult> answer =
        DescribeClusterResult.class.getDeclaredConstructor(KafkaFuture.class, KafkaFuture.class, KafkaFuture.class, KafkaFuture.class);
    answer.setAccessible(true);
    return answer.newInstance(
        KafkaFuture.completedFuture(List.of()), KafkaFuture.completedFuture(null), KafkaFuture.completedFuture("cluster"),
        KafkaFuture.completedFuture(Set.of()));
  }
}

