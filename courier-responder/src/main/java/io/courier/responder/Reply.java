package io.courier.responder;

import io.courier.protocol.HeaderFields;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A service's answer: HTTP status, response headers and body. Immutable; each {@code with...}/{@code body}
 * call returns a new reply.
 *
 * <pre>{@code
 * Reply.status(201).header("location", "/orders/42").json("{\"id\":\"42\"}")
 * Reply.problem(404, "Customer not found", "No customer c-9")
 * }</pre>
 */
public final class Reply {
  private static final byte[] EMPTY = new byte[0];

  private final int status;
  private final HeaderFields headers;
  private final byte[] body;

  private Reply(int status, HeaderFields headers, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599: " + status);
    }
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /** An empty reply with this HTTP status. */
  public static Reply status(int status) {
    return new Reply(status, HeaderFields.EMPTY, EMPTY);
  }

  /** 200 with a JSON body. */
  public static Reply ok(String json) {
    return status(200).json(json);
  }

  /**
   * An RFC 9457 {@code application/problem+json} reply.
   *
   * @param title a short summary of the problem type, the same for every occurrence
   * @param detail what went wrong this time
   */
  public static Reply problem(int status, String title, String detail) {
    String json =
        "{\"type\":\"about:blank\",\"title\":"
            + Json.quote(title)
            + ",\"status\":"
            + status
            + ",\"detail\":"
            + Json.quote(detail)
            + "}";
    return status(status).body("application/problem+json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** This reply with a response header set: any earlier values of the name are replaced. Names are lower-cased. */
  public Reply header(String name, String value) {
    return new Reply(status, headers.toBuilder().set(name, value).build(), body);
  }

  /**
   * This reply with one more field of a response header, after any earlier ones of the same name: for
   * headers sent several times, such as {@code set-cookie}. The caller receives each as its own field.
   */
  public Reply addHeader(String name, String value) {
    return new Reply(status, headers.toBuilder().add(name, value).build(), body);
  }

  /** This reply with a JSON body ({@code content-type: application/json}). */
  public Reply json(String json) {
    return body("application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** This reply with a body of the given content type. */
  public Reply body(String contentType, byte[] body) {
    return new Reply(status, headers.toBuilder().set("content-type", contentType).build(), body.clone());
  }

  public int status() {
    return status;
  }

  /** The first value of each response header; see {@link #headerFields()} for repeated ones. */
  public Map<String, String> headers() {
    return headers.toMap();
  }

  /** Every response header field, in order. */
  public HeaderFields headerFields() {
    return headers;
  }

  /** The body; the array is shared, do not modify it. */
  public byte[] body() {
    return body;
  }

  /** Minimal JSON string quoting, enough for problem details without a JSON library. */
  static final class Json {
    private Json() {}

    static String quote(String text) {
      StringBuilder out = new StringBuilder(text.length() + 2).append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        switch (c) {
          case '"' -> out.append("\\\"");
          case '\\' -> out.append("\\\\");
          case '\n' -> out.append("\\n");
          case '\r' -> out.append("\\r");
          case '\t' -> out.append("\\t");
          default -> {
            if (c < 0x20) {
              out.append(String.format("\\u%04x", (int) c));
            } else {
              out.append(c);
            }
          }
        }
      }
      return out.append('"').toString();
    }
  }
}
