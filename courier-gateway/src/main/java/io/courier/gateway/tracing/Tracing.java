package io.courier.gateway.tracing;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.TracingConfig;
import io.courier.protocol.HeaderFields;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;

/**
 * Trace context and spans of routed requests (W3C Trace Context; OpenTelemetry). Every request record
 * carries a {@code traceparent}: the caller's, continued, or a new trace. What else happens depends on the
 * kind: {@link #propagating()} records nothing (the default: a header parsed and one written per request),
 * {@link #recording} makes a span per request with an OpenTelemetry tracer.
 *
 * <p>Thread-safe. {@link #close} flushes and stops what the gateway built itself (the OTLP exporter).
 */
public abstract class Tracing implements AutoCloseable {
  static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();

  /** Reads the caller's header fields; repeated {@code tracestate} fields join with commas (W3C, section 3.3.1.1). */
  static final TextMapGetter<Function<String, List<String>>> CALLER_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Function<String, List<String>> carrier) {
          return List.of(W3CTraceContextPropagator.getInstance().fields().toArray(new String[0]));
        }

        @Override
        public String get(Function<String, List<String>> carrier, String key) {
          List<String> values = carrier == null ? List.of() : carrier.apply(key);
          // Two traceparent fields joined are longer than one may be: the propagator rejects them, as W3C asks.
          return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(",", values);
        }
      };

  static final TextMapSetter<HeaderFields.Builder> RECORD_HEADERS =
      (headers, key, value) -> headers.add(key, value.getBytes(StandardCharsets.US_ASCII));

  /** No spans: each request record carries the caller's trace context, or a new unsampled trace. */
  public static Tracing propagating() {
    return new PropagatingTracing();
  }

  /**
   * A span per request, made by {@code openTelemetry}'s tracer (an embedding application's SDK, or the
   * Java agent's {@code GlobalOpenTelemetry}); closing this leaves {@code openTelemetry} open.
   */
  public static Tracing recording(OpenTelemetry openTelemetry) {
    return new SpanTracing(openTelemetry, () -> {});
  }

  /** What {@code config} asks for: {@link #propagating()}, or spans exported over OTLP/HTTP. */
  public static Tracing create(TracingConfig config, String instanceId) {
    return config.exporter() == TracingConfig.Exporter.NONE ? propagating() : OtlpTracing.create(config, instanceId);
  }

  /**
   * Starts the trace of a request admitted to {@code route}.
   *
   * @param callerHeaders every value of a caller's header field, by lower-case name
   */
  public abstract RequestTrace start(RouteConfig route, Function<String, List<String>> callerHeaders);

  /** The caller's trace context, or {@link Context#root()} when it sent none or an invalid one. */
  static Context callerContext(Function<String, List<String>> callerHeaders) {
    return W3C.extract(Context.root(), callerHeaders, CALLER_HEADERS);
  }

  static String traceparent(SpanContext context) {
    return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
  }

  static void inject(SpanContext context, HeaderFields.Builder headers) {
    W3C.inject(Context.root().with(Span.wrap(context)), headers, RECORD_HEADERS);
  }

  @Override
  public void close() {}
}
