package io.courier.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the load generator counts, over a fake target that answers on a thread of its own and never answers the
 * requests it is told to lose. Short windows on the real clock; asserts counts only, no timing.
 */
class LoadRunnerTest {
  private static final Duration DRAIN = Duration.ofMillis(300);

  private final ExecutorService answers = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    answers.shutdownNow();
  }

  /** Answers every request but those whose number (from 0, in the order sent) it was given. */
  private final class Losing implements RoundTrip {
    private final Set<Integer> lost;
    private final AtomicInteger sent = new AtomicInteger();

    Losing(Set<Integer> lost) {
      this.lost = lost;
    }

    @Override
    public void send(byte[] body, Completion completion) {
      if (!lost.contains(sent.getAndIncrement())) {
        answers.execute(() -> completion.done(true));
      }
    }

    @Override
    public void close() {}
  }

  @Test
  void anOpenLoopCountsARequestNeverAnsweredAsAnErrorOfTheWindowItWasDueIn() {
    // Given 1 000 requests a second, 100 ms of settling (requests 0-99) and a 500 ms window (requests 100-599),
    // and a target that never answers request 50 (settling) nor requests 300 and 400 (in the window)
    try (LoadRunner load = new LoadRunner(new byte[] {'{', '}'}, DRAIN)) {
      // When the open loop runs
      Measurement measured = load.openLoop("fake", new Losing(Set.of(50, 300, 400)), 1_000, Duration.ofMillis(100),
          Duration.ofMillis(500), () -> Double.NaN);

      // Then the two lost in the window are its errors, and every other request due in it was answered
      assertThat(measured.errors()).isEqualTo(2);
      assertThat(measured.answered()).isEqualTo(498);
    }
  }

  @Test
  void aClosedLoopCountsARequestNeverAnsweredAsAnErrorInsteadOfGoingOnOneShort() {
    // Given four requests always outstanding, and a target that never answers the tenth
    try (LoadRunner load = new LoadRunner(new byte[] {'{', '}'}, DRAIN)) {
      // When the closed loop runs
      Measurement measured =
          load.closedLoop("fake", new Losing(Set.of(9)), 4, Duration.ofMillis(50), Duration.ofMillis(300), () -> Double.NaN);

      // Then the lost request is an error, and the other three kept going
      assertThat(measured.errors()).isEqualTo(1);
      assertThat(measured.answered()).isPositive();
    }
  }
}
