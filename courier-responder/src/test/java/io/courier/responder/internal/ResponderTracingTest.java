package io.courier.responder.internal;

import static io.courier.responder.internal.TestRequests.REQUEST_TOPIC;
import static io.courier.responder.internal.TestRequests.envelope;
import static io.courier.responder.internal.TestRequests.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.responder.Reply;
import io.courier.responder.RequestHandler;
import io.courier.testing.FakeClock;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The trace of a request continued into its reply, with and without an OpenTelemetry SDK. */
class ResponderTracingTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String GATEWAY_SPAN = "00f067aa0ba902b7";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + GATEWAY_SPAN + "-01";

  private final FakeClock clock = new FakeClock(NOW);
  private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
  private final InMemorySpanExporter exported = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();

  @AfterEach
  void closeSdk() {
    provider.close();
  }

  private RequestProcessor processor(RequestHandler handler, OpenTelemetry openTelemetry) {
    return new RequestProcessor(
        REQUEST_TOPIC, handler, new ReplyProducer(producer), clock, new ResponderCounters(), ResponderLoop.Settings.DEFAULT_REPLY_TOPICS,
        Duration.ofMinutes(5), clock::schedule, Duration.ZERO, new ResponderTracing(openTelemetry, "orders-service"), Redelivery.NEVER);
  }

  private static ConsumerRecord<String, byte[]> tracedRequest(String correlationId, Instant deadline, String... traceHeaders) {
    ConsumerRecord<String, byte[]> record = record(2, 41, envelope(Profile.COURIER, correlationId, 0, deadline));
    for (int i = 0; i < traceHeaders.length; i += 2) {
      record.headers().add(traceHeaders[i], traceHeaders[i + 1].getBytes(StandardCharsets.US_ASCII));
    }
    return record;
  }

  private ProducerRecord<String, byte[]> onlyReply() {
    assertThat(producer.history()).hasSize(1);
    return producer.history().get(0);
  }

  private static List<String> values(ProducerRecord<String, byte[]> record, String name) {
    List<String> values = new ArrayList<>();
    for (Header header : record.headers().headers(name)) {
      values.add(new String(header.value(), StandardCharsets.US_ASCII));
    }
    return values;
  }

  @Test
  void withoutAnSdkTheReplyCarriesTheRequestsTraceContextUnchanged() {
    RequestProcessor processor = processor(RequestHandler.of(request -> Reply.status(200)), OpenTelemetry.noop());

    processor.process(tracedRequest("c-1", NOW.plusSeconds(30), "traceparent", TRACEPARENT, "tracestate", "congo=t61rcWkgMzE"));

    ProducerRecord<String, byte[]> reply = onlyReply();
    assertThat(values(reply, "traceparent")).containsExactly(TRACEPARENT);
    assertThat(values(reply, "tracestate")).containsExactly("congo=t61rcWkgMzE");
    assertThat(ReplyEnvelope.fromHeaders(reply.headers()).headers().toMap()).as("not for the HTTP response").doesNotContainKey("traceparent");
  }

  @Test
  void aRequestWithoutTraceContextGetsAReplyWithout() {
    processor(RequestHandler.of(request -> Reply.status(200)), OpenTelemetry.noop()).process(tracedRequest("c-1", NOW.plusSeconds(30)));

    assertThat(values(onlyReply(), "traceparent")).isEmpty();
  }

  @Test
  void withAnSdkTheHandlerRunsInAChildSpanWhoseContextTheReplyCarries() {
    AtomicReference<String> seenByHandler = new AtomicReference<>();
    RequestProcessor processor =
        processor(
            RequestHandler.of(request -> {
              seenByHandler.set(Span.current().getSpanContext().getSpanId());
              return Reply.status(201);
            }),
            OpenTelemetrySdk.builder().setTracerProvider(provider).build());

    processor.process(tracedRequest("c-2", NOW.plusSeconds(30), "traceparent", TRACEPARENT));

    assertThat(exported.getFinishedSpanItems()).hasSize(1);
    SpanData span = exported.getFinishedSpanItems().get(0);
    assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(span.getParentSpanId()).isEqualTo(GATEWAY_SPAN);
    assertThat(span.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(span.getName()).isEqualTo("process " + REQUEST_TOPIC);
    assertThat(seenByHandler.get()).isEqualTo(span.getSpanId());
    assertThat(values(onlyReply(), "traceparent")).containsExactly("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo(REQUEST_TOPIC);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.partition.id"))).isEqualTo("2");
    assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset"))).isEqualTo(41L);
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.consumer.group.name"))).isEqualTo("orders-service");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.conversation_id"))).isEqualTo("c-2");
    assertThat(span.getAttributes().get(AttributeKey.longKey("courier.status"))).isEqualTo(201L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void aHandlerThatSetsTraceparentOnItsReplyDoesNotMakeASecondOne() {
    RequestProcessor processor =
        processor(RequestHandler.of(request -> Reply.status(200).header("traceparent", "00-" + "1".repeat(32) + "-" + "2".repeat(16) + "-01")),
            OpenTelemetry.noop());

    processor.process(tracedRequest("c-3", NOW.plusSeconds(30), "traceparent", TRACEPARENT));

    assertThat(values(onlyReply(), "traceparent")).containsExactly(TRACEPARENT);
  }

  @Test
  void aFailingHandlerEndsItsSpanAsAnError() {
    RequestProcessor processor =
        processor(RequestHandler.of(request -> {
          throw new IllegalStateException("boom");
        }), OpenTelemetrySdk.builder().setTracerProvider(provider).build());

    processor.process(tracedRequest("c-4", NOW.plusSeconds(30), "traceparent", TRACEPARENT));

    SpanData span = exported.getFinishedSpanItems().get(0);
    assertThat(span.getAttributes().get(AttributeKey.longKey("courier.status"))).isEqualTo(500L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void anExpiredRequestIsNeitherHandledNorTraced() {
    processor(RequestHandler.of(request -> Reply.status(200)), OpenTelemetrySdk.builder().setTracerProvider(provider).build())
        .process(tracedRequest("c-5", NOW.minusSeconds(1), "traceparent", TRACEPARENT));

    assertThat(producer.history()).isEmpty();
    assertThat(exported.getFinishedSpanItems()).isEmpty();
  }
}
