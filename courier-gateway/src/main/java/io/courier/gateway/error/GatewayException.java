package io.courier.gateway.error;

/** A request step failed in a way the gateway answers itself; carries the error and a detail for the caller. */
public final class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final transient GatewayError error;

  public GatewayException(GatewayError error, String detail) {
    super(detail, null, false, false); // control flow on bad input: no stack trace to fill
    this.error = error;
  }

  public GatewayError error() {
    return error;
  }
}
