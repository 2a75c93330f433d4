package io.courier.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.bench.load.Measurement;
import org.junit.jupiter.api.Test;

/** The report says which runs had errors, so that a target that stopped answering is not read as measured. */
class ResultTableTest {
  private static Measurement run(String target, String mode, long answered, long errors) {
    return new Measurement(target, mode, "java", answered, errors, 10, 1, 2, 3, 1, 1);
  }

  @Test
  void runsWithErrorsAreNamedWithTheirRoundsAndCount() {
    ResultTable table = new ResultTable();
    table.add(1, run(ResultTable.COURIER, "c16-512KiB", 1_000, 0));
    table.add(1, run(ResultTable.SPRING, "c16-512KiB", 700, 3));
    table.add(2, run(ResultTable.COURIER, "c16-512KiB", 1_000, 0));
    table.add(2, run(ResultTable.SPRING, "c16-512KiB", 0, 16));
    table.add(3, run(ResultTable.COURIER, "c16-512KiB", 1_000, 0));
    table.add(3, run(ResultTable.SPRING, "c16-512KiB", 900, 0));
    table.add(1, run(ResultTable.COURIER, "closed c=64", 10_000, 0));
    table.add(1, run(ResultTable.SPRING, "closed c=64", 5_000, 0));

    String note = table.errorNote();

    assertThat(note)
        .startsWith("**Runs with errors.**")
        .contains("- spring-peer, c16-512KiB: errors in 2 of 3 round(s), 19 in all")
        .doesNotContain("closed c=64")
        .doesNotContain("courier, ");
  }

  @Test
  void noteIsEmptyWithoutErrors() {
    ResultTable table = new ResultTable();
    table.add(1, run(ResultTable.COURIER, "closed c=1", 100, 0));
    table.add(1, run(ResultTable.SPRING, "closed c=1", 100, 0));

    assertThat(table.errorNote()).isEmpty();
  }
}
