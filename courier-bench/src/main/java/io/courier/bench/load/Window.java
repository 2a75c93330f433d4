package io.courier.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The measurement window of one run: which completions count, and their latency histogram. A closed loop
 * counts what completes inside the window; an open loop counts what was due to be sent inside it, and measures
 * from that due time, so a stalled target cannot hide its queueing (coordinated omission). Thread-safe.
 */
final class Window {
  private static final long HIGHEST = TimeUnit.SECONDS.toNanos(120);

  private final boolean bySendTime;
  private final Recorder recorder = new Recorder(HIGHEST, 3);
  private final LongAdder answered = new LongAdder();
  private final LongAdder errors = new LongAdder();
  private volatile long opensAt = Long.MAX_VALUE;
  private volatile long closesAt = Long.MAX_VALUE;

  Window(boolean bySendTime) {
    this.bySendTime = bySendTime;
  }

  void open(long at) {
    opensAt = at;
  }

  void close(long at) {
    closesAt = at;
  }

  void record(long sentAt, long doneAt, boolean ok) {
    long when = bySendTime ? sentAt : doneAt;
    if (when < opensAt || when >= closesAt) {
      return;
    }
    if (ok) {
      recorder.recordValue(Math.min(Math.max(doneAt - sentAt, 0), HIGHEST));
      answered.increment();
    } else {
      errors.increment();
    }
  }

  void addErrors(long count) {
    errors.add(count);
  }

  long answered() {
    return answered.sum();
  }

  long errors() {
    return errors.sum();
  }

  Histogram histogram() {
    return recorder.getIntervalHistogram();
  }
}
