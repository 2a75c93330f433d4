package io.courier.gateway.config;

import java.time.Duration;
import java.util.List;

/**
 * The WebSocket front end ({@code websocket}): requests and replies as JSON frames over one socket
 * (docs/protocol.md, "WebSocket"). Immutable.
 *
 * @param enabled whether {@code path} upgrades to a WebSocket on the HTTP listener
 * @param path the path that upgrades, e.g. {@code /ws}
 * @param maxFrameBytes the largest message (one frame, or a fragmented message in all) a client may send, in
 *     bytes; larger closes the socket with 1009
 * @param maxInFlight requests one socket may have waiting for answers at once; more are refused one by one (429)
 * @param idleTimeout how long a socket with no request in flight and no frame arriving stays open
 * @param maxSockets open sockets this instance holds at once; more upgrades are refused with 503
 * @param allowedOrigins browser origins (besides the gateway's own) whose pages may open a socket; {@code *} any
 */
public record WebSocketConfig(
    boolean enabled, String path, int maxFrameBytes, int maxInFlight, Duration idleTimeout, int maxSockets,
    List<String> allowedOrigins) {
  static final String DEFAULT_PATH = "/ws";
  static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
  static final int DEFAULT_MAX_IN_FLIGHT = 100;
  static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
  static final int DEFAULT_MAX_SOCKETS = 10_000;

  /** No WebSocket endpoint: the default. */
  public static final WebSocketConfig OFF =
      new WebSocketConfig(false, DEFAULT_PATH, DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_IN_FLIGHT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_SOCKETS, List.of());

  public WebSocketConfig {
    allowedOrigins = List.copyOf(allowedOrigins);
  }
}
