package io.courier.testing;

import io.courier.protocol.HeaderFields;
import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import java.time.Instant;
import java.util.Map;

/**
 * Request envelopes as the gateway writes them, with defaults a test overrides only where it matters:
 * {@code TestEnvelopes.request().method("POST").path("/orders").build()}.
 */
public final class TestEnvelopes {
  public static final String CORRELATION_ID = "gw-test.AAAAAAAAAAAAAAAAAAAAAA";
  public static final String REPLY_TOPIC = "courier.responses";

  private TestEnvelopes() {}

  /**
   * A Courier-profile request {@code GET /orders/42} ({@code id=42}) with reply partition 0, no deadline and
   * {@code accept: application/json}.
   */
  public static RequestEnvelope.Builder request() {
    return RequestEnvelope.builder()
        .profile(Profile.COURIER)
        .correlationId(CORRELATION_ID)
        .replyTopic(REPLY_TOPIC)
        .replyPartition(0)
        .deadline(Instant.MAX)
        .route("orders.get")
        .method("GET")
        .path("/orders/42")
        .pathParams(Map.of("id", "42"))
        .headers(HeaderFields.of("accept", "application/json"));
  }
}
