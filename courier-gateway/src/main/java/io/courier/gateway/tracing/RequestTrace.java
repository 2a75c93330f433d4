package io.courier.gateway.tracing;

import io.courier.protocol.HeaderFields;

/**
 * The trace of one routed request: its W3C trace context, and its span when spans are recorded. The span
 * (kind SERVER) runs from admission to the answer; the request record carries its context, so the service's
 * span is its child.
 *
 * <p>{@link #produced} and {@link #replied} may be called on any thread; the others on the request's front-end
 * thread. {@link #answered} or {@link #callerGone} ends the trace, once; calls after it change nothing.
 */
public interface RequestTrace {
  /** Writes {@code traceparent} (and {@code tracestate}, when there is one) into a request record's headers. */
  void inject(HeaderFields.Builder headers);

  /** The {@code traceparent} value {@link #inject} writes ({@code 00-<trace id>-<parent id>-<flags>}). */
  String traceparent();

  /** The request record is built: its topic and correlation id. */
  void published(String topic, String correlationId);

  /** Kafka acknowledged the request record. Any thread. */
  void produced(int partition, long offset);

  /** The service's reply was read. Any thread. */
  void replied();

  /**
   * The caller was answered.
   *
   * @param status the HTTP status
   * @param outcome {@code replied}, {@code accepted} (202), or the slug of the gateway's own error
   */
  void answered(int status, String outcome);

  /** The caller left before an answer. */
  void callerGone();
}
