package io.courier.responder.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The shared timer: a task that blocks (a 504 reply sent while Kafka is away) holds up no other deadline. */
class HandlerTimerTest {
  @Test
  void aTaskThatBlocksDoesNotDelayTheNextOne() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch secondRan = new CountDownLatch(1);
    try {
      HandlerTimer.SHARED.schedule(Duration.ofMillis(10), () -> {
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      HandlerTimer.SHARED.schedule(Duration.ofMillis(50), secondRan::countDown);

      assertThat(secondRan.await(10, TimeUnit.SECONDS)).as("the second deadline ran while the first task blocked").isTrue();
    } finally {
      release.countDown();
    }
  }

  @Test
  void aCancelledTaskDoesNotRun() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);

    Runnable cancel = HandlerTimer.SHARED.schedule(Duration.ofMillis(200), ran::countDown);
    cancel.run();
    cancel.run(); // idempotent

    assertThat(ran.await(600, TimeUnit.MILLISECONDS)).isFalse();
  }
}
