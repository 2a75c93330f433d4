package io.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The JVM options of the processes the bench starts: the gateway's as shipped, and what the user adds. */
class BenchJvmTest {
  @Test
  void gatewaysRunTheCollectorTheLauncherShipsAndThePeerTheJvmsDefault() {
    assertThat(Bench.GATEWAY_JVM).contains("-XX:+UseParallelGC", "-XX:-UsePerfData").doesNotContain("-XX:+UseG1GC");
    assertThat(Bench.PEER_JVM).contains("-XX:+UseG1GC", "-XX:-UsePerfData").doesNotContain("-XX:+UseParallelGC");
  }

  @Test
  void optionsComeAfterTheBenchsOwnSoALaterOneWins() {
    assertThat(Bench.withOptions(Bench.GATEWAY_JVM, List.of("-Xmx1g", "-XX:+UsePerfData")))
        .containsExactly("-Xms256m", "-Xmx512m", "-XX:+UseParallelGC", "-XX:-UsePerfData", "-Xmx1g", "-XX:+UsePerfData");
    assertThat(Bench.withOptions(Bench.PEER_JVM, List.of())).isEqualTo(Bench.PEER_JVM);
  }

  @Test
  void aCollectorAskedForReplacesTheBenchsForTheJvmRefusesTwo() {
    assertThat(Bench.withOptions(Bench.GATEWAY_JVM, List.of("-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10")))
        .containsExactly("-Xms256m", "-Xmx512m", "-XX:-UsePerfData", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=10");
    assertThat(Bench.withOptions(Bench.PEER_JVM, List.of("-XX:+UseParallelGC")))
        .containsExactly("-Xms256m", "-Xmx512m", "-XX:-UsePerfData", "-XX:+UseParallelGC");
    // A setting of a collector chooses none
    assertThat(Bench.withOptions(Bench.PEER_JVM, List.of("-XX:ParallelGCThreads=1", "-XX:+UseGCOverheadLimit")))
        .contains("-XX:+UseG1GC", "-XX:ParallelGCThreads=1", "-XX:+UseGCOverheadLimit");
  }
}
