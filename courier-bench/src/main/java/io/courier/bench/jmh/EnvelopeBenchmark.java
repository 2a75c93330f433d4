package io.courier.bench.jmh;

import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Headers;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header codec on the gateway's hot path: a request envelope to Kafka headers (event loop, once per
 * request) and a reply's headers back to an envelope (reply consumer thread, once per reply). The baseline is
 * {@code emptyRequestHeaders}: building a headers object with only the correlation id, the least any
 * correlated request must carry.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class EnvelopeBenchmark {
  private RequestEnvelope request;
  private Headers replyHeaders;
  private Headers requestHeaders;

  @Setup
  public void setUp() {
    request =
        RequestEnvelope.builder()
            .profile(Profile.COURIER)
            .correlationId("bench-0123456789abcdef0123456789abcdef")
            .replyTopic("courier.responses")
            .replyPartition(0)
            .deadline(Instant.now().plusSeconds(10))
            .route("echo.POST /echo")
            .method("POST")
            .path("/echo")
            .headers(HeaderFields.of(
                "content-type", "application/json", "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"))
            .build();
    requestHeaders = request.toHeaders();
    replyHeaders =
        new ReplyEnvelope(request.correlationId(), 200, Map.of("content-type", "application/json"))
            .toHeaders(Profile.COURIER);
  }

  @Benchmark
  public Headers requestToHeaders() {
    return request.toHeaders();
  }

  @Benchmark
  public ReplyEnvelope replyFromHeaders() {
    return ReplyEnvelope.fromHeaders(replyHeaders);
  }

  /** The responder's side of the same request, for comparison. */
  @Benchmark
  public RequestEnvelope requestFromHeaders() {
    return RequestEnvelope.fromHeaders(requestHeaders);
  }

  @Benchmark
  public Headers baselineCorrelationHeaderOnly() {
    org.apache.kafka.common.header.internals.RecordHeaders headers =
        new org.apache.kafka.common.header.internals.RecordHeaders();
    headers.add("courier-correlation-id", request.correlationId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return headers;
  }
}
