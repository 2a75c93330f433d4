package io.courier.gateway.websocket;

import io.courier.gateway.path.RequestTarget;
import java.util.List;
import java.util.Map;

/**
 * One request read from a client's text frame (docs/protocol.md, "WebSocket"). Immutable.
 *
 * @param id the client's id for the request, echoed in every frame that answers it
 * @param method the HTTP method, upper case
 * @param target the path, read and checked as an HTTP request's is
 * @param query the query without {@code ?} as UTF-8 text, or {@code null}
 * @param headers header fields by lower-case name, each value as HTTP servers hand it over (one {@code char}
 *     per byte of its UTF-8 encoding)
 * @param body the body's bytes, empty when the frame has none
 */
record FrameRequest(String id, String method, RequestTarget target, String query, Map<String, List<String>> headers, byte[] body) {}
