package io.courier.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.bench.load.Measurement;
import io.courier.bench.report.ResultTable;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end at tiny settings: every target answers through it and the table is printed and
 * written. Asserts no timing: performance is measured by {@code ./courier bench}, never by a test.
 */
class BenchSmokeIT {
  @TempDir Path output;

  @Test
  void everyTargetIsAnsweredAndTheTableIsPrinted() throws Exception {
    // Given the smallest settings: one closed-loop level, a slow open loop, a small in-flight scenario
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    // When the bench runs
    BenchReport report = Bench.run(BenchOptions.smoke(output), new PrintStream(printed, true, StandardCharsets.UTF_8));

    // Then each target answered requests in each mode, and the tables were printed and written
    ResultTable table = report.table();
    for (String target : new String[] {ResultTable.HTTP_FLOOR, ResultTable.KAFKA_FLOOR, ResultTable.COURIER, ResultTable.SPRING,
        ResultTable.COURIER_IDEMPOTENT, ResultTable.COURIER_RESULT_GET}) {
      for (String mode : new String[] {"closed c=4", "open 50/s"}) {
        assertThat(table.median(target, mode, Measurement::answered)).as(target + " " + mode).isPositive();
      }
    }
    assertThat(report.inFlight().answered()).isEqualTo(report.inFlight().sent());
    // The Kafka floor runs in the bench JVM: its CPU is its client's threads', measured, not left out
    assertThat(table.median(ResultTable.KAFKA_FLOOR, "closed c=4", Measurement::targetCpuMicrosPerRequest))
        .as("kafka-floor CPU µs per request").isPositive().isFinite();
    String text = printed.toString(StandardCharsets.UTF_8);
    // Which JVM flags each process ran with: the gateway's collector as the launcher ships it
    assertThat(text).contains("JVMs: the `courier` target's gateway `" + String.join(" ", Bench.GATEWAY_JVM) + "`",
        "the Spring peer `" + String.join(" ", Bench.PEER_JVM) + "`");
    assertThat(text).contains("## Medians over rounds", "| courier | closed c=4 | java |", "## Issue 4 targets",
        "## Issue 14 targets", "## Idle CPU", "## Inside the Courier gateway", "## Where Courier's time goes",
        "| closed c=4 java | service |", "| courier | ", "## Streamed replies beside request-reply",
        "| " + BenchOptions.SMOKE_STREAM_ITEMS + " items, one client",
        "| the same stream over a WebSocket", "## Body size: cost against the request body (issue 14)",
        "| 512 KiB | courier | ");
    if (System.getProperty("os.name").startsWith("Linux")) {
      // The idle table says how much of each process's idle CPU was the JVM's own threads (read from /proc)
      assertThat(text.substring(text.indexOf("## Idle CPU"))).containsPattern("\\| courier \\| \\d+\\.\\d\\d \\| \\d+\\.\\d\\d \\|");
    }
    // Every round of the body-size scenario is listed too, not only its medians
    String rounds = report.markdown().substring(report.markdown().indexOf("## Every round"));
    assertThat(rounds).contains("| courier | closed c=4 | java |", "### The body-size scenario's");
    assertThat(rounds.substring(rounds.indexOf("### The body-size scenario's"))).contains("| courier | body 512 KiB c=");
    assertThat(Files.readString(report.file())).isEqualTo(report.markdown());
  }
}
