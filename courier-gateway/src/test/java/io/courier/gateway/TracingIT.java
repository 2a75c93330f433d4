package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import io.courier.testing.FakeService;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One trace from the caller through the gateway and a responder and back (docs/operations.md, "Tracing"),
 * against a real broker: the caller's trace id on the request record, in the responder's reply and in the
 * exported spans; and spans leaving over OTLP/HTTP when configured.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class TracingIT {
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CALLER_SPAN = "00f067aa0ba902b7";
  private static final String CALLER = "00-" + TRACE_ID + "-" + CALLER_SPAN + "-01";

  @Test
  void theCallersTraceRunsThroughTheRequestRecordTheResponderAndTheReply(EmbeddedKafka kafka) {
    kafka.createTopic("trace.requests", 2);
    GatewayTester.createResponseTopic(kafka, "trace.responses", 1);
    InMemorySpanExporter gatewaySpans = InMemorySpanExporter.create();
    InMemorySpanExporter responderSpans = InMemorySpanExporter.create();
    AtomicReference<String> requestTraceparent = new AtomicReference<>();
    String yaml = """
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: trace.responses}
        services:
          - {name: s, request-topic: trace.requests, routes: [{name: item, method: POST, path: "/items/{id}", key: "path:id"}]}
        """;
    try (SdkTracerProvider gatewayProvider = provider(gatewaySpans);
        SdkTracerProvider responderProvider = provider(responderSpans);
        Responder responder =
            Responder.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .requestTopic("trace.requests")
                .groupId("trace-service")
                .openTelemetry(OpenTelemetrySdk.builder().setTracerProvider(responderProvider).build())
                .syncHandler(request -> {
                  requestTraceparent.set(request.header("traceparent").orElse(null));
                  return Reply.status(201).json("{}");
                })
                .build()
                .start();
        GatewayTester gateway =
            GatewayTester.start(kafka.bootstrapServers(), yaml, OpenTelemetrySdk.builder().setTracerProvider(gatewayProvider).build())) {

      HttpResponse<String> response = gateway.send("POST", "/items/i-1", "{}", "traceparent", CALLER, "tracestate", "congo=t61rcWkgMzE");

      assertThat(response.statusCode()).isEqualTo(201);
      assertThat(response.headers().firstValue("traceparent")).as("the reply record's context stays in Kafka").isEmpty();
      await().atMost(Duration.ofSeconds(10)).until(() -> gatewaySpans.getFinishedSpanItems().size() == 1
          && responderSpans.getFinishedSpanItems().size() == 1);
      SpanData gatewaySpan = gatewaySpans.getFinishedSpanItems().get(0);
      SpanData responderSpan = responderSpans.getFinishedSpanItems().get(0);
      // caller → gateway span → request record → responder span → reply record
      assertThat(gatewaySpan.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(gatewaySpan.getParentSpanId()).isEqualTo(CALLER_SPAN);
      assertThat(gatewaySpan.getKind()).isEqualTo(SpanKind.SERVER);
      assertThat(requestTraceparent.get()).isEqualTo("00-" + TRACE_ID + "-" + gatewaySpan.getSpanId() + "-01");
      assertThat(responderSpan.getTraceId()).isEqualTo(TRACE_ID);
      assertThat(responderSpan.getParentSpanId()).isEqualTo(gatewaySpan.getSpanId());
      String correlationId = gatewaySpan.getAttributes().get(AttributeKey.stringKey("messaging.message.conversation_id"));
      assertThat(replyTraceparent(kafka.bootstrapServers(), correlationId))
          .isEqualTo("00-" + TRACE_ID + "-" + responderSpan.getSpanId() + "-01");
      // the gateway's span: route, topic, partition, outcome
      assertThat(gatewaySpan.getName()).isEqualTo("POST /items/{id}");
      assertThat(gatewaySpan.getAttributes().get(AttributeKey.stringKey("courier.route"))).isEqualTo("item");
      assertThat(gatewaySpan.getAttributes().get(AttributeKey.stringKey("messaging.destination.name"))).isEqualTo("trace.requests");
      assertThat(gatewaySpan.getAttributes().get(AttributeKey.stringKey("messaging.destination.partition.id")))
          .isEqualTo(responderSpan.getAttributes().get(AttributeKey.stringKey("messaging.destination.partition.id")));
      assertThat(gatewaySpan.getAttributes().get(AttributeKey.longKey("http.response.status_code"))).isEqualTo(201L);
      assertThat(gatewaySpan.getAttributes().get(AttributeKey.stringKey("courier.outcome"))).isEqualTo("replied");
      assertThat(gatewaySpan.getEvents()).extracting(EventData::getName).containsExactly("produced", "reply");
    }
  }

  @Test
  void withTheOtlpExporterSpansReachTheCollector(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("otlp.requests", 1);
    GatewayTester.createResponseTopic(kafka, "otlp.responses", 1);
    List<Export> exports = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", exchange -> {
      exports.add(new Export(exchange.getRequestHeaders().getFirst("content-type"), exchange.getRequestBody().readAllBytes()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    String yaml = """
        instance-id: otlp-gw
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: otlp.responses}
        tracing: {exporter: otlp, otlp-endpoint: "http://127.0.0.1:%d/v1/traces", service-name: orders-gateway}
        services:
          - {name: s, request-topic: otlp.requests, routes: [{name: item, method: POST, path: "/items/{id}"}]}
        """.formatted(collector.getAddress().getPort());
    try (FakeService service = new FakeService(kafka.bootstrapServers(), "otlp.requests")) {
      GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml);
      try {
        assertThat(gateway.send("POST", "/items/i-1", "{}", "traceparent", CALLER).statusCode()).isEqualTo(200);
      } finally {
        gateway.close(); // flushes the batch
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> !exports.isEmpty());
    } finally {
      collector.stop(0);
    }
    Export export = exports.get(0);
    assertThat(export.contentType()).isEqualTo("application/x-protobuf");
    // The protobuf carries ids as raw bytes and names as UTF-8: look for them in the body.
    assertThat(indexOf(export.body(), HexFormat.of().parseHex(TRACE_ID))).as("the caller's trace id").isNotNegative();
    assertThat(indexOf(export.body(), "POST /items/{id}".getBytes(StandardCharsets.UTF_8))).as("the span's name").isNotNegative();
    assertThat(indexOf(export.body(), "orders-gateway".getBytes(StandardCharsets.UTF_8))).as("service.name").isNotNegative();
    assertThat(indexOf(export.body(), "otlp-gw".getBytes(StandardCharsets.UTF_8))).as("service.instance.id").isNotNegative();
  }

  private record Export(String contentType, byte[] body) {}

  private static SdkTracerProvider provider(InMemorySpanExporter exporter) {
    return SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  }

  /** The {@code traceparent} of the reply record with this correlation id on the response topic. */
  private static String replyTraceparent(String bootstrap, String correlationId) {
    TopicPartition partition = new TopicPartition("trace.responses", 0);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      long end = consumer.endOffsets(List.of(partition)).get(partition);
      List<String> found = new ArrayList<>();
      while (consumer.position(partition) < end) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          var id = record.headers().lastHeader("courier-correlation-id");
          var traceparent = record.headers().lastHeader("traceparent");
          if (id != null && correlationId.equals(new String(id.value(), StandardCharsets.UTF_8)) && traceparent != null) {
            found.add(new String(traceparent.value(), StandardCharsets.US_ASCII));
          }
        }
      }
      assertThat(found).hasSize(1);
      return found.get(0);
    }
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
