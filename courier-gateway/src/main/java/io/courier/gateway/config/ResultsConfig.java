package io.courier.gateway.config;

import java.time.Duration;

/**
 * Where async results and idempotency claims are kept (ADR 0003), and how they are read back.
 *
 * @param enabled whether the gateway keeps results: without it {@code Prefer: respond-async} is ignored, a
 *     504 carries no {@code Location} and no route may use idempotency keys
 * @param topic the results topic every instance reads whole (compact,delete; retention = {@code retention})
 * @param path the path prefix of result {@code Location}s, e.g. {@code /results}
 * @param retention how long a result (and an idempotency key) is kept after its command was accepted
 * @param maxBytes the most memory the results of the retention window may take in each instance
 * @param maxWait the longest {@code Prefer: wait} honoured, on a command or on a result
 */
public record ResultsConfig(boolean enabled, String topic, String path, Duration retention, long maxBytes, Duration maxWait) {

  /** Results switched off. */
  public static ResultsConfig disabled() {
    return new ResultsConfig(false, null, "/results", Duration.ofHours(1), 0, Duration.ZERO);
  }
}
