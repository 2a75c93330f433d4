package io.courier.responder;

import static io.courier.responder.RequestReplyTopics.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.testing.ChildJvm;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ShareGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Share-group responders (KIP-932) against a real in-process broker: more instances than partitions, each
 * record acknowledged by what became of its request, redelivery after a crash, expiry and idempotency.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ShareGroupResponderIT {
  private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
  /** Short enough that a dead instance's records come back within a test's deadlines. */
  private static final int LOCK_MS = 2_000;

  private final EmbeddedKafka kafka;
  private final List<Responder> responders = new ArrayList<>();
  private RequestReplyTopics topics;
  private String groupId;

  ShareGroupResponderIT(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  @BeforeEach
  void createTopics() {
    int n = TEST_NUMBER.incrementAndGet();
    topics = new RequestReplyTopics(kafka, "share-it-" + n, 3, 3);
    groupId = "share-it-service-" + n;
    // Members learn their assignment at their next heartbeat (5 s by default): each of six joining one after
    // the other would wait for it. Half a second keeps the tests about waiting for the group short.
    setGroupConfig("share.heartbeat.interval.ms", "500");
  }

  @AfterEach
  void closeEverything() {
    responders.forEach(Responder::close);
    topics.close();
    responders.forEach(responder -> assertThat(responder.isRunning()).isFalse());
  }

  @Test
  void sixInstancesOnThreePartitionsAllWorkAndAnswerEveryRequestExactlyOnce() {
    // Given six instances, twice the partition count, each working on one slow request at a time
    Map<Integer, AtomicInteger> handledBy = new ConcurrentHashMap<>();
    Executor slow = CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS);
    for (int i = 0; i < 6; i++) {
      AtomicInteger handled = handledBy.computeIfAbsent(i, k -> new AtomicInteger());
      start(Responder.builder().maxInFlight(1).handler(request -> CompletableFuture.supplyAsync(() -> {
        handled.incrementAndGet();
        return Reply.ok("{\"id\":\"" + request.correlationId() + "\"}");
      }, slow)));
    }

    awaitAssignedMembers(6);

    // When 48 requests arrive
    Instant deadline = Instant.now().plusSeconds(60);
    IntStream.range(0, 48).forEach(i -> topics.send(topics.request("c-" + i, deadline), "order-" + i));

    // Then each is answered once, on its first delivery, and every instance did some of the work
    List<ConsumerRecord<String, byte[]>> replies = topics.awaitReplies(48);
    assertThat(replies).extracting(reply -> header(reply, HeaderNames.CORRELATION_ID))
        .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 48).mapToObj(i -> "c-" + i).toList());
    assertThat(replies).allSatisfy(reply -> assertThat(header(reply, HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("1"));
    assertThat(handledBy.values()).allSatisfy(handled -> assertThat(handled.get()).isPositive());
    assertThat(responders.stream().mapToLong(r -> r.stats().answered()).sum()).isEqualTo(48);
  }

  @Test
  void aSlowRequestHoldsUpOnlyItsOwnInstance() {
    // Given six instances on three partitions, and one of them busy with a request that never ends
    CompletableFuture<Reply> never = new CompletableFuture<>();
    for (int i = 0; i < 6; i++) {
      start(Responder.builder().maxInFlight(1).handler(request ->
          request.correlationId().equals("slow") ? never : CompletableFuture.completedFuture(Reply.ok("{}"))));
    }
    awaitAssignedMembers(6);
    topics.send(topics.request("slow", Instant.now().plusSeconds(60)), "k");

    // When more requests come, to every partition
    IntStream.range(0, 6).forEach(i -> topics.send(topics.request("fast-" + i, Instant.now().plusSeconds(60)), "k" + i));

    // Then the other instances answer them, on its partition too, while the slow one is still in the handler
    assertThat(topics.awaitReplies(6)).extracting(r -> header(r, HeaderNames.CORRELATION_ID))
        .containsExactlyInAnyOrder("fast-0", "fast-1", "fast-2", "fast-3", "fast-4", "fast-5");
    never.complete(Reply.status(204));
  }

  @Test
  void anExpiredRecordIsAcceptedWithoutRunningTheHandler() {
    AtomicInteger calls = new AtomicInteger();
    Responder responder = start(Responder.builder().syncHandler(request -> {
      calls.incrementAndGet();
      return Reply.status(204);
    }));

    topics.send(topics.request("expired", Instant.now().minusSeconds(1)), "k");
    topics.send(topics.request("live", Instant.now().plusSeconds(60)), "k");

    assertThat(topics.awaitReplies(1)).extracting(r -> header(r, HeaderNames.CORRELATION_ID)).containsExactly("live");
    await().untilAsserted(() -> assertThat(responder.stats().expired()).isEqualTo(1));
    assertThat(calls).hasValue(1);
    // accepted, not released: it is never delivered again
    assertThat(topics.repliesAfter(Duration.ofMillis(LOCK_MS + 1000))).hasSize(1);
    assertThat(responder.stats().redelivered()).isZero();
  }

  @Test
  void aTransientFailureIsRedeliveredAndAPermanentOneIsAnsweredAtOnce() {
    Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    Responder responder = start(Responder.builder().syncHandler(request -> {
      attempts.computeIfAbsent(request.correlationId(), id -> new AtomicInteger()).incrementAndGet();
      if (request.correlationId().equals("permanent")) {
        throw new IllegalArgumentException("no such product");
      }
      if (request.deliveryAttempt() == 1) {
        throw new RetryableException("stock service restarting");
      }
      return Reply.ok("{}");
    }));

    topics.send(topics.request("transient", Instant.now().plusSeconds(60)), "k");
    topics.send(topics.request("permanent", Instant.now().plusSeconds(60)), "k");

    List<ConsumerRecord<String, byte[]>> replies = topics.awaitReplies(2);
    ConsumerRecord<String, byte[]> retried = reply(replies, "transient");
    assertThat(header(retried, HeaderNames.STATUS)).isEqualTo("200");
    assertThat(header(retried, HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("2");
    ConsumerRecord<String, byte[]> failed = reply(replies, "permanent");
    assertThat(header(failed, HeaderNames.STATUS)).isEqualTo("500");
    assertThat(header(failed, HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("1");
    // rejected: never delivered again
    assertThat(topics.repliesAfter(Duration.ofMillis(LOCK_MS + 1000))).hasSize(2);
    assertThat(attempts.get("permanent")).hasValue(1);
    assertThat(attempts.get("transient")).hasValue(2);
    assertThat(responder.stats()).satisfies(stats -> {
      assertThat(stats.released()).isEqualTo(1);
      assertThat(stats.redelivered()).isEqualTo(1);
      assertThat(stats.failed()).isEqualTo(1);
    });
  }

  @Test
  void aKilledInstancesRecordsAreAnsweredByAnotherWithinTheirDeadlineOrNotAtAll() throws Exception {
    // Given instances in a process of their own, two per partition, holding two requests when it dies, one
    // of them already past its deadline (a short session, so that the dead members' partitions pass to the
    // survivor in seconds: their records are released as soon as their connections close). Two per partition:
    // a member holding a record it has not settled polls no more, so with one member owning both partitions
    // the second record would wait for it.
    setGroupConfig("share.heartbeat.interval.ms", "500");
    setGroupConfig("share.session.timeout.ms", "4000");
    Instant roomy = Instant.now().plusSeconds(30);
    try (ChildJvm child =
        ChildJvm.start(ShareResponderChild.class, kafka.bootstrapServers(), topics.requestTopic, groupId, "6")) {
      awaitAssignedMembers(6);
      topics.send(topics.request("roomy", roomy), 0, "k1");
      Instant shortDeadline = Instant.now().plusSeconds(2);
      topics.send(topics.request("short", shortDeadline), 1, "k2");
      await().atMost(Duration.ofSeconds(45)).until(() -> {
        String log = Files.readString(child.log());
        return log.contains("TOOK roomy") && log.contains("TOOK short");
      });
      await().until(() -> Instant.now().isAfter(shortDeadline));
      child.kill();
    }

    // When another instance joins
    AtomicInteger handled = new AtomicInteger();
    Responder survivor = start(Responder.builder().syncHandler(request -> {
      handled.incrementAndGet();
      return Reply.ok("{}");
    }));

    // Then the request with time left is answered on a later delivery, before its deadline; the other,
    // given up on and accepted by the dying instance at its deadline (never renewed past it), is not
    // delivered again
    ConsumerRecord<String, byte[]> reply = topics.awaitReplies(1).get(0);
    assertThat(header(reply, HeaderNames.CORRELATION_ID)).isEqualTo("roomy");
    // 2, or more when the group's members moved the partition between themselves before the process died
    assertThat(Integer.parseInt(header(reply, HeaderNames.DELIVERY_ATTEMPT))).isGreaterThanOrEqualTo(2);
    assertThat(Instant.ofEpochMilli(reply.timestamp())).isBefore(roomy);
    assertThat(topics.repliesAfter(Duration.ofSeconds(2))).hasSize(1);
    assertThat(handled).hasValue(1);
    assertThat(survivor.stats().redelivered()).isEqualTo(1);
  }

  @Test
  void workLongerThanTheLockRenewsItAndIsDeliveredOnce() {
    setGroupConfig("share.record.lock.duration.ms", Integer.toString(LOCK_MS));
    AtomicInteger runs = new AtomicInteger();
    Executor slow = CompletableFuture.delayedExecutor(LOCK_MS * 5L / 2, TimeUnit.MILLISECONDS);
    Responder responder = start(Responder.builder().handler(request -> {
      runs.incrementAndGet();
      return CompletableFuture.supplyAsync(() -> Reply.ok("{}"), slow);
    }));

    topics.send(topics.request("long", Instant.now().plusSeconds(30)), "k");

    ConsumerRecord<String, byte[]> reply = topics.awaitReplies(1).get(0);
    assertThat(header(reply, HeaderNames.DELIVERY_ATTEMPT)).isEqualTo("1");
    assertThat(topics.repliesAfter(Duration.ofMillis(LOCK_MS + 1000))).hasSize(1);
    assertThat(runs).hasValue(1);
    assertThat(responder.stats().redelivered()).isZero();
  }

  @Test
  void aRedeliveryOfAKeyedRequestStillInTheHandlerDoesNotRunItTwice() {
    // Given a group whose locks cannot be renewed, so a handler slower than the lock sees its record again
    setGroupConfig("share.record.lock.duration.ms", Integer.toString(LOCK_MS));
    setGroupConfig("share.renew.acknowledge.enable", "false");
    AtomicInteger runs = new AtomicInteger();
    Executor slow = CompletableFuture.delayedExecutor(LOCK_MS * 3L / 2, TimeUnit.MILLISECONDS);
    Responder responder = start(Responder.builder().handler(request -> CompletableFuture.supplyAsync(() -> {
      runs.incrementAndGet();
      return Reply.ok("{\"order\":42}");
    }, slow)));

    // When a request with an idempotency key is delivered twice
    topics.send(topics.request("keyed", Instant.now().plusSeconds(30)).toBuilder()
        .headers(HeaderFields.of(HeaderNames.IDEMPOTENCY_KEY, "order-42")).build(), "k");

    // Then the handler ran once; the redelivery was answered with the same reply, and counted
    List<ConsumerRecord<String, byte[]>> replies = topics.awaitReplies(2);
    assertThat(replies).extracting(r -> new String(r.value())).containsOnly("{\"order\":42}");
    assertThat(replies).extracting(r -> header(r, HeaderNames.DELIVERY_ATTEMPT)).contains("1", "2").doesNotHaveDuplicates();
    assertThat(runs).hasValue(1);
    await().untilAsserted(() -> {
      assertThat(responder.stats().redelivered()).isEqualTo(replies.size() - 1);
      assertThat(responder.stats().replayed()).isEqualTo(replies.size() - 1);
    });
  }

  /** Waits until the group has {@code count} members with partitions: all of them take part from then on. */
  private void awaitAssignedMembers(int count) {
    await().atMost(RequestReplyTopics.REPLY_WAIT).until(() -> {
      ShareGroupDescription group = kafka.admin().describeShareGroups(List.of(groupId)).all().get().get(groupId);
      return group.members().stream().filter(member -> !member.assignment().topicPartitions().isEmpty()).count() == count;
    });
  }

  private static ConsumerRecord<String, byte[]> reply(List<ConsumerRecord<String, byte[]>> replies, String correlationId) {
    return replies.stream().filter(r -> correlationId.equals(header(r, HeaderNames.CORRELATION_ID))).findFirst().orElseThrow();
  }

  private void setGroupConfig(String name, String value) {
    try {
      kafka.admin().incrementalAlterConfigs(Map.of(
          new ConfigResource(ConfigResource.Type.GROUP, groupId),
          List.of(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET)))).all().get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot set " + name + " of group " + groupId, e);
    }
  }

  private Responder start(Responder.Builder builder) {
    Responder responder = builder
        .bootstrapServers(kafka.bootstrapServers())
        .requestTopic(topics.requestTopic)
        .groupId(groupId)
        .groupType(GroupType.SHARE)
        .shutdownTimeout(Duration.ofSeconds(5))
        .build();
    responders.add(responder);
    responder.start();
    await().atMost(RequestReplyTopics.REPLY_WAIT).until(responder::isRunning);
    return responder;
  }
}
