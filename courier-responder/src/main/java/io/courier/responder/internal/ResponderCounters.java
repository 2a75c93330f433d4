package io.courier.responder.internal;

import io.courier.responder.ResponderStats;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link ResponderStats}. Thread-safe: incremented from the poll thread, handler threads
 * and the producer's I/O thread.
 */
final class ResponderCounters {
  private final LongAdder answered = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder expired = new LongAdder();
  private final LongAdder malformed = new LongAdder();
  private final LongAdder abandoned = new LongAdder();
  private final LongAdder refused = new LongAdder();
  private final LongAdder cancelled = new LongAdder();
  private final LongAdder replayed = new LongAdder();
  private final LongAdder redelivered = new LongAdder();
  private final LongAdder released = new LongAdder();

  void redelivered() {
    redelivered.increment();
  }

  void released() {
    released.increment();
  }

  void cancelled() {
    cancelled.increment();
  }

  void replayed() {
    replayed.increment();
  }

  void abandoned() {
    abandoned.increment();
  }

  void refused() {
    refused.increment();
  }

  void answered() {
    answered.increment();
  }

  void failed() {
    failed.increment();
  }

  void expired() {
    expired.increment();
  }

  void malformed() {
    malformed.increment();
  }

  ResponderStats snapshot() {
    return new ResponderStats(
        answered.sum(), failed.sum(), expired.sum(), malformed.sum(), abandoned.sum(), refused.sum(), cancelled.sum(), replayed.sum(),
        redelivered.sum(), released.sum());
  }
}
