package io.courier.gateway.websocket;

import io.courier.gateway.exchange.CallerRequest;
import io.courier.gateway.exchange.Exchange;
import io.courier.gateway.exchange.FrontEnd;
import io.courier.gateway.exchange.StreamSink;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.pending.Outcome;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request on a socket as its exchange sees it: the {@link CallerRequest} read from the frame and the
 * {@link FrontEnd} that answers it with a frame on the socket's event loop. Confined to that event loop,
 * except {@link #execute}.
 */
final class SocketCall implements CallerRequest, FrontEnd {
  private final SocketSession session;
  private final FrameRequest request;
  final Instant time = Instant.now();
  final long startNanos = System.nanoTime();
  final long bytesIn;
  /** What the frames of a streamed reply took so far. */
  long bytesOut;
  /** Fields a refusal's step set for its problem frame, as HTTP sets them on the response. */
  final Map<String, String> problemHeaders = new LinkedHashMap<>(2);
  /** Set once the exchange is opened; {@code null} before (and for a request refused before a route matched). */
  Exchange exchange;

  SocketCall(SocketSession session, FrameRequest request, long bytesIn) {
    this.session = session;
    this.request = request;
    this.bytesIn = bytesIn;
  }

  FrameRequest request() {
    return request;
  }

  String id() {
    return request.id();
  }

  @Override
  public RequestTarget target() {
    return request.target();
  }

  @Override
  public String query() {
    return request.query();
  }

  @Override
  public List<String> headerValues(String name) {
    return request.headers().getOrDefault(name, List.of());
  }

  @Override
  public void execute(Runnable task) {
    session.execute(task);
  }

  /** A socket always takes a streamed reply item by item, as frames. */
  @Override
  public StreamSink streamSink() {
    return new SocketStream(session, this);
  }

  @Override
  public void answer(Outcome outcome) {
    session.answer(this, outcome);
  }
}
