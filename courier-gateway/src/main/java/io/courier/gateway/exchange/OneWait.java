package io.courier.gateway.exchange;

/**
 * What every wait of an exchange shares: whatever ends it first (the awaited thing, the timer), exactly one
 * outcome runs, and then everything it started is stopped. Confined to the front end's thread.
 */
abstract class OneWait {
  private Runnable stop = () -> {};
  private boolean over;

  /** A new wait begins, replacing any in progress. */
  final void begin() {
    stop.run();
    over = false;
  }

  /** What stops this wait's watch and timer; stopped at once if the wait is over already. */
  final void stopWith(Runnable stopper) {
    stop = stopper;
    if (over) {
      stop.run();
    }
  }

  /** Runs {@code outcome} unless an outcome ran already, after stopping the wait. */
  final void end(Runnable outcome) {
    if (over) {
      return;
    }
    over = true;
    stop.run();
    outcome.run();
  }

  /** Stops waiting; no outcome runs any more. */
  final void cancel() {
    over = true;
    stop.run();
  }
}
