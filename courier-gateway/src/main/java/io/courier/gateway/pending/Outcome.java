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

  /**
   * The gateway answers with an error: deadline passed, or Kafka refused the request.
   *
   * @param resultId where a late reply will be kept ({@code Location} of a 504), or {@code null}
   */
  record Failed(GatewayError error, String detail, String resultId) implements Outcome {
    public Failed(GatewayError error, String detail) {
      this(error, detail, null);
    }
  }

  /**
   * The command is durably in Kafka and its result will be at {@code resultId}: answered 202 (RFC 7240
   * {@code respond-async}).
   *
   * @param resultId the id in the result's {@code Location}
   * @param preferenceApplied the {@code Preference-Applied} value
   * @param statusDocument the result's status document (JSON); shared, do not modify
   */
  record Accepted(String resultId, String preferenceApplied, byte[] statusDocument) implements Outcome {}
}
