package io.courier.bench.load;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.DoubleSupplier;
import org.HdrHistogram.Histogram;

/**
 * The load generator: drives a {@link RoundTrip} in a closed loop (N requests always outstanding, each answer
 * sends the next) or an open loop (requests due at a fixed rate whatever the answers do), first for a settle
 * period that is not recorded, then for the measurement window. Not thread-safe: one run at a time.
 */
public final class LoadRunner implements AutoCloseable {
  /** Past this many unanswered requests the open loop counts new ones as errors instead of sending them. */
  private static final int OPEN_LOOP_MAX_OUTSTANDING = 20_000;

  private static final Duration DRAIN = Duration.ofSeconds(15);

  private final byte[] body;
  private final Duration drain;
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(task -> daemon(task, "bench-load-retry"));

  public LoadRunner(byte[] body) {
    this(body, DRAIN);
  }

  /** @param drain how long a run waits at its end for the answers still owed before counting them as errors */
  LoadRunner(byte[] body, Duration drain) {
    this.body = body.clone();
    this.drain = drain;
  }

  /**
   * @param targetCpu CPU seconds used so far by the target ({@link io.courier.bench.targets.Target#cpuSeconds()}), or
   *     {@code NaN}
   */
  public Measurement closedLoop(
      String target, RoundTrip roundTrip, int concurrency, Duration settle, Duration measure, DoubleSupplier targetCpu) {
    Window window = new Window(false);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger outstanding = new AtomicInteger();
    for (int i = 0; i < concurrency; i++) {
      new ClosedSlot(roundTrip, window, running, outstanding).issue();
    }
    sleep(settle);
    Cpu before = Cpu.now(targetCpu);
    long start = System.nanoTime();
    window.open(start);
    sleep(measure);
    long end = System.nanoTime();
    window.close(end);
    Cpu after = Cpu.now(targetCpu);
    running.set(false);
    // A request never answered within the drain time was in flight in the window: an error, not a request
    // that silently left the loop one short.
    window.addErrors(drain(outstanding));
    return measurement(target, "closed c=" + concurrency, window, end - start, before, after);
  }

  /** Sends {@code rate} requests per second, each timed from when it was due. */
  public Measurement openLoop(
      String target, RoundTrip roundTrip, int rate, Duration settle, Duration measure, DoubleSupplier targetCpu) {
    Window window = new Window(true);
    AtomicInteger outstanding = new AtomicInteger();
    AtomicInteger outstandingInWindow = new AtomicInteger();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long first = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
    long opensAt = first + settle.toNanos();
    long stopAt = opensAt + measure.toNanos();
    window.open(opensAt);
    window.close(stopAt);
    Cpu[] cpu = new Cpu[2];
    for (long i = 0; ; i++) {
      long due = first + i * period;
      if (due >= stopAt) {
        break;
      }
      parkUntil(due);
      if (cpu[0] == null && due >= opensAt) {
        cpu[0] = Cpu.now(targetCpu);
      }
      if (outstanding.get() >= OPEN_LOOP_MAX_OUTSTANDING) {
        window.record(due, System.nanoTime(), false);
        continue;
      }
      boolean inWindow = due >= opensAt;
      outstanding.incrementAndGet();
      if (inWindow) {
        outstandingInWindow.incrementAndGet();
      }
      roundTrip.send(
          body,
          ok -> {
            window.record(due, System.nanoTime(), ok);
            if (inWindow) {
              outstandingInWindow.decrementAndGet();
            }
            outstanding.decrementAndGet();
          });
    }
    parkUntil(stopAt);
    cpu[1] = Cpu.now(targetCpu);
    // Requests due in the window but never answered within the drain time count as errors; those due while it
    // settled are not the window's.
    drain(outstanding);
    window.addErrors(outstandingInWindow.get());
    return measurement(target, "open " + rate + "/s", window, stopAt - opensAt, cpu[0], cpu[1]);
  }

  private static Measurement measurement(String target, String mode, Window window, long nanos, Cpu before, Cpu after) {
    Histogram histogram = window.histogram();
    return new Measurement(
        target,
        mode,
        "java",
        window.answered(),
        window.errors(),
        nanos / 1e9,
        millis(histogram, 50),
        millis(histogram, 99),
        millis(histogram, 99.9),
        after.target - before.target,
        after.bench - before.bench);
  }

  private static double millis(Histogram histogram, double percentile) {
    return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1e6;
  }

  /** Waits, bounded, for outstanding requests; returns how many never came back. */
  private int drain(AtomicInteger outstanding) {
    long deadline = System.nanoTime() + drain.toNanos();
    while (outstanding.get() > 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(5));
    }
    return outstanding.get();
  }

  private static void parkUntil(long nanoTime) {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      LockSupport.parkNanos(left);
    }
  }

  /** {@link Thread#sleep} that turns an interrupt into an exception, keeping the flag. */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Thread daemon(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  @Override
  public void close() {
    retries.shutdownNow();
  }

  /** One of the closed loop's N outstanding requests: each answer sends the next. */
  private final class ClosedSlot {
    private final RoundTrip roundTrip;
    private final Window window;
    private final AtomicBoolean running;
    private final AtomicInteger outstanding;

    ClosedSlot(RoundTrip roundTrip, Window window, AtomicBoolean running, AtomicInteger outstanding) {
      this.roundTrip = roundTrip;
      this.window = window;
      this.running = running;
      this.outstanding = outstanding;
    }

    void issue() {
      if (!running.get()) {
        return;
      }
      long sentAt = System.nanoTime();
      outstanding.incrementAndGet();
      roundTrip.send(body, ok -> answered(sentAt, ok));
    }

    private void answered(long sentAt, boolean ok) {
      window.record(sentAt, System.nanoTime(), ok);
      outstanding.decrementAndGet();
      if (!running.get()) {
        return;
      }
      if (ok) {
        issue();
      } else {
        // A failing target must not turn the loop into a spin (or a deep recursion if it fails at once).
        retries.schedule(this::issue, 1, TimeUnit.MILLISECONDS);
      }
    }
  }

  /** CPU seconds of the target process and of this JVM at one instant. */
  private record Cpu(double target, double bench) {
    static Cpu now(DoubleSupplier targetCpu) {
      return new Cpu(targetCpu.getAsDouble(), benchCpuSeconds());
    }
  }

  /** CPU time of this JVM (all threads) so far. */
  public static double benchCpuSeconds() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime() / 1e9;
    }
    return Double.NaN;
  }
}
