package io.courier.gateway.pending;

import io.courier.gateway.error.GatewayError;
import io.courier.protocol.HeaderFields;

/** How a pending request ended, as handed to its {@link PendingRequest.Listener}. */
public sealed interface Outcome {

  /**
   * The service replied in time.
   *
   * @param status the HTTP status the service chose
   * @param headers the HTTP header fields of the reply, as the service wrote them (repeats and bytes kept)
   * @param body the body; shared, do not modify
   */
  record Replied(int status, HeaderFields headers, byte[] body) implements Outcome {}

  /** The gateway answers with an error: deadline passed, or Kafka refused the request. */
  record Failed(GatewayError error, String detail) implements Outcome {}
}
