package io.courier.cli.verify;

/**
 * The verdict of one conformance check and what it was based on.
 *
 * @param check the check's name, e.g. {@code correlation-echo}
 * @param verdict passed, failed, or not applicable to the profile
 * @param evidence what was sent and seen, for a person to read
 */
public record CheckResult(String check, Verdict verdict, String evidence) {

  /** A check's verdict. */
  public enum Verdict {
    PASSED("passed"),
    FAILED("FAILED"),
    NOT_APPLICABLE("n/a");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  static CheckResult passed(String check, String evidence) {
    return new CheckResult(check, Verdict.PASSED, evidence);
  }

  static CheckResult failed(String check, String evidence) {
    return new CheckResult(check, Verdict.FAILED, evidence);
  }

  static CheckResult notApplicable(String check, String why) {
    return new CheckResult(check, Verdict.NOT_APPLICABLE, why);
  }
}
