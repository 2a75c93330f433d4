package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TracingConfigTest {
  private static GatewayConfig load(String tracing) {
    return load(tracing, "[]");
  }

  private static GatewayConfig load(String tracing, String forwardHeaders) {
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        %s
        services:
          - {name: s, request-topic: t, forward-headers: %s, routes: [{method: GET, path: /a}]}
        """.formatted(tracing, forwardHeaders));
  }

  @Test
  void byDefaultTraceContextIsPassedOnAndNoSpansAreExported() {
    assertThat(load("").tracing()).isEqualTo(TracingConfig.NONE);
    assertThat(TracingConfig.NONE.exporter()).isEqualTo(TracingConfig.Exporter.NONE);
  }

  @Test
  void everySettingIsRead() {
    TracingConfig tracing =
        load("tracing: {exporter: otlp, otlp-endpoint: \"https://collector:4318/v1/traces\", sample-ratio: 0.1, service-name: edge}").tracing();

    assertThat(tracing).isEqualTo(new TracingConfig(TracingConfig.Exporter.OTLP, URI.create("https://collector:4318/v1/traces"), 0.1, "edge"));
  }

  @Test
  void badValuesAreRefusedWithTheirPath() {
    assertThatThrownBy(() -> load("tracing: {exporter: jaeger}")).hasMessageContaining("tracing.exporter: must be none or otlp, was \"jaeger\"");
    assertThatThrownBy(() -> load("tracing: {otlp-endpoint: \"collector:4318\"}")).hasMessageContaining("tracing.otlp-endpoint: must be an http or https URL");
    assertThatThrownBy(() -> load("tracing: {otlp-endpoint: \"ftp://collector/v1/traces\"}")).hasMessageContaining("tracing.otlp-endpoint");
    assertThatThrownBy(() -> load("tracing: {otlp-endpoint: \"http://bad host/\"}")).hasMessageContaining("tracing.otlp-endpoint");
    assertThatThrownBy(() -> load("tracing: {sample-ratio: 2}")).hasMessageContaining("tracing.sample-ratio: must be a number from 0 to 1, was \"2\"");
    assertThatThrownBy(() -> load("tracing: {service-name: \" \"}")).hasMessageContaining("tracing.service-name: must not be empty");
    assertThatThrownBy(() -> load("tracing: {exporter: otlp, endpoint: x}")).hasMessageContaining("endpoint");
  }

  @Test
  void forwardingTraceContextHeadersIsAcceptedWithAWarningAndChangesNothing() {
    GatewayConfig config = load("", "[traceparent, tracestate, x-request-id]");

    assertThat(config.routes().get(0).forwardHeaders()).containsExactly("x-request-id");
    assertThat(config.warnings()).hasSize(2).allMatch(warning -> warning.contains("always written by the gateway"));
  }
}
