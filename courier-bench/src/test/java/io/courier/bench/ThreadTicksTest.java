package io.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-thread CPU from {@code /proc}: lines as Linux writes them, the JVM's threads told from the application's. */
class ThreadTicksTest {
  @Test
  void userAndSystemTicksAreReadAfterTheName() {
    // A line as Linux writes it (52 fields), for a thread whose name has a space and a parenthesis.
    String stat = "4242 (C2 CompilerThre) S 4200 4200 1 0 -1 1077936192 9031 0 0 0 731 52 0 0 20 0 22 0 118304 "
        + "3953520640 46086 18446744073709551615 1 1 0 0 0 0 4 0 16800975 0 0 0 -1 1 0 0 0 0 0 0 0 0 0 0 0 0 0";
    assertThat(ThreadTicks.parse(stat)).isEqualTo(new ThreadTicks.Sample("C2 CompilerThre", 783));
    assertThat(ThreadTicks.parse(stat.replace("(C2 CompilerThre)", "(a (b) c)")).name()).isEqualTo("a (b) c");
  }

  @Test
  void aLineThatIsNotAStatLineIsRefused() {
    assertThatThrownBy(() -> ThreadTicks.parse("4242 no name here")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ThreadTicks.parse("4242 (short) S 1 2")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theJvmsThreadsAreToldFromTheApplications() {
    for (String jvm : new String[] {"C1 CompilerThre", "C2 CompilerThre", "VM Periodic Tas", "VM Thread", "GC Thread#1",
        "G1 Service", "G1 Conc#0", "Monitor Deflati", "Common-Cleaner"}) {
      assertThat(ThreadTicks.jvmThread(jvm)).as(jvm).isTrue();
    }
    for (String application : new String[] {"courier-reply-c", "courier-whole-t", "kafka-admin-cli", "vert.x-eventloo",
        "java", "kafka-producer-"}) {
      assertThat(ThreadTicks.jvmThread(application)).as(application).isFalse();
    }
  }

  @Test
  void whatEachThreadSpentBetweenTwoReadsIsSplit() {
    Map<Long, ThreadTicks.Sample> before = Map.of(
        1L, new ThreadTicks.Sample("C2 CompilerThre", 100),
        2L, new ThreadTicks.Sample("courier-reply-c", 40),
        3L, new ThreadTicks.Sample("gone", 7));
    Map<Long, ThreadTicks.Sample> after = Map.of(
        1L, new ThreadTicks.Sample("C2 CompilerThre", 103),
        2L, new ThreadTicks.Sample("courier-reply-c", 46),
        4L, new ThreadTicks.Sample("VM Periodic Tas", 1)); // started in between: counted from zero

    ThreadTicks.Split split = ThreadTicks.between(before, after);

    assertThat(split).isEqualTo(new ThreadTicks.Split(4, 10));
    assertThat(split.jvmShare()).isEqualTo(0.4);
    assertThat(new ThreadTicks.Split(0, 0).jvmShare()).isNaN();
  }

  @Test
  void thisJvmsOwnThreadsCanBeRead() {
    // On Linux, where the bench measures: this test's JVM has a main thread and JVM threads of its own.
    Map<Long, ThreadTicks.Sample> threads = ThreadTicks.read(ProcessHandle.current().pid());
    if (System.getProperty("os.name").startsWith("Linux")) {
      assertThat(threads.values()).anyMatch(sample -> ThreadTicks.jvmThread(sample.name()));
      assertThat(threads.values()).anyMatch(sample -> !ThreadTicks.jvmThread(sample.name()));
    } else {
      assertThat(threads).isEmpty();
    }
  }
}
