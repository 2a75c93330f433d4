package io.courier.bench;

import io.courier.bench.load.LoadRunner;
import io.courier.bench.targets.HttpTarget;
import io.courier.bench.targets.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * CPU a target's process burns while nobody calls it: what a sidecar or a low-traffic deployment pays all day
 * (consumer polls, heartbeats, timers, the JVM's own threads). Measured for every target with a process of its
 * own, all in the same window, after the load has stopped.
 *
 * @param percentOfCore CPU time over wall time, in percent of one core
 * @param jvmPercentOfCore of that, what the JVM's own threads spent (JIT compilers, GC, the {@code hsperfdata}
 *     sampler: {@link ThreadTicks}); {@code NaN} where threads cannot be read (not Linux)
 */
record IdleCpu(String target, double percentOfCore, double jvmPercentOfCore) {

  /** Waits a moment for the last requests' work to end, then watches {@code window}. Blocks. */
  static List<IdleCpu> measure(List<Target> targets, Duration window) {
    List<HttpTarget> watched = targets.stream()
        .filter(t -> t instanceof HttpTarget http && http.plainEcho()).map(HttpTarget.class::cast).toList();
    LoadRunner.sleep(Duration.ofSeconds(2));
    double[] before = watched.stream().mapToDouble(Target::cpuSeconds).toArray();
    List<Map<Long, ThreadTicks.Sample>> threadsBefore = watched.stream().map(t -> ThreadTicks.read(t.process().pid())).toList();
    long start = System.nanoTime();
    LoadRunner.sleep(window);
    double seconds = (System.nanoTime() - start) / 1e9;
    List<IdleCpu> idle = new ArrayList<>();
    for (int i = 0; i < watched.size(); i++) {
      double percent = (watched.get(i).cpuSeconds() - before[i]) / seconds * 100;
      Map<Long, ThreadTicks.Sample> threadsAfter = ThreadTicks.read(watched.get(i).process().pid());
      ThreadTicks.Split split = ThreadTicks.between(threadsBefore.get(i), threadsAfter);
      // No tick in a short window (a process that slept through it): none of the JVM's either.
      double jvm = threadsAfter.isEmpty() ? Double.NaN : split.all() == 0 ? 0 : percent * split.jvmShare();
      idle.add(new IdleCpu(watched.get(i).name(), percent, jvm));
    }
    return idle;
  }
}
