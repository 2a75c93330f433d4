package io.courier.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * What travels in the headers of a reply record: the correlation id it answers, the HTTP status and the HTTP
 * response headers. The record value is the response body.
 *
 * @param correlationId the id of the request this answers
 * @param status the HTTP status, 100-599; {@value #DEFAULT_STATUS} when the reply names none
 * @param headers HTTP response headers, lower-case names; protocol headers are never among them
 */
public record ReplyEnvelope(String correlationId, int status, Map<String, String> headers) {

  /** The status of a reply that names none, as Spring and Zilla responders often do. */
  public static final int DEFAULT_STATUS = 200;

  public ReplyEnvelope {
    if (status < 100 || status > 599) {
      throw new ProtocolException("status must be between 100 and 599: " + status);
    }
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /**
   * The Kafka headers of a reply to {@code request}: the correlation header echoed under the request's
   * profile name, the status in {@code courier-status} (and {@code :status} for Zilla requests).
   */
  public Headers toHeaders(Profile profile) {
    return toHeaders(profile, Codec.utf8(correlationId));
  }

  /**
   * As {@link #toHeaders(Profile)}, echoing the request's correlation header value byte for byte. Spring's
   * requesters use 16 raw bytes by default, which do not survive a round trip through a string.
   */
  public Headers toHeaders(Profile profile, byte[] requestCorrelationId) {
    RecordHeaders out = new RecordHeaders();
    out.add(profile.correlationHeader(), requestCorrelationId);
    byte[] statusBytes = Codec.utf8(Integer.toString(status));
    out.add(HeaderNames.STATUS, statusBytes);
    if (profile == Profile.ZILLA) {
      out.add(HeaderNames.ZILLA_STATUS, statusBytes);
    }
    headers.forEach((name, value) -> out.add(name, Codec.utf8(value)));
    return out;
  }

  /**
   * Reads a reply record's headers, whichever profile the responder used.
   *
   * @throws ProtocolException if there is no correlation id or the status is not a number in 100-599
   */
  public static ReplyEnvelope fromHeaders(Headers in) {
    String correlationId = Profile.correlationIdOf(in);
    if (correlationId == null) {
      throw new ProtocolException("no correlation id header in any known profile");
    }
    Header statusHeader = in.lastHeader(HeaderNames.STATUS);
    if (statusHeader == null) {
      statusHeader = in.lastHeader(HeaderNames.ZILLA_STATUS);
    }
    int status =
        statusHeader == null || statusHeader.value() == null
            ? DEFAULT_STATUS
            : (int) Codec.parseLong(statusHeader.key(), statusHeader.value(), 100, 599);
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : in) {
      String name = header.key().toLowerCase(Locale.ROOT);
      if (header.value() != null && !HeaderNames.isProtocolHeader(name)) {
        headers.put(name, new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return new ReplyEnvelope(correlationId, status, headers);
  }
}
