package io.courier.gateway.websocket;

import io.courier.gateway.exchange.StreamEnd;
import io.courier.gateway.exchange.StreamSink;
import io.courier.protocol.HeaderFields;

/**
 * A streamed reply to one request on a socket: a frame per item ({@code seq}), then the end frame with the
 * final status, all under the request's {@code id} (docs/protocol.md, "WebSocket"). The stream's header
 * fields go with its first frame. Confined to the socket's event loop.
 */
final class SocketStream implements StreamSink {
  private final SocketSession session;
  private final SocketCall call;
  /** The stream's header fields until a frame has carried them, then {@code null}. */
  private HeaderFields headers;

  SocketStream(SocketSession session, SocketCall call) {
    this.session = session;
    this.call = call;
  }

  @Override
  public void begin(HeaderFields streamHeaders) {
    this.headers = streamHeaders;
  }

  /** @return {@code false} once the socket's write queue is full: the client reads too slowly */
  @Override
  public boolean item(long sequence, byte[] item) {
    return session.streamed(call, Frames.item(call.id(), sequence, takeHeaders(), item));
  }

  @Override
  public void end(StreamEnd end) {
    session.streamEnded(call, Frames.end(call.id(), takeHeaders(), end), end.status());
  }

  private HeaderFields takeHeaders() {
    HeaderFields first = headers;
    headers = null;
    return first;
  }
}
