package io.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code courier bench --only instances} end to end at tiny settings, up to 2 gateway JVMs on one response
 * topic. Asserts no timing; it asserts what the design promises whatever the speed: once the partitions are
 * spread, each instance names its own partitions, so no reply is forwarded.
 */
class InstancesScenarioIT {
  @TempDir Path output;

  @Test
  void oneThenTwoInstancesAnswerAndForwardNothingOnceThePartitionsAreSpread() throws Exception {
    // Given the smoke settings, the scenario alone, up to 2 instances
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    BenchOptions options = BenchOptions.smoke(output).withInstances(2);

    // When it runs
    BenchReport report = Bench.runInstancesOnly(options, new PrintStream(printed, true, StandardCharsets.UTF_8));

    // Then 1 instance (steady) and 2 (just joined, then steady) each answered every request of the closed loop
    String markdown = report.markdown();
    assertThat(markdown).contains("## Instances: 1 to N gateways on one response topic",
        "| 1 | steady |", "| 2 | just joined |", "| 2 | steady |");
    InstancesScenario.Result result = report.instances();
    assertThat(result.rows()).extracting(InstancesScenario.Row::instances).containsExactly(1, 2, 2);
    for (InstancesScenario.Row row : result.rows()) {
      assertThat(row.load().answered()).as(row.toString()).isPositive();
      assertThat(row.load().errors()).as(row.toString()).isZero();
      assertThat(row.repliesRead()).as(row.toString()).isGreaterThanOrEqualTo(row.load().answered());
    }
    // ... and in steady state no reply went through the forward topic
    assertThat(result.runs(2, InstancesScenario.STEADY)).allSatisfy(row -> assertThat(row.forwarded()).isZero());
    assertThat(Files.readString(report.file())).isEqualTo(markdown);
  }
}
