package io.courier.gateway.pending;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.courier.gateway.pending.PendingRequest.State;
import java.lang.management.ManagementFactory;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The memory of finished ids: what it tells, what it forgets and when, against a plain model; times in ms. Ids
 * are made as the gateway makes them ({@code <instance>.<22 characters of base64url>}), from a seeded random, so
 * that a failure can be replayed. A broken index could make a probe loop spin: hence the time-out.
 */
@Timeout(20)
class FinishedIdsTest {
  private static final State[] ENDS = {State.ANSWERED, State.EXPIRED, State.FAILED, State.CANCELLED};

  private static String id(Random random) {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return "gw-1." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  @Test
  void aRememberedIdTellsHowItEndedAndAnotherIsNotKnown() {
    FinishedIds finished = new FinishedIds(10, 1_000);

    finished.remember("gw-1.a", State.ANSWERED, 0);
    finished.remember("gw-1.b", State.EXPIRED, 0);

    assertThat(finished.stateOf("gw-1.a", 1)).isEqualTo(State.ANSWERED);
    assertThat(finished.stateOf("gw-1.b", 1)).isEqualTo(State.EXPIRED);
    assertThat(finished.stateOf("gw-1.c", 1)).isNull();
    assertThat(finished.size()).isEqualTo(2);
  }

  @Test
  void anIdIsForgottenOnceItsTimeHasPassed() {
    FinishedIds finished = new FinishedIds(10, 1_000);
    finished.remember("gw-1.a", State.ANSWERED, 0);
    finished.remember("gw-1.b", State.CANCELLED, 500);

    assertThat(finished.stateOf("gw-1.a", 999)).isEqualTo(State.ANSWERED);
    assertThat(finished.stateOf("gw-1.a", 1_000)).isNull();
    assertThat(finished.stateOf("gw-1.b", 1_000)).isEqualTo(State.CANCELLED);
    assertThat(finished.stateOf("gw-1.b", 1_500)).isNull();
    assertThat(finished.size()).isZero();
  }

  @Test
  void theOldestIdsAreForgottenBeyondTheCapacity() {
    FinishedIds finished = new FinishedIds(3, 60_000);
    for (String id : List.of("gw-1.a", "gw-1.b", "gw-1.c", "gw-1.d")) {
      finished.remember(id, State.ANSWERED, 0);
    }

    assertThat(finished.stateOf("gw-1.a", 0)).isNull();
    assertThat(finished.stateOf("gw-1.b", 0)).isEqualTo(State.ANSWERED);
    assertThat(finished.stateOf("gw-1.d", 0)).isEqualTo(State.ANSWERED);
    assertThat(finished.size()).isEqualTo(3);
  }

  @Test
  void aCallAfterALongQuietSpellForgetsAFewIdsAndIgnoresTheOthersPastTheirTime() {
    FinishedIds finished = new FinishedIds(1_000, 1_000);
    Random random = new Random(7);
    List<String> early = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      early.add(id(random));
      finished.remember(early.get(i), State.ANSWERED, 0);
    }

    // Long after all of them are past their time, one lookup does not forget all thousand under the lock
    assertThat(finished.stateOf(early.get(999), 5_000)).isNull();
    assertThat(finished.size()).isGreaterThan(900);
    // but none of them is told any more, and the later calls forget them
    assertThat(early).allSatisfy(id -> assertThat(finished.stateOf(id, 5_000)).isNull());
    for (int i = 0; i < 100; i++) {
      finished.remember(id(random), State.EXPIRED, 5_000);
    }
    assertThat(finished.size()).isEqualTo(100);
  }

  @Test
  void anIdRememberedForEverIsNotForgottenByAnOverflow() {
    FinishedIds finished = new FinishedIds(10, Long.MAX_VALUE);

    finished.remember("gw-1.a", State.ANSWERED, 1_000);

    assertThat(finished.stateOf("gw-1.a", 1_000_000_000_000L)).isEqualTo(State.ANSWERED);
  }

  @Test
  void aCapacityOrTimeOutsideItsRangeIsRefused() {
    assertThatThrownBy(() -> new FinishedIds(0, 1_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FinishedIds((1 << 24) + 1, 1_000)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new FinishedIds(10, -1)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Many more ids than it holds, finishing at an uneven pace, so that the ring wraps many times and ids are
   * forgotten by count and by time from the middle of probe runs: after each step it tells exactly what a
   * plain map with a queue tells, for ids it holds, ids it forgot and ids it never saw.
   */
  @Test
  void itTellsWhatAPlainModelTellsThroughManyWrapsAndForgettings() {
    int capacity = 500;
    long rememberFor = 2_000;
    FinishedIds finished = new FinishedIds(capacity, rememberFor);
    Map<String, State> model = new HashMap<>();
    Deque<String> order = new ArrayDeque<>();
    Map<String, Long> forgetAt = new HashMap<>();
    Random random = new Random(42);
    List<String> seen = new ArrayList<>();
    long now = 0;

    for (int step = 0; step < 50_000; step++) {
      now += random.nextInt(10); // between 0 and 9 ms apart: sometimes the count binds, sometimes the time
      String id = id(random);
      State end = ENDS[random.nextInt(ENDS.length)];
      finished.remember(id, end, now);
      seen.add(id);
      model.put(id, end);
      order.addLast(id);
      forgetAt.put(id, now + rememberFor);
      while (!order.isEmpty() && (order.size() > capacity || forgetAt.get(order.peekFirst()) <= now)) {
        model.remove(order.pollFirst());
      }

      for (int probe = 0; probe < 3; probe++) {
        String asked = seen.get(seen.size() - 1 - random.nextInt(Math.min(seen.size(), 3 * capacity)));
        assertThat(finished.stateOf(asked, now)).as("step %d, id %s", step, asked).isEqualTo(model.get(asked));
      }
      assertThat(finished.stateOf(id(random), now)).isNull();
    }
    assertThat(finished.size()).isGreaterThanOrEqualTo(model.size()); // some past their time may not be forgotten yet
  }

  @Test
  void rememberingAnIdAllocatesNothing() {
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    assumeTrue(threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled(), "no allocation counts here");
    FinishedIds finished = new FinishedIds(1_000, 60_000);
    Random random = new Random(3);
    String[] made = new String[10_000];
    for (int i = 0; i < made.length; i++) {
      made[i] = id(random);
    }
    for (String id : made) { // once through first, so that nothing below is a first-time cost
      finished.remember(id, State.ANSWERED, 0);
    }
    long before = threads.getThreadAllocatedBytes(Thread.currentThread().getId());

    for (int round = 0; round < 10; round++) {
      for (String id : made) {
        finished.remember(id, State.ANSWERED, round);
      }
    }

    long allocated = threads.getThreadAllocatedBytes(Thread.currentThread().getId()) - before;
    // 100 000 ids remembered; as objects that was 104 bytes allocated for each (10 MB), and the id's string held.
    // The bound leaves room for the bean's own call and the JIT's odd object, not for anything per id.
    assertThat(allocated).as("bytes allocated remembering 100 000 ids").isLessThan(64 * 1024);
  }
}
