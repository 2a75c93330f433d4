package io.courier.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The CPU of each thread of a process, from Linux's {@code /proc/<pid>/task/<tid>/stat} (utime + stime, in clock
 * ticks; proc(5)), to tell the JVM's own threads (JIT compilers, GC, the {@code hsperfdata} sampler, the VM
 * thread) from the application's: an idle gateway's CPU is partly the JVM's, which no change to Courier removes.
 * Only ratios of ticks are used, so the clock's tick rate does not matter. Thread-safe (no state).
 */
final class ThreadTicks {
  /**
   * The JVM's own threads by the start of their name as Linux keeps it (15 characters at most): HotSpot's JIT
   * compilers, garbage collector, periodic task (the 50 ms sampler of {@code hsperfdata}), VM operations, and the
   * JDK's housekeeping threads.
   */
  private static final List<String> JVM_THREADS = List.of(
      "C1 CompilerThre", "C2 CompilerThre", "VM Periodic Tas", "VM Thread", "GC Thread#", "G1 ", "Monitor Deflati",
      "Service Thread", "Signal Dispatch", "Common-Cleaner", "Reference Handl", "Finalizer", "Notification Th",
      "Sweeper thread", "Attach Listener", "CodeCacheSweepe");

  /** One thread's name and its user + system CPU so far, in clock ticks. */
  record Sample(String name, long ticks) {}

  /** CPU ticks of the JVM's own threads and of all threads. */
  record Split(long jvm, long all) {
    /** The JVM's share of the process's CPU, 0 to 1; {@code NaN} when nothing was spent or nothing read. */
    double jvmShare() {
      return all > 0 ? (double) jvm / all : Double.NaN;
    }
  }

  private ThreadTicks() {}

  /** Every thread of process {@code pid} now, by thread id; empty where {@code /proc} is not there. Blocks briefly. */
  static Map<Long, Sample> read(long pid) {
    Map<Long, Sample> threads = new HashMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
      tasks.forEach(task -> {
        try {
          threads.put(Long.parseLong(task.getFileName().toString()), parse(Files.readString(task.resolve("stat"))));
        } catch (IOException | RuntimeException e) {
          // The thread ended between the listing and the read: it is not counted.
        }
      });
    } catch (IOException | RuntimeException e) {
      return Map.of();
    }
    return threads;
  }

  /**
   * One {@code stat} line: {@code tid (name) state ...}, utime and stime the 14th and 15th fields. The name may hold
   * spaces and parentheses, so the fields are counted from its last {@code )}.
   *
   * @throws IllegalArgumentException when the line is not of that form
   */
  static Sample parse(String stat) {
    int open = stat.indexOf('(');
    int close = stat.lastIndexOf(')');
    if (open < 0 || close < open) {
      throw new IllegalArgumentException("not a stat line: " + stat);
    }
    String[] fields = stat.substring(close + 1).trim().split(" ");
    if (fields.length < 13) {
      throw new IllegalArgumentException("not a stat line: " + stat);
    }
    // fields[0] is the 3rd field (state): utime, the 14th, is fields[11]; stime fields[12].
    return new Sample(stat.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
  }

  /** Whether a thread of this name is the JVM's own rather than the application's. */
  static boolean jvmThread(String name) {
    return JVM_THREADS.stream().anyMatch(name::startsWith);
  }

  /** What the threads spent between two reads; a thread that started in between counts from zero. */
  static Split between(Map<Long, Sample> before, Map<Long, Sample> after) {
    long jvm = 0;
    long all = 0;
    for (Map.Entry<Long, Sample> thread : after.entrySet()) {
      Sample earlier = before.get(thread.getKey());
      long spent = thread.getValue().ticks() - (earlier == null ? 0 : earlier.ticks());
      all += spent;
      if (jvmThread(thread.getValue().name())) {
        jvm += spent;
      }
    }
    return new Split(jvm, all);
  }
}
