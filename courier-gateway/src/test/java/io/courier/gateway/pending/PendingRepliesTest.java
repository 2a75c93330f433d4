package io.courier.gateway.pending;

import io.courier.protocol.HeaderFields;
import io.courier.testing.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.courier.gateway.error.GatewayError;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PendingRepliesTest {
  private static final String INSTANCE = "gw-1";
  private static final Duration REMEMBER_FOR = Duration.ofMinutes(5);
  private static final int REMEMBER_MAX = 1000;
  private static final Outcome.Replied REPLY =
      new Outcome.Replied(200, HeaderFields.of("content-type", "text/plain"), "ok".getBytes());

  private final FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
  private PendingReplies pending = new PendingReplies(INSTANCE, clock, REMEMBER_FOR, REMEMBER_MAX);

  private RecordingListener waitFor(String correlationId) {
    RecordingListener listener = new RecordingListener();
    pending.register(new PendingRequest(correlationId, "route", clock.instant().plusSeconds(10), listener));
    return listener;
  }

  private RecordingListener waitForProduced(String correlationId) {
    RecordingListener listener = new RecordingListener();
    PendingRequest request = new PendingRequest(correlationId, "route", clock.instant().plusSeconds(10), listener);
    request.markProduced();
    pending.register(request);
    return listener;
  }

  @AfterEach
  void nothingIsLeftWaiting() {
    assertThat(pending.size()).isZero();
  }

  @Test
  void replyBeforeDeadlineIsMatchedAndHandedToTheListener() {
    // given
    RecordingListener listener = waitForProduced("gw-1.a");
    assertThat(pending.size()).isEqualTo(1);

    // when
    ReplyOutcome outcome = pending.complete("gw-1.a", REPLY);

    // then
    assertThat(outcome).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(listener.outcomes()).containsExactly(REPLY);
  }

  @Test
  void replyBeforeTheProducerAcknowledgedIsMatchedToo() {
    RecordingListener listener = waitFor("gw-1.a");

    assertThat(pending.complete("gw-1.a", REPLY)).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(listener.outcomes()).containsExactly(REPLY);
  }

  @Test
  void secondReplyIsCountedDuplicate() {
    // given
    RecordingListener listener = waitForProduced("gw-1.a");
    pending.complete("gw-1.a", REPLY);

    // when
    ReplyOutcome second = pending.complete("gw-1.a", REPLY);

    // then
    assertThat(second).isEqualTo(ReplyOutcome.DUPLICATE);
    assertThat(listener.outcomes()).hasSize(1);
  }

  @Test
  void deadlineAfterReplyChangesNothing() {
    RecordingListener listener = waitForProduced("gw-1.a");
    pending.complete("gw-1.a", REPLY);

    assertThat(pending.expire("gw-1.a")).isFalse();
    assertThat(pending.cancel("gw-1.a")).isFalse();
    assertThat(pending.fail("gw-1.a", GatewayError.PRODUCE_FAILED, "late failure")).isFalse();
    assertThat(listener.outcomes()).containsExactly(REPLY);
  }

  @Test
  void replyAfterDeadlineIsCountedLate() {
    // given
    RecordingListener listener = waitForProduced("gw-1.a");

    // when
    boolean expired = pending.expire("gw-1.a");
    ReplyOutcome reply = pending.complete("gw-1.a", REPLY);

    // then
    assertThat(expired).isTrue();
    assertThat(reply).isEqualTo(ReplyOutcome.LATE);
    assertThat(listener.outcomes()).singleElement().isInstanceOfSatisfying(
        Outcome.Failed.class, failed -> assertThat(failed.error()).isEqualTo(GatewayError.TIMEOUT));
  }

  @Test
  void deadlineBeforeKafkaAcknowledgedIsKafkaUnavailable() {
    // given: markProduced() never called
    RecordingListener listener = waitFor("gw-1.a");

    // when
    boolean expired = pending.expire("gw-1.a");

    // then
    assertThat(expired).isTrue();
    assertThat(pending.complete("gw-1.a", REPLY)).isEqualTo(ReplyOutcome.LATE);
    assertThat(listener.outcomes()).singleElement().isInstanceOfSatisfying(
        Outcome.Failed.class, failed -> assertThat(failed.error()).isEqualTo(GatewayError.KAFKA_UNAVAILABLE));
  }

  @Test
  void secondExpiryDoesNothing() {
    RecordingListener listener = waitForProduced("gw-1.a");
    pending.expire("gw-1.a");

    assertThat(pending.expire("gw-1.a")).isFalse();
    assertThat(listener.outcomes()).hasSize(1);
  }

  @Test
  void replyAfterCancelIsLateAndNobodyIsTold() {
    // given
    RecordingListener listener = waitForProduced("gw-1.a");

    // when
    boolean cancelled = pending.cancel("gw-1.a");
    ReplyOutcome reply = pending.complete("gw-1.a", REPLY);

    // then
    assertThat(cancelled).isTrue();
    assertThat(reply).isEqualTo(ReplyOutcome.LATE);
    assertThat(pending.expire("gw-1.a")).isFalse();
    assertThat(pending.cancel("gw-1.a")).isFalse();
    assertThat(listener.outcomes()).isEmpty();
  }

  @Test
  void produceFailureIsHandedToTheListener() {
    // given
    RecordingListener listener = waitFor("gw-1.a");

    // when
    boolean failed = pending.fail("gw-1.a", GatewayError.PRODUCE_FAILED, "topic authorization failed");

    // then
    assertThat(failed).isTrue();
    assertThat(listener.outcomes())
        .containsExactly(new Outcome.Failed(GatewayError.PRODUCE_FAILED, "topic authorization failed"));
    assertThat(pending.expire("gw-1.a")).isFalse();
    assertThat(pending.complete("gw-1.a", REPLY)).isEqualTo(ReplyOutcome.LATE);
    assertThat(listener.outcomes()).hasSize(1);
  }

  @Test
  void replyToAnIdNeverIssuedIsUnknown() {
    assertThat(pending.complete("gw-1.never", REPLY)).isEqualTo(ReplyOutcome.UNKNOWN);
  }

  @Test
  void replyToAnIdThatIsNotCouriersIsUnknown() {
    assertThat(pending.complete("3f2a9c", REPLY)).isEqualTo(ReplyOutcome.UNKNOWN);
    assertThat(pending.complete("not an id.x", REPLY)).isEqualTo(ReplyOutcome.UNKNOWN);
  }

  @Test
  void replyToAnotherInstancesIdIsForeign() {
    assertThat(pending.complete("other-gw.AAAAAAAAAAAAAAAAAAAAAA", REPLY)).isEqualTo(ReplyOutcome.FOREIGN);
  }

  @Test
  void actionsOnAnIdNeverIssuedDoNothing() {
    assertThat(pending.expire("gw-1.never")).isFalse();
    assertThat(pending.cancel("gw-1.never")).isFalse();
    assertThat(pending.fail("gw-1.never", GatewayError.PRODUCE_FAILED, "x")).isFalse();
  }

  @Test
  void idRegisteredTwiceIsRefused() {
    RecordingListener first = waitFor("gw-1.a");

    assertThatIllegalStateException().isThrownBy(() -> waitFor("gw-1.a")).withMessageContaining("gw-1.a");

    // the first registration is untouched
    assertThat(pending.complete("gw-1.a", REPLY)).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(first.outcomes()).containsExactly(REPLY);
  }

  @Test
  void finishedIdsAreForgottenOnceRetentionHasPassed() {
    // given: a request answered at t0
    waitFor("gw-1.old");
    pending.complete("gw-1.old", REPLY);

    // when: just before the retention ends, another request finishes
    clock.advance(REMEMBER_FOR.minusMillis(1));
    waitFor("gw-1.b");
    pending.cancel("gw-1.b");

    // then: the old id is still known
    assertThat(pending.complete("gw-1.old", REPLY)).isEqualTo(ReplyOutcome.DUPLICATE);

    // when: the retention has passed and another request finishes
    clock.advance(Duration.ofMillis(1));
    waitFor("gw-1.c");
    pending.cancel("gw-1.c");

    // then: the old id is forgotten, the recent ones are not
    assertThat(pending.complete("gw-1.old", REPLY)).isEqualTo(ReplyOutcome.UNKNOWN);
    assertThat(pending.complete("gw-1.b", REPLY)).isEqualTo(ReplyOutcome.LATE);
    assertThat(pending.complete("gw-1.c", REPLY)).isEqualTo(ReplyOutcome.LATE);
  }

  @Test
  void forgottenIdOfAnotherInstanceIsStillForeign() {
    assertThat(pending.complete("gw-2.x", REPLY)).isEqualTo(ReplyOutcome.FOREIGN);
  }

  @Test
  void oldestFinishedIdsAreForgottenBeyondTheMaximumCount() {
    // given
    pending = new PendingReplies(INSTANCE, clock, REMEMBER_FOR, 2);

    // when
    for (String id : new String[] {"gw-1.a", "gw-1.b", "gw-1.c"}) {
      waitFor(id);
      pending.expire(id);
    }

    // then
    assertThat(pending.complete("gw-1.a", REPLY)).isEqualTo(ReplyOutcome.UNKNOWN);
    assertThat(pending.complete("gw-1.b", REPLY)).isEqualTo(ReplyOutcome.LATE);
    assertThat(pending.complete("gw-1.c", REPLY)).isEqualTo(ReplyOutcome.LATE);
  }

  @Test
  void waitingRequestsAreNeverForgotten() {
    // given: a tiny memory, and a request that waits longer than the retention
    pending = new PendingReplies(INSTANCE, clock, Duration.ofSeconds(1), 1);
    RecordingListener slow = waitFor("gw-1.slow");

    // when: many others finish meanwhile
    for (int i = 0; i < 10; i++) {
      clock.advance(Duration.ofSeconds(1));
      waitFor("gw-1.other" + i);
      pending.cancel("gw-1.other" + i);
    }

    // then
    assertThat(pending.size()).isEqualTo(1);
    assertThat(pending.complete("gw-1.slow", REPLY)).isEqualTo(ReplyOutcome.MATCHED);
    assertThat(slow.outcomes()).containsExactly(REPLY);
  }

  @Test
  void sizeCountsOnlyWaitingRequests() {
    waitFor("gw-1.a");
    waitFor("gw-1.b");
    waitFor("gw-1.c");
    waitFor("gw-1.d");
    assertThat(pending.size()).isEqualTo(4);

    pending.complete("gw-1.a", REPLY);
    pending.expire("gw-1.b");
    pending.cancel("gw-1.c");
    pending.fail("gw-1.d", GatewayError.KAFKA_UNAVAILABLE, "x");
  }

  @Test
  void aRequestThatTakesOneReplyIsAnsweredByRecordZeroOfAStreamAndCountsTheRestDuplicates() {
    RecordingListener item = waitForProduced("gw-1.a");
    RecordingListener empty = waitForProduced("gw-1.b");
    byte[] problem = "{\"status\":404}".getBytes();

    // record 2 before record 0 (which was lost, say): not the answer
    assertThat(pending.stream("gw-1.a", new StreamRecord(2, -1, HeaderFields.EMPTY, "{\"n\":2}".getBytes())))
        .isEqualTo(ReplyOutcome.DUPLICATE);
    assertThat(item.outcomes()).isEmpty();
    assertThat(pending.stream("gw-1.a", new StreamRecord(0, -1, HeaderFields.EMPTY, "{\"n\":0}".getBytes())))
        .isEqualTo(ReplyOutcome.MATCHED);
    // an empty stream's end marker answers with its own status and problem, not 200
    assertThat(pending.stream("gw-1.b", new StreamRecord(0, 404, HeaderFields.EMPTY, problem))).isEqualTo(ReplyOutcome.MATCHED);

    assertThat(item.outcomes()).singleElement().satisfies(o -> {
      assertThat(((Outcome.Replied) o).status()).isEqualTo(200);
      assertThat(new String(((Outcome.Replied) o).body())).isEqualTo("{\"n\":0}");
    });
    assertThat(empty.outcomes()).singleElement().satisfies(o -> {
      assertThat(((Outcome.Replied) o).status()).isEqualTo(404);
      assertThat(((Outcome.Replied) o).body()).isEqualTo(problem);
    });
  }

  @Test
  void anUnreadableStreamRecordForARequestThatTakesOneReplyIsABadReply() {
    RecordingListener listener = waitForProduced("gw-1.a");

    assertThat(pending.failUnreadableStreamRecord("gw-1.a")).isTrue();

    assertThat(listener.outcomes()).singleElement()
        .satisfies(o -> assertThat(((Outcome.Failed) o).error()).isEqualTo(GatewayError.BAD_REPLY));
  }
}
