package io.courier.gateway.pending;

import io.courier.protocol.HeaderFields;
import io.courier.testing.FakeClock;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.error.GatewayError;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/**
 * Reply (consumer thread), a duplicate reply, the deadline (event loop), a produce failure (producer thread)
 * and cancellation (caller gone) race on the same id: exactly one wins, its listener is told at most once,
 * the losers are counted correctly and nothing is left waiting.
 */
class PendingRepliesRaceTest {
  private static final int IDS = 5_000;
  private static final Outcome.Replied REPLY = new Outcome.Replied(200, HeaderFields.EMPTY, new byte[0]);

  private enum Role { REPLY_1, REPLY_2, EXPIRE, FAIL, CANCEL }

  @Test
  void exactlyOneOfReplyDeadlineFailureAndCancelWinsEachRequest() throws Exception {
    // given
    FakeClock clock = new FakeClock(Instant.parse("2030-01-01T00:00:00Z"));
    PendingReplies pending = new PendingReplies("gw-1", clock, Duration.ofHours(1), IDS * 2);
    String[] ids = new String[IDS];
    RecordingListener[] listeners = new RecordingListener[IDS];
    CountDownLatch[] gates = new CountDownLatch[IDS];
    for (int i = 0; i < IDS; i++) {
      ids[i] = "gw-1.id" + i;
      listeners[i] = new RecordingListener();
      PendingRequest request = new PendingRequest(ids[i], "route", clock.instant().plusSeconds(10), listeners[i]);
      if (i % 2 == 0) {
        request.markProduced();
      }
      pending.register(request);
      gates[i] = new CountDownLatch(Role.values().length);
    }
    ReplyOutcome[] reply1 = new ReplyOutcome[IDS];
    ReplyOutcome[] reply2 = new ReplyOutcome[IDS];
    boolean[] expired = new boolean[IDS];
    boolean[] failed = new boolean[IDS];
    boolean[] cancelled = new boolean[IDS];

    // when: one thread per role goes through the ids; on each id all roles start together
    ExecutorService threads = Executors.newFixedThreadPool(Role.values().length);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (Role role : Role.values()) {
        IntConsumer action =
            switch (role) {
              case REPLY_1 -> i -> reply1[i] = pending.complete(ids[i], REPLY);
              case REPLY_2 -> i -> reply2[i] = pending.complete(ids[i], REPLY);
              case EXPIRE -> i -> expired[i] = pending.expire(ids[i]);
              case FAIL -> i -> failed[i] = pending.fail(ids[i], GatewayError.PRODUCE_FAILED, "refused");
              case CANCEL -> i -> cancelled[i] = pending.cancel(ids[i]);
            };
        workers.add(
            threads.submit(
                () -> {
                  for (int i = 0; i < IDS; i++) {
                    gates[i].countDown();
                    gates[i].await();
                    action.accept(i);
                  }
                  return null;
                }));
      }
      for (Future<?> worker : workers) {
        worker.get(60, TimeUnit.SECONDS);
      }
    } finally {
      threads.shutdownNow();
    }

    // then
    int matched = 0;
    int duplicates = 0;
    int late = 0;
    int expiries = 0;
    int failures = 0;
    int cancels = 0;
    for (int i = 0; i < IDS; i++) {
      int matchedHere = (reply1[i] == ReplyOutcome.MATCHED ? 1 : 0) + (reply2[i] == ReplyOutcome.MATCHED ? 1 : 0);
      int winners = matchedHere + (expired[i] ? 1 : 0) + (failed[i] ? 1 : 0) + (cancelled[i] ? 1 : 0);
      assertThat(winners).as("winners of %s", ids[i]).isEqualTo(1);
      List<Outcome> told = listeners[i].outcomes();
      assertThat(told).as("outcomes told for %s", ids[i]).hasSizeLessThanOrEqualTo(1);

      if (matchedHere == 1) {
        assertThat(List.of(reply1[i], reply2[i])).containsExactlyInAnyOrder(ReplyOutcome.MATCHED, ReplyOutcome.DUPLICATE);
        assertThat(told).containsExactly(REPLY);
      } else {
        assertThat(reply1[i]).as("first reply to %s", ids[i]).isEqualTo(ReplyOutcome.LATE);
        assertThat(reply2[i]).as("second reply to %s", ids[i]).isEqualTo(ReplyOutcome.LATE);
      }
      if (expired[i]) {
        GatewayError expected = i % 2 == 0 ? GatewayError.TIMEOUT : GatewayError.KAFKA_UNAVAILABLE;
        assertThat(told).singleElement().isInstanceOfSatisfying(
            Outcome.Failed.class, f -> assertThat(f.error()).isEqualTo(expected));
      }
      if (failed[i]) {
        assertThat(told).containsExactly(new Outcome.Failed(GatewayError.PRODUCE_FAILED, "refused"));
      }
      if (cancelled[i]) {
        assertThat(told).isEmpty();
      }

      for (ReplyOutcome outcome : new ReplyOutcome[] {reply1[i], reply2[i]}) {
        switch (outcome) {
          case MATCHED -> matched++;
          case DUPLICATE -> duplicates++;
          case LATE -> late++;
          default -> throw new AssertionError("unexpected " + outcome + " for " + ids[i]);
        }
      }
      expiries += expired[i] ? 1 : 0;
      failures += failed[i] ? 1 : 0;
      cancels += cancelled[i] ? 1 : 0;
    }
    assertThat(matched + expiries + failures + cancels).isEqualTo(IDS);
    assertThat(duplicates).isEqualTo(matched);
    assertThat(late).isEqualTo(2 * (IDS - matched));
    assertThat(pending.size()).isZero();
  }
}
