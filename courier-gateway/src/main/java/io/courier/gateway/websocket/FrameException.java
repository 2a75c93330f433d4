package io.courier.gateway.websocket;

import io.courier.gateway.error.GatewayError;

/** A client frame that cannot be a request: answered with a problem frame, the socket stays open. */
final class FrameException extends Exception {
  private final String id;
  private final GatewayError error;

  /** @param id the frame's id when it could be read, else {@code null} */
  FrameException(String id, GatewayError error, String detail) {
    super(detail, null, false, false); // expected input, no stack trace needed
    this.id = id;
    this.error = error;
  }

  String id() {
    return id;
  }

  GatewayError error() {
    return error;
  }
}
