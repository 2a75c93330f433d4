package io.courier.cli.verify;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.cli.CourierCommand;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ResponderVerifierTest {

  @Test
  void aFailedCheckMakesTheServiceNonConformingAndTheTableSaysWhy() {
    List<CheckResult> results = List.of(
        CheckResult.passed("correlation-echo", "courier-correlation-id = x (1 bytes)"),
        CheckResult.failed("expired-not-answered", "a request 1 s past its deadline was answered (status 200)"),
        CheckResult.notApplicable("cancel-stops-work", "cancel markers are sent to courier-profile services only"));

    assertThat(ResponderVerifier.conforms(results)).isFalse();
    assertThat(ResponderVerifier.table(results).lines().toList()).containsExactly(
        "check                 verdict  evidence",
        "correlation-echo      passed   courier-correlation-id = x (1 bytes)",
        "expired-not-answered  FAILED   a request 1 s past its deadline was answered (status 200)",
        "cancel-stops-work     n/a      cancel markers are sent to courier-profile services only",
        "checks passed: 1, failed: 1, not applicable: 1");
  }

  @Test
  void notApplicableChecksDoNotFailAService() {
    assertThat(ResponderVerifier.conforms(List.of(
        CheckResult.passed("correlation-echo", "ok"), CheckResult.notApplicable("idempotent-duplicate", "spring")))).isTrue();
  }

  @Test
  void anUnknownProfileIsABadOptionNotAFailedCheck() {
    int exit = new CommandLine(new CourierCommand()).execute(
        "verify-responder", "--bootstrap-servers", "localhost:1", "--request-topic", "t", "--profile", "grpc");

    assertThat(exit).isEqualTo(2);
  }

  @Test
  void aProbePathMustBeAbsolute() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Probe("GET", "orders", "", null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must start with /");
  }
}
