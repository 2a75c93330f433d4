package io.courier.gateway.tracing;

import io.courier.gateway.config.TracingConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;

/**
 * {@link SpanTracing} with an SDK of the gateway's own: spans batched (the SDK's {@link BatchSpanProcessor}:
 * a queue of 2048 and a thread of its own; spans past a full queue are dropped, never waited for) and sent over
 * OTLP/HTTP; new traces sampled at {@link TracingConfig#sampleRatio()}, callers' decisions followed.
 */
final class OtlpTracing {
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_INSTANCE_ID = AttributeKey.stringKey("service.instance.id");

  private OtlpTracing() {}

  static Tracing create(TracingConfig config, String instanceId) {
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setResource(Resource.getDefault().merge(Resource.create(
                Attributes.of(SERVICE_NAME, config.serviceName(), SERVICE_INSTANCE_ID, instanceId))))
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())))
            .addSpanProcessor(
                BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder().setEndpoint(config.otlpEndpoint().toString()).build())
                    .build())
            .build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder().setTracerProvider(provider).build();
    // On shutdown: what is queued is sent, for up to 5 s.
    return new SpanTracing(sdk, () -> provider.shutdown().join(5, TimeUnit.SECONDS));
  }
}
