package io.courier.gateway.exchange;

import io.courier.gateway.results.ResultView;
import io.courier.gateway.results.StoredResult;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A retry of an idempotent request waiting for the first request's result (ADR 0003): until a condition
 * holds for it, it is forgotten (its request gave the key up), or a time limit passes, whichever comes
 * first; then exactly one of the two callbacks runs, on the front end's thread. Confined to that thread.
 */
final class FirstResultWait extends OneWait {
  private final ResultView view;
  private final DeadlineScheduler deadlines;
  private final FrontEnd frontEnd;

  FirstResultWait(ResultView view, DeadlineScheduler deadlines, FrontEnd frontEnd) {
    this.view = view;
    this.deadlines = deadlines;
    this.frontEnd = frontEnd;
  }

  /**
   * Waits for result {@code id}: {@code then} gets it once {@code until} holds ({@code null} if it is
   * forgotten), or {@code timedOut} runs after {@code limit}. Replaces any wait in progress.
   */
  void await(String id, Predicate<StoredResult> until, Duration limit, Consumer<StoredResult> then, Runnable timedOut) {
    begin();
    Runnable stopResult = view.when(id, until, now -> frontEnd.execute(() -> end(() -> then.accept(now))));
    Runnable stopTimer = deadlines.schedule(limit, () -> frontEnd.execute(() -> end(timedOut)));
    stopWith(() -> {
      stopResult.run();
      stopTimer.run();
    });
  }
}
