package io.courier.protocol;

/** A record does not follow the Courier protocol: a header is missing or cannot be decoded. */
public final class ProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ProtocolException(String message) {
    super(message);
  }
}
