package io.courier.gateway.path;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The path of a request as the gateway reads it (RFC 3986 section 3.3): the bytes the caller sent, which
 * must be UTF-8; split on {@code /} (the leading slash and one trailing slash ignored); each segment
 * percent-decoded (section 2.1) and again required to be UTF-8, without control characters. Routing compares these decoded segments, so
 * {@code /ord%65rs} is {@code /orders}, and {@code %2F} inside a segment is a slash in a parameter, not a
 * separator. Dot segments ({@code .}, {@code ..}, also percent-encoded) are refused rather than resolved:
 * a gateway that routes on paths must not let a caller climb out of one.
 *
 * <p>Immutable and thread-safe.
 */
public final class RequestTarget {
  private static final String[] ROOT = new String[0];

  private final String path;
  private final String[] segments;

  private RequestTarget(String path, String[] segments) {
    this.path = path;
    this.segments = segments;
  }

  /**
   * Reads a path as an HTTP server hands it over: one {@code char} per byte received (ISO-8859-1, which is
   * how Netty and so Vert.x decode the request line), without the query.
   *
   * @throws GatewayException {@link GatewayError#MALFORMED_REQUEST} when the path does not start with
   *     {@code /}, holds control characters, is not UTF-8, has a bad percent-escape, a segment that does not
   *     decode to UTF-8, or a dot segment
   */
  public static RequestTarget parse(String received) {
    if (received.isEmpty() || received.charAt(0) != '/') {
      throw malformed("the request-target must be a path starting with '/'");
    }
    String path = utf8(received);
    String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    if (trimmed.equals("/")) {
      return new RequestTarget(path, ROOT);
    }
    String[] segments = trimmed.substring(1).split("/", -1);
    for (int i = 0; i < segments.length; i++) {
      segments[i] = decode(segments[i]);
      if (segments[i].equals(".") || segments[i].equals("..")) {
        throw malformed("the path has a dot segment ('.' or '..')");
      }
    }
    return new RequestTarget(path, segments);
  }

  /** The path as received (still percent-encoded), as UTF-8 text. */
  public String path() {
    return path;
  }

  /** How many segments the path has; {@code /} has none. */
  public int segmentCount() {
    return segments.length;
  }

  /** Segment {@code index}, percent-decoded. */
  public String segment(int index) {
    return segments[index];
  }

  /**
   * Text the server handed over one {@code char} per byte, read as UTF-8; also used for the query.
   *
   * @throws GatewayException {@link GatewayError#MALFORMED_REQUEST} on control characters or bytes that are
   *     not UTF-8
   */
  public static String utf8(String received) {
    boolean ascii = true;
    for (int i = 0; i < received.length(); i++) {
      char c = received.charAt(i);
      if (c < 0x20 || c == 0x7F) {
        throw malformed("the request-target holds a control character");
      }
      if (c == '#') {
        throw malformed("the request-target holds a '#' (a fragment is never sent to a server)");
      }
      if (c > 0x7F) {
        ascii = false;
      }
    }
    return ascii ? received : strictUtf8(received.getBytes(StandardCharsets.ISO_8859_1), "the request-target is not UTF-8");
  }

  private static String decode(String segment) {
    int percent = segment.indexOf('%');
    if (percent < 0) {
      return segment;
    }
    byte[] raw = segment.getBytes(StandardCharsets.UTF_8);
    byte[] decoded = new byte[raw.length];
    int length = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] != '%') {
        decoded[length++] = raw[i];
        continue;
      }
      int high = i + 2 < raw.length ? Character.digit(raw[i + 1], 16) : -1;
      int low = high >= 0 ? Character.digit(raw[i + 2], 16) : -1;
      if (low < 0) {
        throw malformed("the path has a bad percent-escape (a '%' must be followed by two hex digits)");
      }
      decoded[length++] = (byte) (high << 4 | low);
      i += 2;
    }
    String text = strictUtf8(java.util.Arrays.copyOf(decoded, length), "a percent-decoded path segment is not UTF-8");
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) < 0x20 || text.charAt(i) == 0x7F) {
        // %00 or %0A would reach the service as a NUL or a line break in a path parameter and the key
        throw malformed("a percent-decoded path segment holds a control character");
      }
    }
    return text;
  }

  private static String strictUtf8(byte[] bytes, String problem) {
    try {
      CharBuffer chars =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes));
      return chars.toString();
    } catch (CharacterCodingException e) {
      throw malformed(problem);
    }
  }

  private static GatewayException malformed(String detail) {
    return new GatewayException(GatewayError.MALFORMED_REQUEST, detail);
  }

  @Override
  public String toString() {
    return path;
  }
}
