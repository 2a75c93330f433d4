package io.courier.gateway.websocket;

import io.courier.gateway.accesslog.AccessLog;
import io.courier.gateway.auth.Authentication;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.RateLimitedLog;
import io.courier.gateway.exchange.Exchange;
import io.courier.gateway.http.ResponseBatches;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.routing.RateLimits;
import io.courier.gateway.routing.RouteMatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket: reads each text message as a request frame ({@link Frames}), takes it through the same
 * steps as an HTTP request (match route → authenticate → rate limit → admit → publish, {@link
 * io.courier.gateway.exchange.Exchanges}), and writes each answer as a frame when its exchange has it, in
 * whatever order they come. Confined to the socket's event loop.
 *
 * <p>Limits: a message larger than {@code websocket.max-frame-bytes} closes the socket with 1009; more than
 * {@code websocket.max-in-flight} requests waiting is a 429 frame for the one too many; a socket with nothing
 * in flight and no frame for {@code websocket.idle-timeout} is closed with 1000. A client that does not read
 * its answers stops being read ({@link ServerWebSocket#pause}) until it does, so answers never pile up. A
 * socket that closes is every one of its requests' caller leaving ({@link Exchange#callerGone}).
 */
final class SocketSession {
  private static final Logger LOGGER = LoggerFactory.getLogger(SocketSession.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));
  /** RFC 6455 section 7.4.1. */
  static final short NORMAL = 1000;
  static final short GOING_AWAY = 1001;
  static final short UNSUPPORTED_DATA = 1003;
  static final short MESSAGE_TOO_BIG = 1009;

  private final WebSocketEndpoint endpoint;
  private final ServerWebSocket socket;
  private final WebSocketEndpoint.Upgrade upgrade;
  private final Context context;
  private final Map<String, SocketCall> inFlight = new HashMap<>();
  /** The fragments of the message being received, or {@code null} between messages. */
  private Buffer message;
  private boolean messageIsText;
  private long idleTimer = -1;
  private boolean closed;

  SocketSession(WebSocketEndpoint endpoint, ServerWebSocket socket, WebSocketEndpoint.Upgrade upgrade) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.upgrade = upgrade;
    this.context = Vertx.currentContext();
  }

  void start() {
    socket.frameHandler(this::frame);
    socket.exceptionHandler(this::failed);
    socket.closeHandler(ignored -> closed());
    armIdle();
  }

  /** Runs {@code task} on this socket's event loop; from a consumer thread, with the other answers of its poll. */
  void execute(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      ResponseBatches.submit(context, task);
    }
  }

  private void frame(WebSocketFrame frame) {
    if (closed) {
      return;
    }
    if (inFlight.isEmpty()) {
      armIdle(); // any frame, a ping included, is a sign of life
    }
    if (frame.isText() || frame.isBinary()) {
      message = Buffer.buffer();
      messageIsText = frame.isText();
    } else if (!frame.isContinuation() || message == null) {
      return; // ping, pong and close are Vert.x's to answer
    }
    if (message.length() + frame.binaryData().length() > endpoint.config().maxFrameBytes()) {
      endpoint.metrics().refused(SocketMetrics.Refusal.FRAME_TOO_LARGE);
      close(MESSAGE_TOO_BIG, "message larger than " + endpoint.config().maxFrameBytes() + " bytes");
      return;
    }
    message.appendBuffer(frame.binaryData());
    if (!frame.isFinal()) {
      return;
    }
    Buffer whole = message;
    message = null;
    endpoint.metrics().frameIn();
    if (!messageIsText) {
      endpoint.metrics().refused(SocketMetrics.Refusal.BINARY_FRAME);
      close(UNSUPPORTED_DATA, "requests are JSON text frames");
      return;
    }
    try {
      request(whole.toString(StandardCharsets.UTF_8), whole.length());
    } catch (RuntimeException e) {
      WARNINGS.warn("frame", e, "WebSocket frame failed unexpectedly error={}", e.toString());
      refuse(null, GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
    }
  }

  /** Steps 1 to 6 of one request frame. */
  private void request(String text, long bytesIn) {
    FrameRequest request;
    try {
      request = Frames.read(text, endpoint.maxHeaderBytes());
    } catch (FrameException e) {
      endpoint.metrics().refused(SocketMetrics.Refusal.INVALID_FRAME);
      endpoint.gatewayMetrics().unrouted(e.error());
      refuse(e.id(), e.error(), e.getMessage());
      return;
    }
    if (inFlight.containsKey(request.id())) {
      endpoint.metrics().refused(SocketMetrics.Refusal.DUPLICATE_ID);
      endpoint.gatewayMetrics().unrouted(GatewayError.DUPLICATE_REQUEST_ID);
      refuse(request.id(), GatewayError.DUPLICATE_REQUEST_ID, "request " + request.id() + " is still in flight on this socket; ids must differ");
      return;
    }
    if (inFlight.size() >= endpoint.config().maxInFlight()) {
      endpoint.metrics().refused(SocketMetrics.Refusal.IN_FLIGHT_LIMIT);
      endpoint.gatewayMetrics().unrouted(GatewayError.SOCKET_IN_FLIGHT_LIMIT);
      refuse(request.id(), GatewayError.SOCKET_IN_FLIGHT_LIMIT,
          "this socket has " + inFlight.size() + " requests in flight, websocket.max-in-flight");
      return;
    }
    RouteMatch match = endpoint.routes().match(request.method(), request.target());
    if (match instanceof RouteMatch.MethodNotAllowed notAllowed) {
      endpoint.gatewayMetrics().unrouted(GatewayError.METHOD_NOT_ALLOWED);
      SocketCall call = new SocketCall(this, request, bytesIn);
      call.problemHeaders.put("allow", String.join(", ", notAllowed.allowed()));
      write(call, new Outcome.Failed(GatewayError.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + request.target().path()));
      return;
    }
    if (!(match instanceof RouteMatch.Found found)) {
      endpoint.gatewayMetrics().unrouted(GatewayError.ROUTE_NOT_FOUND);
      refuse(request.id(), GatewayError.ROUTE_NOT_FOUND, "no route for " + request.target().path());
      return;
    }
    SocketCall call = new SocketCall(this, request, bytesIn);
    inFlight.put(request.id(), call);
    cancelIdle();
    Authentication authentication =
        endpoint.credentials().check(found.route().config().access(), upgrade.headers(), upgrade::clientCertificateSubject,
            challenge -> call.problemHeaders.put("www-authenticate", challenge));
    authentication = RateLimits.check(found.route(), authentication, upgrade.remoteAddress(),
        seconds -> call.problemHeaders.put("retry-after", Long.toString(seconds)));
    Exchange exchange = endpoint.exchanges().open(found, call, call, authentication);
    call.exchange = exchange;
    if (!exchange.isOpen()) {
      return; // answered already
    }
    try {
      int limit = exchange.route().maxBodyBytes();
      if (request.body().length > limit) {
        exchange.fail(GatewayError.BODY_TOO_LARGE, "the route accepts bodies up to " + limit + " bytes");
      } else {
        exchange.publish(call, request.body());
      }
    } catch (RuntimeException e) {
      // The exchange holds a route slot: it answers, and gives the slot back, itself.
      WARNINGS.warn("publish", e, "WebSocket request failed unexpectedly route={} error={}", exchange.route().name(), e.toString());
      exchange.fail(GatewayError.INTERNAL_ERROR, "the gateway failed unexpectedly");
    }
  }

  /** A frame refused before any exchange: answered at once, nothing held. */
  private void refuse(String id, GatewayError error, String detail) {
    write(new SocketCall(this, new FrameRequest(id, null, null, null, Map.of(), new byte[0]), 0), new Outcome.Failed(error, detail));
  }

  /** The exchange of {@code call} has its outcome: the answer frame goes out now. Event loop. */
  void answer(SocketCall call, Outcome outcome) {
    if (inFlight.remove(call.id()) != call) {
      return; // the socket closed first
    }
    if (inFlight.isEmpty()) {
      armIdle();
    }
    write(call, outcome);
  }

  private void write(SocketCall call, Outcome outcome) {
    if (closed) {
      return;
    }
    FrameRequest request = call.request();
    byte[] frame =
        Frames.answer(call.id(), outcome, "HEAD".equals(request.method()),
            new Frames.Answer(endpoint.resultsPath(), endpoint.retryAfterSeconds(), call.problemHeaders,
                request.target() == null ? null : request.target().path()));
    send(frame);
    log(call, status(outcome), frame.length);
  }

  /**
   * One item frame of a streamed reply. Event loop.
   *
   * @return {@code false} when the socket's write queue is full (the client reads too slowly): the exchange
   *     then ends the stream with {@code slow-reader}
   */
  boolean streamed(SocketCall call, byte[] frame) {
    if (closed || inFlight.get(call.id()) != call) {
      return true; // the caller left: the exchange hears it from the close
    }
    call.bytesOut += frame.length;
    return send(frame);
  }

  /** The last frame of a streamed reply: the request is answered. Event loop. */
  void streamEnded(SocketCall call, byte[] frame, int status) {
    if (inFlight.remove(call.id()) != call) {
      return;
    }
    if (inFlight.isEmpty()) {
      armIdle();
    }
    if (!closed) {
      send(frame);
      log(call, status, call.bytesOut + frame.length);
    }
  }

  /** Writes a frame; a client that does not read its answers is not read from until it does. */
  private boolean send(byte[] frame) {
    socket.writeTextMessage(new String(frame, StandardCharsets.UTF_8));
    endpoint.metrics().frameOut();
    if (!socket.writeQueueFull()) {
      return true;
    }
    socket.pause();
    socket.drainHandler(drained -> socket.resume());
    return false;
  }

  private static int status(Outcome outcome) {
    if (outcome instanceof Outcome.Replied replied) {
      return replied.status();
    }
    return outcome instanceof Outcome.Failed failed ? failed.error().status() : 202;
  }

  private void log(SocketCall call, int status, long bytesOut) {
    AccessLog log = endpoint.accessLog();
    if (log == null || !log.sampled()) {
      return;
    }
    Exchange exchange = call.exchange;
    FrameRequest request = call.request();
    List<String> traceparent = request.headers().getOrDefault("traceparent", List.of());
    log.record(new AccessLog.Request(
        call.time,
        request.method() == null ? "WS" : request.method(),
        exchange != null ? exchange.route().path() : request.target() != null ? request.target().path() : endpoint.config().path(),
        exchange != null ? exchange.route().name() : null,
        status,
        System.nanoTime() - call.startNanos,
        call.bytesIn,
        bytesOut,
        exchange != null ? exchange.correlationId() : null,
        exchange != null ? exchange.traceparent() : traceparent.isEmpty() ? null : traceparent.get(0)));
  }

  private void armIdle() {
    cancelIdle();
    if (!closed) {
      idleTimer = context.owner().setTimer(endpoint.config().idleTimeout().toMillis(), fired -> {
        idleTimer = -1;
        if (inFlight.isEmpty()) {
          endpoint.metrics().idleClosed();
          close(NORMAL, "idle timeout");
        }
      });
    }
  }

  private void cancelIdle() {
    if (idleTimer >= 0) {
      context.owner().cancelTimer(idleTimer);
      idleTimer = -1;
    }
  }

  /** Closes the socket with 1001, on its event loop. Any thread. */
  io.vertx.core.Future<Void> goingAway() {
    io.vertx.core.Promise<Void> closed = io.vertx.core.Promise.promise();
    context.runOnContext(ignored -> {
      if (socket.isClosed()) {
        closed.complete();
      } else {
        socket.close(GOING_AWAY, "gateway shutting down").onComplete(closed);
      }
    });
    return closed.future();
  }

  private void close(short code, String reason) {
    if (!socket.isClosed()) {
      socket.close(code, reason);
    }
  }

  private void failed(Throwable error) {
    if (error instanceof io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException corrupted
        && corrupted.closeStatus().code() == MESSAGE_TOO_BIG) {
      // One frame beyond the limit: the decoder refused it before buffering it.
      endpoint.metrics().refused(SocketMetrics.Refusal.FRAME_TOO_LARGE);
      close(MESSAGE_TOO_BIG, "message larger than " + endpoint.config().maxFrameBytes() + " bytes");
      return;
    }
    LOGGER.debug("WebSocket failed error={}", error.toString());
  }

  /** The socket closed, whoever closed it: every request still in flight has lost its caller. */
  private void closed() {
    if (closed) {
      return;
    }
    closed = true;
    cancelIdle();
    endpoint.closed(this);
    List<SocketCall> gone = new ArrayList<>(inFlight.values());
    inFlight.clear();
    for (SocketCall call : gone) {
      log(call, 0, 0);
      if (call.exchange != null) {
        call.exchange.callerGone();
      }
    }
  }
}
