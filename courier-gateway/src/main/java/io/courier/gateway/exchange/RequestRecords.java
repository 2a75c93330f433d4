package io.courier.gateway.exchange;

import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.auth.Identity;
import io.courier.gateway.tracing.RequestTrace;
import io.courier.protocol.CallerIdentity;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.StreamMarkers;
import io.courier.protocol.RequestEnvelope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Step 6a: the request record of an exchange (docs/protocol.md, "The request record"). Header values are
 * forwarded as the bytes the caller sent, every value of a repeated header in order: {@code content-type},
 * then each header the route lists in {@code forward-headers}, then {@code idempotency-key} (the key, unquoted)
 * when the route uses idempotency keys and the caller sent one, then the request's trace context ({@code
 * traceparent}, {@code tracestate}; never the caller's own fields, which the trace continues), then who the
 * caller proved to be on routes with authentication ({@code courier-identity}, {@code courier-identity-kind},
 * {@code courier-identity-claim.*}); last, on streaming routes, {@code courier-stream}. Stateless.
 */
final class RequestRecords {
  private RequestRecords() {}

  static ProducerRecord<byte[], byte[]> record(
      RouteConfig route,
      String correlationId,
      String responseTopic,
      int replyPartition,
      Instant deadline,
      CallerRequest request,
      Map<String, String> pathParams,
      String idempotencyKey,
      byte[] key,
      byte[] body,
      RequestTrace trace,
      Identity identity) {
    HeaderFields.Builder headers = HeaderFields.builder();
    forward(request, HeaderNames.CONTENT_TYPE, headers);
    for (String name : route.forwardHeaders()) {
      if (!HeaderNames.isTraceContextHeader(name)) {
        forward(request, name, headers);
      }
    }
    if (idempotencyKey != null) {
      headers.add(HeaderNames.IDEMPOTENCY_KEY, idempotencyKey.getBytes(StandardCharsets.US_ASCII)); // as read: unquoted
    }
    trace.inject(headers);
    RequestEnvelope envelope =
        new RequestEnvelope(
            route.profile(),
            correlationId,
            responseTopic,
            replyPartition,
            deadline,
            route.name(),
            route.method(),
            request.target().path(),
            request.query(),
            pathParams,
            headers.build(),
            identity == null ? null : new CallerIdentity(identity.method().slug(), identity.name(), identity.claims()));
    org.apache.kafka.common.header.Headers recordHeaders = envelope.toHeaders();
    if (route.streams()) {
      StreamMarkers.markStreaming(recordHeaders, route.stream().idleTimeout().toMillis());
    }
    return new ProducerRecord<>(route.requestTopic(), null, key, body, recordHeaders);
  }

  private static void forward(CallerRequest request, String name, HeaderFields.Builder headers) {
    for (String value : request.headerValues(name)) {
      headers.add(name, value.getBytes(StandardCharsets.ISO_8859_1)); // one char per byte received: the bytes as sent
    }
  }
}
