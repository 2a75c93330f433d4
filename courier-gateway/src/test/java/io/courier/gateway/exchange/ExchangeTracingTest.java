package io.courier.gateway.exchange;

import static io.courier.gateway.exchange.ExchangeHarness.route;
import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.exchange.ExchangeHarness.Published;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.RequestEnvelope;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W3C Trace Context on request records, and the gateway's span of each exchange (OpenTelemetry SDK with an
 * in-memory exporter). Without a broker or HTTP server.
 */
class ExchangeTracingTest {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String CALLER = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";

  private static List<String> headers(Published published, String name) {
    List<String> values = new ArrayList<>();
    for (Header header : published.record().headers().headers(name)) {
      values.add(new String(header.value(), StandardCharsets.US_ASCII));
    }
    return values;
  }

  private static String traceId(String traceparent) {
    return traceparent.split("-")[1];
  }

  /** The default: no spans, the caller's context passed on or a new one started. */
  @Nested
  class WithoutAnExporter {
    private final ExchangeHarness harness =
        new ExchangeHarness(route("GET", "/orders/{id}", KeySource.NONE, 10, 1024, List.of("traceparent", "x-request-id")));

    @AfterEach
    void nothingIsLeftHeld() {
      assertThat(harness.slotsHeld()).isZero();
      assertThat(harness.pending.size()).isZero();
    }

    @Test
    void theCallersTraceContextGoesIntoTheRecordAsItCame() {
      Caller caller = harness.caller("GET", "/orders/1").header("traceparent", CALLER).header("tracestate", "congo=t61rcWkgMzE");
      Exchange exchange = harness.send(caller);

      Published published = harness.takePublished();
      assertThat(headers(published, "traceparent")).as("once, though the route also forwards it").containsExactly(CALLER);
      assertThat(headers(published, "tracestate")).containsExactly("congo=t61rcWkgMzE");
      assertThat(exchange.traceparent()).isEqualTo(CALLER);
      exchange.fail(io.courier.gateway.error.GatewayError.INTERNAL_ERROR, "end of test");
      harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
    }

    @Test
    void repeatedTracestateFieldsAreJoinedInOrder() {
      Caller caller =
          harness.caller("GET", "/orders/1").header("traceparent", CALLER).header("tracestate", "a=1").header("tracestate", "b=2");
      harness.send(caller);

      Published published = harness.takePublished();
      assertThat(headers(published, "tracestate")).containsExactly("a=1,b=2");
      harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
    }

