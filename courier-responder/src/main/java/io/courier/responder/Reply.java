package io.courier.responder;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
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
  private final Map<String, String> headers;
  private final byte[] body;

  private Reply(int status, Map<String, String> headers, byte[] body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be between 100 and 599: " + status);
    }
    this.status = status;
    this.headers = Collections.unmodifiableMap(headers);
    this.body = body;
  }

  /** An empty reply with this HTTP status. */
  public static Reply status(int status) {
    return new Reply(status, new LinkedHashMap<>(), EMPTY);
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

  /** This reply with a response header added or replaced; names are lower-cased. */
  public Reply header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(name.toLowerCase(Locale.ROOT), value);
    return new Reply(status, copy, body);
  }

  /** This reply with a JSON body ({@code content-type: application/json}). */
  public Reply json(String json) {
    return body("application/json", json.getBytes(StandardCharsets.UTF_8));
  }

  /** This reply with a body of the given content type. */
  public Reply body(String contentType, byte[] body) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put("content-type", contentType);
    return new Reply(status, copy, body.clone());
  }

  public int status() {
    return status;
  }

  public Map<String, String> headers() {
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
