package io.courier.protocol;

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
 * @param headers HTTP response header fields, lower-case names, values as the service wrote them, repeated
 *     names once per value and in order; protocol headers are never among them
 */
public record ReplyEnvelope(String correlationId, int status, HeaderFields headers) {

  /** The status of a reply that names none, as Spring and Zilla responders often do. */
  public static final int DEFAULT_STATUS = 200;

  public ReplyEnvelope {
    if (status < 100 || status > 599) {
      throw new ProtocolException("status must be between 100 and 599: " + status);
    }
    headers = headers == null ? HeaderFields.EMPTY : headers;
  }

  /** A reply with UTF-8 header values, one per map entry. */
  public ReplyEnvelope(String correlationId, int status, Map<String, String> headers) {
    this(correlationId, status, HeaderFields.of(headers));
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
    headers.forEach(out::add);
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
            : parseStatus(statusHeader.key(), statusHeader.value());
    return new ReplyEnvelope(correlationId, status, httpHeaders(in));
  }

  /** RFC 9110 section 15: a status code is three ASCII digits, here 100-599; surrounding whitespace is ignored. */
  private static int parseStatus(String name, byte[] value) {
    String text = new String(value, java.nio.charset.StandardCharsets.UTF_8).trim();
    int status = 0;
    for (int i = 0; i < text.length() && text.length() == 3; i++) {
      char c = text.charAt(i);
      status = c >= '0' && c <= '9' ? status * 10 + (c - '0') : -1000;
    }
    if (text.length() != 3 || status < 100 || status > 599) {
      throw new ProtocolException(name + " is not an HTTP status code (three digits, 100-599): \"" + text + "\"");
    }
    return status;
  }

  /**
   * The HTTP response header fields of a reply record: every header that is not a protocol header
   * ({@link HeaderNames#isProtocolHeader}) or trace context ({@link HeaderNames#isTraceContextHeader}: the
   * responder's span, which the caller's trace already leads to through the gateway's), name lower-cased,
   * value bytes as written, repeats kept in order.
   */
  public static HeaderFields httpHeaders(Headers in) {
    HeaderFields.Builder headers = HeaderFields.builder();
    for (Header header : in) {
      String name = header.key().toLowerCase(Locale.ROOT);
      if (header.value() != null && !HeaderNames.isProtocolHeader(name) && !HeaderNames.isTraceContextHeader(name)) {
        headers.add(name, header.value());
      }
    }
    return headers.build();
  }
}
