package io.courier.gateway.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The access log: one JSON line per request.
 *
 * @param enabled whether requests are logged
 * @param sample the share of requests logged, 0 (none) to 1 (every one)
 * @param fields the fields of each line, in order (see {@link #FIELDS})
 * @param file the file lines are appended to, or {@code null} for the SLF4J logger {@code courier.access} at INFO
 */
public record AccessLogConfig(boolean enabled, double sample, List<String> fields, Path file) {
  /** Every field a line may have, in their default order. */
  public static final List<String> FIELDS =
      List.of("time", "instance", "method", "path", "route", "status", "duration_ms", "bytes_in", "bytes_out",
          "correlation_id", "trace_id");

  public static final AccessLogConfig OFF = new AccessLogConfig(false, 1.0, FIELDS, null);

  public AccessLogConfig {
    fields = List.copyOf(fields);
  }
}
