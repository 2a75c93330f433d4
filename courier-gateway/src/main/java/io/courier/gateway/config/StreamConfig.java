package io.courier.gateway.config;

import java.time.Duration;

/**
 * A streaming route's limits ({@code docs/protocol.md}, "Streamed replies"): the route takes many reply
 * records per request, sent on to the caller as they come. Immutable; validates itself.
 *
 * @param idleTimeout the longest gap between two records of a stream; past it the stream ends with {@code
 *     stream-idle-timeout} (or {@code stream-broken} when records wait behind a gap)
 * @param maxDuration the longest a stream may run, from the request's arrival; past it, {@code
 *     stream-max-duration}. Also the request's {@code courier-deadline}.
 * @param maxAssembledBytes the largest JSON array a caller that takes neither NDJSON nor SSE is answered
 *     with; a larger stream is answered 502 {@code stream-too-large}
 * @param bufferBytes the unsent bytes a stream's response may hold for a slow caller; past it the stream
 *     ends with {@code slow-reader}
 */
public record StreamConfig(Duration idleTimeout, Duration maxDuration, int maxAssembledBytes, int bufferBytes) {
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(10);
  static final Duration DEFAULT_MAX_DURATION = Duration.ofMinutes(5);
  static final int DEFAULT_MAX_ASSEMBLED_BYTES = 1024 * 1024;
  static final int DEFAULT_BUFFER_BYTES = 256 * 1024;
  private static final int MAX_BYTES = 64 * 1024 * 1024;

  public StreamConfig {
    if (idleTimeout.isNegative() || idleTimeout.isZero() || maxDuration.compareTo(idleTimeout) < 0) {
      throw new ConfigException("a stream needs an idle-timeout above 0 and a max-duration at least as long");
    }
    if (maxAssembledBytes < 2 || bufferBytes < 1) {
      throw new ConfigException("a stream needs max-assembled-bytes of at least 2 and buffer-bytes of at least 1");
    }
  }

  /** A streaming route with every limit at its default. */
  public static StreamConfig defaults() {
    return new StreamConfig(DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_DURATION, DEFAULT_MAX_ASSEMBLED_BYTES, DEFAULT_BUFFER_BYTES);
  }

  /** The stream block at {@code node} ({@code stream: {}} takes the defaults), or {@code null} when absent: no stream. */
  static StreamConfig read(YamlNode node) {
    if (node == null) {
      return null;
    }
    if (!node.isMapping()) {
      throw node.error("must be a mapping such as {idle-timeout: 10s, max-duration: 5m} ({} for the defaults)");
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.ROUTE_STREAM.path()));
    YamlNode idle = node.child(Setting.ROUTE_STREAM_IDLE_TIMEOUT.key());
    YamlNode max = node.child(Setting.ROUTE_STREAM_MAX_DURATION.key());
    YamlNode assembled = node.child(Setting.ROUTE_STREAM_MAX_ASSEMBLED_BYTES.key());
    YamlNode buffer = node.child(Setting.ROUTE_STREAM_BUFFER_BYTES.key());
    Duration idleTimeout = idle == null ? DEFAULT_IDLE_TIMEOUT : idle.asDuration(Duration.ofMillis(1), Duration.ofMinutes(10));
    Duration maxDuration = max == null ? DEFAULT_MAX_DURATION : max.asDuration(Duration.ofMillis(1), Duration.ofHours(24));
    if (maxDuration.compareTo(idleTimeout) < 0) {
      throw node.error("max-duration must be at least idle-timeout");
    }
    return new StreamConfig(
        idleTimeout,
        maxDuration,
        assembled == null ? DEFAULT_MAX_ASSEMBLED_BYTES : assembled.asInt(2, MAX_BYTES),
        buffer == null ? DEFAULT_BUFFER_BYTES : buffer.asInt(1024, MAX_BYTES));
  }
}
