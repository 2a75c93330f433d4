package io.courier.gateway.exchange;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The preferences of a {@code Prefer} request header that the gateway honours (RFC 7240): {@code
 * respond-async} (section 4.1) and {@code wait} (section 4.3). Every {@code Prefer} field is read; names are
 * case-insensitive, parameters after {@code ;} are ignored, a preference the gateway does not know is ignored,
 * and a malformed {@code wait} is ignored rather than refused (the RFC lets a server ignore any preference).
 *
 * @param respondAsync whether the caller prefers 202 and a {@code Location} to waiting
 * @param waitFor how long the caller is prepared to wait, or {@code null} when it did not say
 */
public record Preferences(boolean respondAsync, Duration waitFor) {
  public static final Preferences NONE = new Preferences(false, null);

  /** Reads every value of {@code Prefer}. */
  public static Preferences parse(List<String> values) {
    if (values.isEmpty()) {
      return NONE;
    }
    boolean async = false;
    Duration wait = null;
    for (String field : values) {
      for (String preference : field.split(",")) {
        String token = preference.split(";", 2)[0].strip();
        int equals = token.indexOf('=');
        String name = (equals < 0 ? token : token.substring(0, equals)).strip().toLowerCase(Locale.ROOT);
        if (name.equals("respond-async")) {
          async = true;
        } else if (name.equals("wait") && equals > 0 && wait == null) {
          wait = seconds(token.substring(equals + 1).strip());
        }
      }
    }
    return async || wait != null ? new Preferences(async, wait) : NONE;
  }

  private static Duration seconds(String text) {
    String value = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
    if (value.isEmpty() || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null; // delta-seconds is 1*DIGIT; anything else is ignored
    }
    // A value too large to hold is as good as the largest (RFC 9111 section 1.2.2); the gateway caps it anyway.
    return value.length() > 9 ? Duration.ofSeconds(Integer.MAX_VALUE) : Duration.ofSeconds(Long.parseLong(value));
  }

  /** The {@code Preference-Applied} value of a 202 (RFC 7240 section 3), the wait capped at {@code max}. */
  public String applied(Duration max) {
    return waitFor == null ? "respond-async" : "respond-async, wait=" + waitAtMost(max).toSeconds();
  }

  /** The wait, at most {@code max}; zero when none was asked for. */
  public Duration waitAtMost(Duration max) {
    return waitFor == null ? Duration.ZERO : (waitFor.compareTo(max) > 0 ? max : waitFor);
  }
}
