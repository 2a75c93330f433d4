package io.courier.gateway.exchange;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import java.util.Set;

/**
 * Makes a service's reply fit for HTTP, field by field, never losing its status and body for one bad
 * header (RFC 9110 section 5):
 *
 * <ul>
 *   <li>a header field whose name is not a token, or whose value holds a control character other than tab
 *       (CR, LF, NUL, DEL ...), cannot be sent: it is left out and counted;
 *   <li>hop-by-hop and framing fields ({@code connection}, {@code transfer-encoding}, {@code content-length}
 *       ...) belong to the gateway's own connection with the caller: left out, not counted;
 *   <li>every other field goes out with its value's bytes exactly as the service wrote them (UTF-8,
 *       Latin-1, anything without control characters), repeated names as separate fields in order;
 *   <li>an informational status (1xx) cannot end an exchange: the reply becomes 502 {@code bad-reply}.
 * </ul>
 *
 * Stateless.
 */
public final class HttpReplies {
  /** Hop-by-hop and framing headers: the HTTP server sets these for the caller's connection. */
  static final Set<String> NOT_FORWARDED =
      Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "content-length", "te", "trailer",
          "upgrade", "proxy-authenticate", "proxy-authorization");

  private HttpReplies() {}

  /** The reply as it can go out, and how many header fields had to be left out. */
  public record Fitted(Outcome outcome, int droppedFields) {}

  public static Fitted fit(Outcome.Replied reply) {
    if (reply.status() < 200) {
      return new Fitted(
          new Outcome.Failed(GatewayError.BAD_REPLY, "the service replied with informational status " + reply.status()), 0);
    }
    HeaderFields headers = reply.headers();
    int unfit = 0;
    for (int i = 0; i < headers.size(); i++) {
      if (!fits(headers.name(i), headers.value(i)) || NOT_FORWARDED.contains(headers.name(i))) {
        unfit++;
      }
    }
    if (unfit == 0) {
      return new Fitted(reply, 0); // the common case: nothing copied
    }
    HeaderFields.Builder kept = HeaderFields.builder();
    int dropped = 0;
    for (int i = 0; i < headers.size(); i++) {
      if (!fits(headers.name(i), headers.value(i))) {
        dropped++;
      } else if (!NOT_FORWARDED.contains(headers.name(i))) {
        kept.add(headers.name(i), headers.value(i));
      }
    }
    return new Fitted(new Outcome.Replied(reply.status(), kept.build(), reply.body()), dropped);
  }

  /** A failure of the gateway's own as a reply: the problem a caller got, kept for its retries. */
  static Outcome.Replied problem(Outcome.Failed failed) {
    return new Outcome.Replied(
        failed.error().status(),
        HeaderFields.of("content-type", io.courier.gateway.error.Problem.CONTENT_TYPE),
        new io.courier.gateway.error.Problem(failed.error(), failed.detail(), null).toJson());
  }

  /** RFC 9110 section 5.1 field-name (a token) and 5.5 field-value (no control characters but HTAB). */
  static boolean fits(String name, byte[] value) {
    return isToken(name) && isFieldValue(value);
  }

  static boolean isToken(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean tchar =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!tchar) {
        return false;
      }
    }
    return true;
  }

  static boolean isFieldValue(byte[] value) {
    for (byte b : value) {
      int octet = b & 0xFF;
      if ((octet < 0x20 && octet != '\t') || octet == 0x7F) {
        return false;
      }
    }
    return true;
  }
}
