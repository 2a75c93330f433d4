package io.courier.gateway.tracing;

import io.courier.gateway.config.RouteConfig;
import io.courier.protocol.HeaderFields;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.IdGenerator;
import java.util.List;
import java.util.function.Function;

/**
 * Trace context without spans: the caller's {@code traceparent} and {@code tracestate} go into the request
 * record as they came (the gateway adds no hop of its own to the trace); a caller without one, or with an
 * invalid one, gets a new trace, marked not sampled since nothing of it was recorded here.
 */
final class PropagatingTracing extends Tracing {
  private static final IdGenerator IDS = IdGenerator.random();

  @Override
  public RequestTrace start(RouteConfig route, Function<String, List<String>> callerHeaders) {
    SpanContext caller = Span.fromContext(callerContext(callerHeaders)).getSpanContext();
    return new Propagated(
        caller.isValid()
            ? caller
            : SpanContext.create(IDS.generateTraceId(), IDS.generateSpanId(), TraceFlags.getDefault(), TraceState.getDefault()));
  }

  private record Propagated(SpanContext context) implements RequestTrace {
    @Override
    public void inject(HeaderFields.Builder headers) {
      Tracing.inject(context, headers);
    }

    @Override
    public String traceparent() {
      return Tracing.traceparent(context);
    }

    @Override
    public void published(String topic, String correlationId) {}

    @Override
    public void produced(int partition, long offset) {}

    @Override
    public void replied() {}

    @Override
    public void answered(int status, String outcome) {}

    @Override
    public void callerGone() {}
  }
}
