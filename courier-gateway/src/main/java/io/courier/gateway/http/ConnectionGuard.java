package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xServerConnection;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;
import io.vertx.core.net.impl.ConnectionBase;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an HTTP/1.1 connection needs beyond Vert.x, so that no caller holds a connection (and its buffers)
 * for ever, every request gets its answer in order, and nothing is read past a connection's end:
 *
 * <ul>
 *   <li><b>header timeout</b> ({@code http.header-timeout}): from the first byte of a request (or the
 *       connection's opening) to the end of its header block. A client that sends headers slowly
 *       ("slowloris") is answered 408 and the connection closed;
 *   <li><b>idle timeout</b> ({@code http.idle-timeout}): a connection with no request in progress and no
 *       bytes arriving is closed. A request waiting for its reply is in progress, whatever its route's
 *       timeout (which is why Vert.x's own idle timeout, which would close it, is not used);
 *   <li><b>drain timeout</b> ({@code http.body-timeout}): a request answered before its body was read (a 404
 *       say) has the rest of its body read and discarded; if that takes longer, the connection closes;
 *   <li><b>answers Vert.x would not give</b>: a body whose chunked framing breaks gets 400, an HTTP
 *       version other than 1.0 and 1.1 gets 505 (Vert.x would close without a word, or answer 501), each
 *       as a problem document, then the connection closes;
 *   <li><b>in order</b>: such an answer, and a 408, wait for the responses still owed to earlier pipelined
 *       requests on the connection (RFC 9112 section 9.3.2);
 *   <li><b>the end of a connection</b>: once an answer says {@code Connection: close}, no further request
 *       on the connection is processed (RFC 9112 section 9.6): what still arrives is read and discarded
 *       until the client closes or the drain timeout passes ("lingering close", as nginx does).
 * </ul>
 *
 * A client that closes its sending side is taken to be gone, as Vert.x and nginx take it: a server cannot
 * tell a half-close from a caller that went away, and a caller that went away must give its route slot
 * back at once rather than hold it until its reply or deadline.
 *
 * <p>The body of an admitted request has its own timeout in {@link BodyReader}, which also holds over HTTP/2.
 *
 * <p>Vert.x has no hook for the first byte of a request, so this watches the connection's Netty pipeline:
 * one handler at its head sees bytes arrive, one just before Vert.x's own handler sees decoded requests come
 * in and responses go out. That reaches into Vert.x's internals ({@link ConnectionBase#channel()} and its
 * handler names {@code httpDecoder} and {@code handler}, the class {@link Http1xServerConnection}) and
 * Netty's decoder's buffer; where they are not found (a Vert.x that changed them) it logs once and leaves the connection to the
 * other timeouts. Tests send slow header blocks and pipelined requests to catch such a change. Each
 * connection's state is confined to its event loop.
 */
final class ConnectionGuard {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionGuard.class);
  private static final String MESSAGES = "courier-messages";
  private static final Method DECODER_BUFFER = decoderBuffer();
  private static volatile boolean layoutWarned;

  private final long headerNanos;
  private final long idleNanos;
  private final long drainNanos;
  private final Consumer<GatewayError> refused;
  private final byte[] requestTimeout;
  private final byte[] brokenBody;
  private final byte[] badVersion;
  private final byte[] badVersionSyntax;

  /** @param refused told of each problem this class answers itself (408, 400, 505) */
  ConnectionGuard(Duration header, Duration idle, Duration drain, Consumer<GatewayError> refused) {
    this.headerNanos = header.toNanos();
    this.idleNanos = idle.toNanos();
    this.drainNanos = drain.toNanos();
    this.refused = refused;
    this.requestTimeout =
        rawProblem("408 Request Timeout", GatewayError.REQUEST_TIMEOUT,
            "the request's header fields did not arrive within " + header.toMillis() + " ms");
    this.brokenBody =
        rawProblem("400 Bad Request", GatewayError.MALFORMED_REQUEST, "the request body is not valid HTTP/1.1 framing");
    this.badVersion =
        rawProblem("505 HTTP Version Not Supported", GatewayError.HTTP_VERSION_NOT_SUPPORTED,
            "the gateway speaks HTTP/1.1 and HTTP/1.0 here");
    this.badVersionSyntax =
        rawProblem("400 Bad Request", GatewayError.MALFORMED_REQUEST,
            "the HTTP version must be written HTTP/1.1 or HTTP/1.0 (RFC 9112 section 2.3)");
  }

  private static Method decoderBuffer() {
    try {
      Method internalBuffer = ByteToMessageDecoder.class.getDeclaredMethod("internalBuffer");
      internalBuffer.setAccessible(true);
      return internalBuffer;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // a partial request buffered behind a whole one is then left to the idle timeout
    }
  }

  /** A whole HTTP/1.1 response carrying a problem, for the moments Vert.x has no response to write it to. */
  private static byte[] rawProblem(String statusLine, GatewayError error, String detail) {
    byte[] problem = new Problem(error, detail, null).toJson();
    byte[] head =
        ("HTTP/1.1 " + statusLine + "\r\ncontent-type: " + Problem.CONTENT_TYPE + "\r\ncontent-length: " + problem.length
                + "\r\nconnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    byte[] response = new byte[head.length + problem.length];
    System.arraycopy(head, 0, response, 0, head.length);
    System.arraycopy(problem, 0, response, head.length, problem.length);
    return response;
  }

  /**
   * Starts watching a new connection; on its event loop, from the server's connection handler.
   *
   * @param options the server's, to build its {@link StrictRequestDecoder} from
   */
  void watch(HttpConnection connection, HttpServerOptions options) {
    if (!(connection instanceof ConnectionBase base)) {
      warnLayout(connection);
      return;
    }
    if (!(connection instanceof Http1xServerConnection)) {
      // HTTP/2: streams have their own life; BodyReader's timeout still holds. A connection upgraded from
      // HTTP/1.1 (h2c) is handed over while its pipeline still holds the HTTP/1.1 decoder: checking the
      // pipeline alone would put HTTP/1.1 timeouts, and a raw HTTP/1.1 408, on an HTTP/2 connection.
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
      warnLayout(connection);
      return;
    }
    if (pipeline.get("h2c") == null && pipeline.get("httpDecoder") instanceof VertxHttpRequestDecoder plain
        && !(plain instanceof StrictRequestDecoder) && !hasBuffered(plain)) {
      // Before any byte is read (with h2c on, Vert.x hands the connection over mid-read: left as it is).
      pipeline.replace("httpDecoder", "httpDecoder", new StrictRequestDecoder(options));
    }
    Watch watch = new Watch(pipeline.get("httpDecoder"));
    pipeline.addFirst("courier-bytes-in", watch.bytes);
    pipeline.addBefore("handler", MESSAGES, watch.messages);
    watch.opened(pipeline.context(watch.bytes));
  }

  /**
   * The answer just written said {@code Connection: close} (the request was not read to its end): ends the
   * caller's side of the connection, so it reads the answer and then the end of the stream, and processes
   * nothing more that arrives on it; what arrives is read and discarded for at most the drain timeout, so
   * that closing never resets a connection with the answer still unread.
   */
  static void closeAfterAnswer(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channel().pipeline().get(MESSAGES) instanceof Messages messages) {
      messages.watch().closeAfterAnswer();
    } else if (connection instanceof ConnectionBase base && base.channel() instanceof SocketChannel socket && socket.isActive()) {
      socket.shutdownOutput();
    } else {
      connection.close();
    }
  }

  /**
   * The connection now carries a WebSocket: HTTP's header, idle and drain timeouts no longer apply (its bytes
   * are frames, not a slow header block), and the socket keeps its own idle timeout. Its event loop.
   */
  void upgraded(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channel().pipeline().get(MESSAGES) instanceof Messages messages) {
      messages.watch().stop();
    }
  }

  private static void warnLayout(HttpConnection connection) {
    if (!layoutWarned) {
      layoutWarned = true;
      LOGGER.warn(
          "HTTP header and idle timeouts are off: unexpected Vert.x connection {}", connection.getClass().getName());
    }
  }

  /** The handler before Vert.x's, named so that {@link #closeAfterAnswer} can find its connection's watch. */
  private interface Messages extends ChannelHandler {
    Watch watch();
  }

  /**
   * One connection's state; confined to its event loop. Requests and responses are counted in order
   * (HTTP/1.1 answers pipelined requests in the order they came): request n's response has begun when
   * {@code responsesStarted >= n} and ended when {@code responsesEnded >= n}.
   */
  private final class Watch {
    private final ChannelHandler decoder;
    /** No request's header block is complete since the last request ended: the next bytes are headers. */
    private boolean betweenRequests = true;
    /** The latest request's body has not ended yet. */
    private boolean bodyOpen;
    private long requestsIn;
    private long responsesStarted;
    private long responsesEnded;
    /** An answer of this class's own, written once {@link #writeAfter} responses have ended, then the close. */
    private byte[] finalAnswer;
    private long writeAfter;
    /** Nothing more is processed: inbound messages are discarded until the connection closes. */
    private boolean discarding;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> drainTimer;
    private ChannelHandlerContext head;
    private ChannelHandlerContext messagesContext;
    /**
     * A pipelined request (and what follows it) that came while an earlier one was still being answered: held
     * here, reading paused, until that answer has ended, so that an answer which ends the connection can drop
     * it before anything processes it. Vert.x answers pipelined requests one at a time anyway.
     */
    private final java.util.ArrayDeque<Object> held = new java.util.ArrayDeque<>();

    Watch(ChannelHandler decoder) {
      this.decoder = decoder;
    }

    final ChannelInboundHandlerAdapter bytes =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (betweenRequests && headerTimer == null && !discarding && message instanceof ByteBuf) {
              idleTimer = cancel(idleTimer);
              armHeaderTimer(ctx);
            }
            ctx.fireChannelRead(message);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            held.forEach(ReferenceCountUtil::release);
            held.clear();
            headerTimer = cancel(headerTimer);
            idleTimer = cancel(idleTimer);
            drainTimer = cancel(drainTimer);
            ctx.fireChannelInactive();
          }
        };

    final Messages messages = new MessagesHandler();

    private final class MessagesHandler extends ChannelDuplexHandler implements Messages {
      @Override
      public Watch watch() {
        return Watch.this;
      }

      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        messagesContext = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (discarding && !endOfAnsweredRequest(message)) {
          ReferenceCountUtil.release(message); // after Connection: close, nothing more is processed
          return;
        }
        if (!held.isEmpty() || (message instanceof HttpRequest && responsesEnded < requestsIn)) {
          held.add(message);
          ctx.channel().config().setAutoRead(false);
          if (message instanceof HttpRequest) {
            // Its header block is complete: however long the answer before it takes, it is not a slow client.
            betweenRequests = false;
            headerTimer = cancel(headerTimer);
          }
          return;
        }
        process(ctx, message);
      }

      /**
       * The empty, well-formed end of a request whose answer ended its connection: an answer of the gateway's
       * own is written before the end of a request without a body is read, and Vert.x closes the connection
       * only once the request has ended, so this one message still goes on. Anything else after such an
       * answer (a body, a broken chunk, the next request) is discarded.
       */
      private boolean endOfAnsweredRequest(Object message) {
        return bodyOpen
            && message instanceof LastHttpContent last
            && !(message instanceof HttpRequest)
            && last.content().readableBytes() == 0
            && last.decoderResult().isSuccess();
      }

      private void process(ChannelHandlerContext ctx, Object message) {
        if (message instanceof HttpRequest request && !isHttp1(request)) {
          ReferenceCountUtil.release(message);
          if (wellFormedVersion(request.protocolVersion())) {
            answerLast(badVersion, requestsIn, GatewayError.HTTP_VERSION_NOT_SUPPORTED);
          } else {
            answerLast(badVersionSyntax, requestsIn, GatewayError.MALFORMED_REQUEST);
          }
          return;
        }
        if (message instanceof HttpRequest request && closeInAList(request)) {
          // Vert.x keeps the connection unless the value is exactly "close": make it so, and it closes.
          request.headers().set(HttpHeaderNames.CONNECTION, "close");
        }
        if (message instanceof HttpContent content && !(message instanceof HttpRequest) && content.decoderResult().isFailure()) {
          // Vert.x would close the connection without a word; the caller gets a 400 first when it can.
          ReferenceCountUtil.release(message);
          bodyBroken();
          return;
        }
        if (message instanceof HttpRequest) {
          betweenRequests = false;
          bodyOpen = true;
          requestsIn++;
          headerTimer = cancel(headerTimer);
          idleTimer = cancel(idleTimer);
        }
        if (message instanceof LastHttpContent) {
          bodyOpen = false;
          betweenRequests = true;
          drainTimer = cancel(drainTimer);
          if (partialRequestBuffered()) {
            armHeaderTimer(ctx); // the next request began in the same read: its headers are due now
          }
          maybeIdle(ctx);
        }
        ctx.fireChannelRead(message);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
        boolean interim = message instanceof HttpResponse response && response.status().code() < 200;
        if (message instanceof HttpResponse response && !interim) {
          responsesStarted++;
          if ("close".equalsIgnoreCase(response.headers().get(HttpHeaderNames.CONNECTION))) {
            // This answer ends the connection: whatever came after its request is not processed (RFC 9112 9.6).
            discarding = true;
            held.forEach(ReferenceCountUtil::release);
            held.clear();
          }
        }
        ctx.write(message, promise);
        if (message instanceof LastHttpContent && !interim) {
          responsesEnded++;
          if (bodyOpen && drainTimer == null && responsesEnded == requestsIn) {
            // Answered before the body was read: Vert.x reads and discards the rest, within limits.
            drainTimer = ctx.executor().schedule(Watch.this::drainTooSlow, drainNanos, TimeUnit.NANOSECONDS);
          }
          if (finalAnswer != null && responsesEnded >= writeAfter) {
            writeFinalAnswer(); // after the response just written: answers keep their order
          } else if (!held.isEmpty()) {
            ctx.executor().execute(Watch.this::releaseHeld); // not from inside Vert.x's own write
          } else {
            maybeIdle(ctx);
          }
        }
      }
    }

    /** Hands held messages to Vert.x, up to the next request that must wait for an answer again. */
    private void releaseHeld() {
      boolean released = false;
      while (!held.isEmpty()) {
        if (discarding) {
          held.forEach(ReferenceCountUtil::release);
          held.clear();
          break;
        }
        if (held.peek() instanceof HttpRequest && responsesEnded < requestsIn) {
          break; // the request just released is being answered; the next waits for it
        }
        ((MessagesHandler) messages).process(messagesContext, held.poll());
        released = true;
      }
      if (released) {
        // Vert.x flushes what it writes during a read when the read completes: end this one, or an answer
        // written at once (without waiting for Kafka) would sit unflushed.
        messagesContext.fireChannelReadComplete();
      }
      if (held.isEmpty()) {
        head.channel().config().setAutoRead(true);
      }
    }

    /** Stops watching: cancels the timers and leaves the pipeline. */
    void stop() {
      headerTimer = cancel(headerTimer);
      idleTimer = cancel(idleTimer);
      drainTimer = cancel(drainTimer);
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      ChannelPipeline pipeline = head.pipeline();
      pipeline.remove(bytes);
      pipeline.remove(messages);
    }

    void opened(ChannelHandlerContext head) {
      this.head = head;
      // A client connects to send a request: its header block is due from now.
      armHeaderTimer(head);
    }

    private void armHeaderTimer(ChannelHandlerContext ctx) {
      headerTimer = cancel(headerTimer);
      headerTimer = ctx.executor().schedule(this::headersTooSlow, headerNanos, TimeUnit.NANOSECONDS);
    }

    private boolean partialRequestBuffered() {
      return hasBuffered(decoder);
    }

    private void maybeIdle(ChannelHandlerContext ctx) {
      if (responsesEnded == requestsIn && betweenRequests && headerTimer == null && idleTimer == null && !discarding) {
        idleTimer = ctx.executor().schedule(() -> head.close(), idleNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void headersTooSlow() {
      headerTimer = null;
      if (betweenRequests && !discarding && head.channel().isActive()) {
        answerLast(requestTimeout, requestsIn, GatewayError.REQUEST_TIMEOUT);
      }
    }

    /** The latest request's body framing broke; answer 400 after its predecessors, unless it is being answered. */
    private void bodyBroken() {
      if (responsesStarted >= requestsIn) {
        closeAfterAnswer(); // its own answer is on its way already: nothing more can be said
      } else {
        answerLast(brokenBody, requestsIn - 1, GatewayError.MALFORMED_REQUEST);
      }
    }

    /** Writes {@code answer} once {@code after} responses have ended, then closes; processes nothing more. */
    private void answerLast(byte[] answer, long after, GatewayError error) {
      refused.accept(error);
      discarding = true;
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      headerTimer = cancel(headerTimer);
      idleTimer = cancel(idleTimer);
      finalAnswer = answer;
      writeAfter = after;
      if (responsesEnded >= writeAfter) {
        writeFinalAnswer();
      }
    }

    private void writeFinalAnswer() {
      byte[] answer = finalAnswer;
      finalAnswer = null;
      head.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
    }

    /** After a {@code Connection: close} answer: end our side, discard what still comes, close in time. */
    void closeAfterAnswer() {
      discarding = true;
      held.forEach(ReferenceCountUtil::release);
      held.clear();
      head.channel().config().setAutoRead(true); // read and discard until the client closes
      headerTimer = cancel(headerTimer);
      idleTimer = cancel(idleTimer);
      if (head.channel() instanceof SocketChannel socket && socket.isActive()) {
        socket.shutdownOutput();
      }
      if (drainTimer == null) {
        drainTimer = head.executor().schedule(() -> head.close(), drainNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void drainTooSlow() {
      drainTimer = null;
      if (bodyOpen || discarding) {
        head.close();
      }
    }

    private ScheduledFuture<?> cancel(ScheduledFuture<?> timer) {
      if (timer != null) {
        timer.cancel(false);
      }
      return null;
    }
  }

  /** Whether a decoder holds bytes it has not decoded yet; {@code false} when that cannot be known. */
  private static boolean hasBuffered(ChannelHandler decoder) {
    if (DECODER_BUFFER == null || !(decoder instanceof ByteToMessageDecoder)) {
      return false;
    }
    try {
      Object buffered = DECODER_BUFFER.invoke(decoder);
      return buffered instanceof ByteBuf buffer && buffer.isReadable();
    } catch (ReflectiveOperationException | RuntimeException e) {
      return false;
    }
  }

  /**
   * HTTP/1.1 and HTTP/1.0 as Vert.x knows them: Netty's own constants, which it uses for exactly {@code
   * HTTP/1.1} and {@code HTTP/1.0}. Netty reads {@code http/1.1} or {@code HTTP/01.1} as an equal version
   * of its own, which Vert.x then answers with a bare 501.
   */
  private static boolean isHttp1(HttpRequest request) {
    HttpVersion version = request.protocolVersion();
    return version == HttpVersion.HTTP_1_1 || version == HttpVersion.HTTP_1_0;
  }

  /** Whether the request line's version is written as RFC 9112 section 2.3 says: {@code HTTP/} digit . digit. */
  private static boolean wellFormedVersion(HttpVersion version) {
    return version.protocolName().equals("HTTP") && version.text().equals("HTTP/" + version.majorVersion() + "." + version.minorVersion())
        && version.majorVersion() < 10 && version.minorVersion() < 10 && !version.equals(HttpVersion.HTTP_1_1)
        && !version.equals(HttpVersion.HTTP_1_0);
  }

  /**
   * Whether a {@code Connection} field lists the {@code close} option (RFC 9110 section 7.6.1), though not
   * as the whole value that Vert.x alone recognises ({@code keep-alive, close}, say).
   */
  private static boolean closeInAList(HttpRequest request) {
    java.util.List<String> values = request.headers().getAll(HttpHeaderNames.CONNECTION);
    if (values.isEmpty() || (values.size() == 1 && values.get(0).trim().equalsIgnoreCase("close"))) {
      return false;
    }
    for (String value : values) {
      for (String option : value.split(",")) {
        if (option.trim().equalsIgnoreCase("close")) {
          return true;
        }
      }
    }
    return false;
  }
}
