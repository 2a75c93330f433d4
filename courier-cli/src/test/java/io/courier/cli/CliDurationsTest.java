package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CliDurationsTest {
  @Test
  void aNumberAndAUnitIsADuration() {
    assertThat(CliDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(CliDurations.parse(" 10s ")).isEqualTo(Duration.ofSeconds(10));
    assertThat(CliDurations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void anythingElseIsNot() {
    assertThat(CliDurations.parse("soon")).isNull();
    assertThat(CliDurations.parse("5")).isNull();
    assertThat(CliDurations.parse("PT5S")).isNull();
    assertThat(CliDurations.parse("-1s")).isNull();
  }

  @Test
  void verifyResponderRefusesAWaitThatIsNotADurationBeforeReachingKafka() {
    Cli.Result result =
        Cli.run("verify-responder", "--bootstrap-servers", "localhost:1", "--request-topic", "t", "--wait", "soon");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("--wait must be a duration like 5s or 500ms");
  }
}