    @Test
    void aCallerWithoutTraceContextGetsANewUnsampledTraceEachTime() {
      harness.send(harness.caller("GET", "/orders/1"));
      harness.send(harness.caller("GET", "/orders/2"));

      List<String> traceparents = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Published published = harness.takePublished();
        traceparents.addAll(headers(published, "traceparent"));
        assertThat(headers(published, "tracestate")).isEmpty();
        harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
      }
      assertThat(traceparents).hasSize(2).allMatch(value -> value.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00"));
      assertThat(traceId(traceparents.get(0))).isNotEqualTo(traceId(traceparents.get(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01", // upper case
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01", // all-zero trace id
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", // all-zero parent id
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", // version ff is invalid
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7", // no flags
        "Bearer 4bf92f3577b34da6a3ce929d0e0e4736", // not trace context at all
        ""})
    void anInvalidTraceparentStartsANewTraceAndIsNotPassedOn(String invalid) {
      harness.send(harness.caller("GET", "/orders/1").header("traceparent", invalid).header("tracestate", "a=1"));

      Published published = harness.takePublished();
      List<String> written = headers(published, "traceparent");
      assertThat(written).hasSize(1).doesNotContain(invalid);
      assertThat(written.get(0)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").doesNotContain(TRACE_ID);
      assertThat(headers(published, "tracestate")).as("W3C: tracestate without a valid traceparent is dropped").isEmpty();
      harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
    }

    @Test
    void twoTraceparentFieldsAreInvalidTogether() {
      harness.send(harness.caller("GET", "/orders/1").header("traceparent", CALLER).header("traceparent", CALLER));

      Published published = harness.takePublished();
      assertThat(headers(published, "traceparent")).hasSize(1).noneMatch(value -> value.contains(TRACE_ID));
      harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
    }
  }

  /** With an OpenTelemetry SDK: one SERVER span per exchange. */
  @Nested
  class WithSpans {
    private final InMemorySpanExporter exported = InMemorySpanExporter.create();
    private final SdkTracerProvider provider =
        SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exported)).build();
    private final ExchangeHarness harness =
        ExchangeHarness.withTracing(
            OpenTelemetrySdk.builder().setTracerProvider(provider).build(),
            route("POST", "/orders/{id}", KeySource.NONE, 1, 1024, List.of()));

    @AfterEach
    void nothingIsLeftHeld() {
      assertThat(harness.slotsHeld()).isZero();
      assertThat(harness.pending.size()).isZero();
      provider.close();
    }

    private SpanData onlySpan() {
      List<SpanData> spans = exported.getFinishedSpanItems();
      assertThat(spans).hasSize(1);
      return spans.get(0);
    }

    @Test
    void theSpanContinuesTheCallersTraceAndTheRecordCarriesTheSpan() {
      Caller caller = harness.caller("POST", "/orders/7").header("traceparent", CALLER);
      harness.send(caller);
      Published published = harness.takePublished();
      published.acknowledge();
      String correlationId = RequestEnvelope.fromHeaders(published.record().headers()).correlationId();
      assertThat(exported.getFinishedSpanItems()).as("ends only with the answer").isEmpty();

      harness.pending.complete(correlationId, new Outcome.Replied(201, HeaderFields.of(), "{}".getBytes(StandardCharsets.UTF_8)));

      SpanData span = onlySpan();
      assertThat(span.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(span.getParentSpanId()).isEqualTo(CALLER_SPAN);
      assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(span.getName()).isEqualTo("POST /orders/{id}");
      assertThat(headers(published, "traceparent")).containsExactly("00-" + TRACE_ID + "-" + span.getSpanId() + "-01");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("http.route"))).isEqualTo("/orders/{id}");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("http.request.method"))).isEqualTo("POST");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("courier.route"))).isEqualTo("svc.POST /orders/{id}");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.system"))).isEqualTo("kafka");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("svc.requests");
      assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.destination.partition.id"))).isEqualTo("0");
      assertThat(span.getAttributes().get(AttributeKey.longKey("messaging.kafka.offset"))).isEqualTo(0L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("messaging.message.conversation_id"))).isEqualTo(correlationId);
      assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(201L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("courier.outcome"))).isEqualTo("replied");
      assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("produced", "reply");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }

    @Test
    void aCallerWithoutTraceContextStartsATraceAtTheGateway() {
      harness.send(harness.caller("POST", "/orders/7"));
      Published published = harness.takePublished();
      published.acknowledge();
      harness.clock.advance(ExchangeHarness.TIMEOUT);

      SpanData span = onlySpan();
      assertThat(span.getParentSpanContext().isValid()).isFalse();
      assertThat(span.getSpanContext().isSampled()).isTrue();
      // Flags 01 (sampled), or 03 where the SDK also marks its trace ids random (W3C Trace Context level 2).
      assertThat(headers(published, "traceparent"))
          .containsExactly("00-" + span.getTraceId() + "-" + span.getSpanId() + "-" + span.getSpanContext().getTraceFlags().asHex());
    }

    @Test
    void aTimeoutIsAnErrorSpanNamingTheGatewaysError() {
      harness.send(harness.caller("POST", "/orders/7").header("traceparent", CALLER));
      harness.takePublished().acknowledge();

      harness.clock.advance(ExchangeHarness.TIMEOUT);

      SpanData span = onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(504L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("timeout");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getEvents()).extracting(EventData::getName).containsExactly("produced");
    }

    @Test
    void aReplyWithA5xxStatusIsAnErrorSpanNamingTheStatus() {
      harness.send(harness.caller("POST", "/orders/7"));
      Published published = harness.takePublished();
      published.acknowledge();

      harness.pending.complete(
          RequestEnvelope.fromHeaders(published.record().headers()).correlationId(), new Outcome.Replied(503, HeaderFields.of(), new byte[0]));

      SpanData span = onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.stringKey("error.type"))).isEqualTo("503");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    }

    @Test
    void aRequestRefusedAtAdmissionStillHasItsSpan() {
      Caller first = harness.caller("POST", "/orders/1");
      harness.send(first);
      Published published = harness.takePublished();
      Caller refused = harness.caller("POST", "/orders/2");

      harness.send(refused); // the route takes one at a time

      SpanData span = onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(503L);
      assertThat(span.getAttributes().get(AttributeKey.stringKey("courier.outcome"))).isEqualTo("overloaded");
      assertThat(span.getEvents()).isEmpty();
      published.acknowledge();
      harness.pending.expire(RequestEnvelope.fromHeaders(published.record().headers()).correlationId());
    }

    @Test
    void aCallerRefusedByAuthenticationGetsNoSpanWhateverItsTraceparentAsks() {
      Caller refused = harness.caller("POST", "/orders/7").header("traceparent", CALLER);

      harness.open(refused, new io.courier.gateway.auth.Authentication.Refused(
          io.courier.gateway.error.GatewayError.UNAUTHORIZED, "missing", "this route requires api-key", null));

      assertThat(((Outcome.Failed) refused.onlyAnswer()).error()).isEqualTo(io.courier.gateway.error.GatewayError.UNAUTHORIZED);
      assertThat(exported.getFinishedSpanItems()).as("a sampled traceparent without credentials fills no exporter queue").isEmpty();
    }

    @Test
    void aCallerThatLeavesEndsTheSpanWithoutAStatus() {
      Exchange exchange = harness.send(harness.caller("POST", "/orders/7"));
      harness.takePublished().acknowledge();

      exchange.callerGone();

      SpanData span = onlySpan();
      assertThat(span.getAttributes().get(AttributeKey.stringKey("courier.outcome"))).isEqualTo("caller_gone");
      assertThat(span.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isNull();
    }
  }
}
