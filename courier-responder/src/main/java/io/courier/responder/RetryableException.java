package io.courier.responder;

/**
 * Thrown by a handler (or completing its stage) when a request failed for a reason that may pass: a
 * dependency that timed out or is restarting, a lock held by someone else. Any other exception is a
 * permanent failure (the same request would fail the same way: a bug, a request the service cannot do).
 *
 * <ul>
 *   <li>In {@link GroupType#SHARE share-group} mode, the record is released (Kafka's {@code RELEASE}) and
 *       delivered again, to this or another instance, as long as the request's deadline has not passed and
 *       this was not the last delivery attempt; no reply is sent meanwhile. Otherwise it is answered as below.
 *   <li>Otherwise (and in {@link GroupType#CONSUMER consumer-group} mode, which cannot retry one record), the
 *       caller is answered at once with a {@code 503} problem reply, so that it may retry later; a permanent
 *       failure is answered {@code 500}.
 * </ul>
 *
 * <p>Immutable and thread-safe, like any exception that is not changed after it is thrown.
 */
public class RetryableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RetryableException(String message) {
    super(message);
  }

  public RetryableException(String message, Throwable cause) {
    super(message, cause);
  }
}
