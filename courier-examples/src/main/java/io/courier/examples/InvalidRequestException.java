package io.courier.examples;

/** A request a service cannot act on; the message names the offending field and becomes a 400 detail. */
public final class InvalidRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  public InvalidRequestException(String detail) {
    super(detail);
  }
}
