package io.courier.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the command line takes them: a whole number and a unit, {@code 500ms}, {@code 10s}, {@code 2m}. */
final class CliDurations {
  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m)");

  private CliDurations() {}

  /** The duration {@code text} says, or {@code null} when it is not one. */
  static Duration parse(String text) {
    Matcher matcher = DURATION.matcher(text.trim());
    if (!matcher.matches()) {
      return null;
    }
    long amount = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(amount);
      case "s" -> Duration.ofSeconds(amount);
      default -> Duration.ofMinutes(amount);
    };
  }
}
