package io.courier.gateway.pending;

import io.courier.gateway.error.GatewayError;
import java.util.Map;

/** How a pending request ended, as handed to its {@link PendingRequest.Listener}. */
public sealed interface Outcome {

  /** The service replied in time. */
  record Replied(int status, Map<String, String> headers, byte[] body) implements Outcome {}

  /** The gateway answers with an error: deadline passed, or Kafka refused the request. */
  record Failed(GatewayError error, String detail) implements Outcome {}
}
