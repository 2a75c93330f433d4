package io.courier.gateway.tracing;

import io.courier.gateway.config.RouteConfig;
import io.courier.protocol.HeaderFields;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.function.Function;

/**
 * A span per routed request, kind SERVER, named {@code <METHOD> <path template>} and with attributes after
 * OpenTelemetry's HTTP and messaging semantic conventions: from admission to the answer, with events when
 * Kafka acknowledged the record ({@code produced}) and when the reply was read ({@code reply}). A 5xx answer
 * sets the span's status to ERROR. The request record carries the span's context.
 */
class SpanTracing extends Tracing {
  static final String INSTRUMENTATION_SCOPE = "io.courier.gateway";

  static final AttributeKey<String> HTTP_REQUEST_METHOD = AttributeKey.stringKey("http.request.method");
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE = AttributeKey.longKey("http.response.status_code");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> MESSAGING_PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> MESSAGING_KAFKA_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> MESSAGING_CONVERSATION_ID = AttributeKey.stringKey("messaging.message.conversation_id");
  static final AttributeKey<String> COURIER_ROUTE = AttributeKey.stringKey("courier.route");
  static final AttributeKey<String> COURIER_OUTCOME = AttributeKey.stringKey("courier.outcome");

  private final Tracer tracer;
  private final Runnable onClose;

  SpanTracing(OpenTelemetry openTelemetry, Runnable onClose) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    this.onClose = onClose;
  }

  @Override
  public RequestTrace start(RouteConfig route, Function<String, List<String>> callerHeaders) {
    Span span =
        tracer
            .spanBuilder(route.method() + " " + route.path())
            .setParent(callerContext(callerHeaders))
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HTTP_REQUEST_METHOD, route.method())
            .setAttribute(HTTP_ROUTE, route.path())
            .setAttribute(COURIER_ROUTE, route.name())
            .startSpan();
    return new Spanned(span);
  }

  @Override
  public void close() {
    onClose.run();
  }

  private record Spanned(Span span) implements RequestTrace {
    @Override
    public void inject(HeaderFields.Builder headers) {
      Tracing.inject(span.getSpanContext(), headers);
    }

    @Override
    public String traceparent() {
      return Tracing.traceparent(span.getSpanContext());
    }

    @Override
    public void published(String topic, String correlationId) {
      span.setAttribute(MESSAGING_SYSTEM, "kafka");
      span.setAttribute(MESSAGING_DESTINATION, topic);
      span.setAttribute(MESSAGING_CONVERSATION_ID, correlationId);
    }

    @Override
    public void produced(int partition, long offset) {
      span.setAttribute(MESSAGING_PARTITION, Integer.toString(partition));
      span.setAttribute(MESSAGING_KAFKA_OFFSET, offset);
      span.addEvent("produced");
    }

    @Override
    public void replied() {
      span.addEvent("reply");
    }

    @Override
    public void answered(int status, String outcome) {
      span.setAttribute(HTTP_RESPONSE_STATUS_CODE, status);
      span.setAttribute(COURIER_OUTCOME, outcome);
      if (status >= 500) {
        // HTTP server spans: only 5xx are errors (4xx are the caller's).
        span.setAttribute(ERROR_TYPE, "replied".equals(outcome) ? Integer.toString(status) : outcome);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }

    @Override
    public void callerGone() {
      span.setAttribute(COURIER_OUTCOME, "caller_gone");
      span.end();
    }
  }
}
