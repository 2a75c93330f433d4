package io.courier.gateway.config;

import java.net.URI;

/**
 * Tracing (W3C Trace Context, OpenTelemetry). Trace context is always written into request records; spans
 * are made and exported only with {@link Exporter#OTLP}.
 *
 * @param exporter where spans go
 * @param otlpEndpoint the OTLP/HTTP traces endpoint (protobuf), used with {@link Exporter#OTLP}
 * @param sampleRatio the share of new traces (callers without {@code traceparent}) recorded, 0 to 1
 * @param serviceName the {@code service.name} resource attribute of the spans
 */
public record TracingConfig(Exporter exporter, URI otlpEndpoint, double sampleRatio, String serviceName) {
  /** Where spans go. */
  public enum Exporter {
    /** Nowhere: no spans; the caller's trace context (or a new, unsampled one) is passed on. */
    NONE,
    /** A span per request, batched and sent over OTLP/HTTP. */
    OTLP
  }

  public static final URI DEFAULT_OTLP_ENDPOINT = URI.create("http://localhost:4318/v1/traces");
  public static final String DEFAULT_SERVICE_NAME = "courier-gateway";

  /** The default: trace context passed on, no spans. */
  public static final TracingConfig NONE = new TracingConfig(Exporter.NONE, DEFAULT_OTLP_ENDPOINT, 1.0, DEFAULT_SERVICE_NAME);

  public TracingConfig {
    if (!(sampleRatio >= 0 && sampleRatio <= 1)) {
      throw new ConfigException("tracing sample ratio must be from 0 to 1, was " + sampleRatio);
    }
  }
}
