package io.courier.gateway.exchange;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * How a stream ended: the service's end marker, or an end the gateway decided (a limit passed, a broken
 * stream, a slow caller). Immutable.
 *
 * @param status the final status: the end marker's, or the gateway error's
 * @param items how many items the caller was sent (or, for an end marker, the service sent)
 * @param problem an RFC 9457 problem document (one JSON object) saying why the stream stopped early, or
 *     {@code null}; shared, do not modify
 * @param error the gateway's own reason, or {@code null} when the service ended the stream
 */
public record StreamEnd(int status, long items, byte[] problem, GatewayError error) {

  /** The end the gateway decides: {@code error}'s status, its problem with {@code detail}. */
  public static StreamEnd of(GatewayError error, String detail, long items, String instance) {
    return new StreamEnd(error.status(), items, new Problem(error, detail, instance).toJson(), error);
  }

  /** Whether every item was sent: a 2xx end. */
  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /**
   * The end object of {@code docs/protocol.md}: {@code {"status":200,"items":3}}, with {@code "problem":{...}}
   * when there is one. NDJSON wraps it as {@code {"courier-stream-end":...}}; SSE sends it as the {@code end}
   * event's data.
   */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (problem == null ? 0 : problem.length));
    out.writeBytes(("{\"status\":" + status + ",\"items\":" + items).getBytes(StandardCharsets.US_ASCII));
    if (problem != null) {
      out.writeBytes(",\"problem\":".getBytes(StandardCharsets.US_ASCII));
      out.writeBytes(problem);
    }
    out.write('}');
    return out.toByteArray();
  }
}
