package io.courier.responder.internal;

import io.courier.protocol.RequestEnvelope;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The responder's side of W3C Trace Context: a span (kind CONSUMER, {@code process <request topic>}, after
 * OpenTelemetry's messaging conventions) per request handled, child of the context the request record carries,
 * current while the handler is called, and written into the reply record as {@code traceparent}/{@code
 * tracestate}. With the no-op OpenTelemetry (no SDK installed) there is no span of its own, and the reply
 * carries the request's context unchanged: the trace still reaches the reply. Thread-safe.
 */
final class ResponderTracing {
  static final String INSTRUMENTATION_SCOPE = "io.courier.responder";
  private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
  private static final AttributeKey<String> MESSAGING_SYSTEM = AttributeKey.stringKey("messaging.system");
  private static final AttributeKey<String> MESSAGING_OPERATION = AttributeKey.stringKey("messaging.operation.type");
  private static final AttributeKey<String> MESSAGING_DESTINATION = AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> MESSAGING_PARTITION = AttributeKey.stringKey("messaging.destination.partition.id");
  private static final AttributeKey<Long> MESSAGING_KAFKA_OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  private static final AttributeKey<String> MESSAGING_CONSUMER_GROUP = AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> MESSAGING_CONVERSATION_ID = AttributeKey.stringKey("messaging.message.conversation_id");
  private static final AttributeKey<Long> COURIER_STATUS = AttributeKey.longKey("courier.status");
  private static final AttributeKey<String> COURIER_OUTCOME = AttributeKey.stringKey("courier.outcome");

  /** The last value of a header of the request record. */
  private static final TextMapGetter<Headers> RECORD_HEADERS =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
          List<String> keys = new ArrayList<>();
          for (Header header : carrier) {
            keys.add(header.key());
          }
          return keys;
        }

        @Override
        public String get(Headers carrier, String key) {
          Header header = carrier == null ? null : carrier.lastHeader(key);
          return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.ISO_8859_1);
        }
      };

  /** Replaces whatever the handler's reply may have set under the same name: one trace context per record. */
  private static final TextMapSetter<Headers> REPLY_HEADERS =
      (headers, key, value) -> headers.remove(key).add(key, value.getBytes(StandardCharsets.US_ASCII));

  static final ResponderTracing NOOP = new ResponderTracing(OpenTelemetry.noop(), null);

  private final Tracer tracer;
  private final String groupId;

  ResponderTracing(OpenTelemetry openTelemetry, String groupId) {
    this.tracer = openTelemetry.getTracer(INSTRUMENTATION_SCOPE);
    this.groupId = groupId;
  }

  /** Starts the span of a request about to be handled. */
  Span start(ConsumerRecord<?, ?> record, RequestEnvelope request) {
    Context parent = W3C.extract(Context.root(), record.headers(), RECORD_HEADERS);
    var builder =
        tracer
            .spanBuilder("process " + record.topic())
            .setParent(parent)
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(MESSAGING_SYSTEM, "kafka")
            .setAttribute(MESSAGING_OPERATION, "process")
            .setAttribute(MESSAGING_DESTINATION, record.topic())
            .setAttribute(MESSAGING_PARTITION, Integer.toString(record.partition()))
            .setAttribute(MESSAGING_KAFKA_OFFSET, record.offset())
            .setAttribute(MESSAGING_CONVERSATION_ID, request.correlationId());
    if (groupId != null) {
      builder.setAttribute(MESSAGING_CONSUMER_GROUP, groupId);
    }
    return builder.startSpan();
  }

  /** Writes the span's context into the reply record's headers; nothing when it has none. */
  static void inject(Span span, Headers reply) {
    W3C.inject(Context.root().with(span), reply, REPLY_HEADERS);
  }

  /** Ends the span of a request: what became of it, and its reply's status when one was sent. */
  static void end(Span span, RequestProcessor.Outcome outcome, int status) {
    span.setAttribute(COURIER_OUTCOME, outcome.name().toLowerCase(java.util.Locale.ROOT));
    if (outcome == RequestProcessor.Outcome.ANSWERED || outcome == RequestProcessor.Outcome.FAILED) {
      span.setAttribute(COURIER_STATUS, status);
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
    } else if (outcome == RequestProcessor.Outcome.REPLY_FAILED) {
      span.setStatus(StatusCode.ERROR, "the reply was not produced");
    } else if (outcome == RequestProcessor.Outcome.ABANDONED) {
      span.setStatus(StatusCode.ERROR, "the handler did not finish by the request's deadline");
    }
    span.end();
  }
}
