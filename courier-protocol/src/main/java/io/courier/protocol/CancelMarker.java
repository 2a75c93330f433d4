package io.courier.protocol;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The cancel marker of protocol 2 ({@code docs/protocol.md}, "Cancellation"): a record on the request topic,
 * in the partition of the request it cancels, with no key, no value, and the headers {@code
 * courier-protocol} and {@code courier-cancel} (the cancelled request's correlation id). It carries no
 * correlation id header of its own, so a responder that predates protocol 2 takes it for a malformed request
 * and skips it. Stateless.
 */
public final class CancelMarker {
  private CancelMarker() {}

  /** The headers of a marker cancelling the request with {@code correlationId}. */
  public static Headers headers(String correlationId) {
    RecordHeaders out = new RecordHeaders();
    out.add(HeaderNames.PROTOCOL, Codec.utf8(HeaderNames.PROTOCOL_VERSION));
    out.add(HeaderNames.CANCEL, Codec.utf8(correlationId));
    return out;
  }

  /**
   * The correlation id a record cancels, or {@code null} when the record is not a cancel marker (or its
   * {@code courier-cancel} header is empty).
   */
  public static String cancelledId(Headers headers) {
    Header header = headers.lastHeader(HeaderNames.CANCEL);
    if (header == null || header.value() == null || header.value().length == 0) {
      return null;
    }
    return new String(header.value(), StandardCharsets.UTF_8);
  }
}
