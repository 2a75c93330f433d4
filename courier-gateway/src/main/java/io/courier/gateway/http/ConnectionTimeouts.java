package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timeouts of an HTTP/1.x connection that Vert.x does not offer, so that no caller holds a connection
 * (and its buffers) for ever:
 *
 * <ul>
 *   <li><b>header timeout</b> ({@code http.header-timeout}): from the first byte of a request (or the
 *       connection's opening) to the end of its header block. A client that sends headers slowly
 *       ("slowloris") is answered 408 and the connection closed.
 *   <li><b>idle timeout</b> ({@code http.idle-timeout}): a connection with no request in progress and no
 *       bytes arriving is closed. A request waiting for its reply is in progress, whatever its route's
 *       timeout (which is why Vert.x's own idle timeout, which would close it, is not used).
 *   <li><b>drain timeout</b> ({@code http.body-timeout}): a request answered before its body was read (a 404
 *       say) has the rest of its body read and discarded; if that takes longer, the connection closes.
 * </ul>
 *
 * It also answers a body whose framing breaks (a bad chunk) with 400 before closing, where Vert.x would
 * close without a word.
 *
 * The body of an admitted request has its own timeout in {@link BodyReader}, which also holds over HTTP/2.
 *
 * <p>Vert.x has no hook for the first byte of a request, so this watches the connection's Netty pipeline:
 * one handler at its head sees bytes arrive, one just before Vert.x's own handler sees decoded requests come
 * in and responses go out. That reaches into Vert.x's internals ({@link ConnectionBase#channel()} and its
 * handler names {@code httpDecoder} and {@code handler}); where they are not found (an HTTP/2 connection, or
 * a Vert.x that changed them) it logs once and leaves the connection to the other timeouts. A test sends a
 * slow header block to catch such a change. Each connection's state is confined to its event loop.
 */
final class ConnectionTimeouts {
  private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionTimeouts.class);
  private static volatile boolean layoutWarned;

  private final long headerNanos;
  private final long idleNanos;
  private final long drainNanos;
  private final Consumer<GatewayError> refused;
  private final byte[] requestTimeout;
  private final byte[] brokenBody;

  /** @param refused told of each problem this class answers itself (a 408 for slow headers, a 400 for a broken body) */
  ConnectionTimeouts(Duration header, Duration idle, Duration drain, Consumer<GatewayError> refused) {
    this.headerNanos = header.toNanos();
    this.idleNanos = idle.toNanos();
    this.drainNanos = drain.toNanos();
    this.refused = refused;
    this.requestTimeout =
        rawProblem("408 Request Timeout", GatewayError.REQUEST_TIMEOUT,
            "the request's header fields did not arrive within " + header.toMillis() + " ms");
    this.brokenBody =
        rawProblem("400 Bad Request", GatewayError.MALFORMED_REQUEST, "the request body is not valid HTTP/1.1 framing");
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

  /** Starts watching a new connection; on its event loop, from the server's connection handler. */
  void watch(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      warnLayout(connection);
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get("httpDecoder") == null || pipeline.get("handler") == null) {
      if (pipeline.get("handler") == null) {
        warnLayout(connection);
      }
      return; // HTTP/2: streams have their own life; BodyReader's timeout still holds
    }
    Watch watch = new Watch();
    pipeline.addFirst("courier-bytes-in", watch.bytes);
    pipeline.addBefore("handler", "courier-messages", watch.messages);
    watch.opened(pipeline.context(watch.bytes));
  }

  /**
   * Ends the caller's side of a connection whose request was not read to its end, once its answer is
   * written: the caller reads the answer and then the end of the stream at once, while the gateway goes on
   * reading and discarding what the caller still sends (for at most the drain timeout), so that closing
   * never resets a connection with the answer still unread ("lingering close", as nginx and Apache do).
   */
  static void closeAfterAnswer(HttpConnection connection) {
    if (connection instanceof ConnectionBase base && base.channel() instanceof SocketChannel socket && socket.isActive()) {
      socket.shutdownOutput();
    } else {
      connection.close();
    }
  }

  private static void warnLayout(HttpConnection connection) {
    if (!layoutWarned) {
      layoutWarned = true;
      LOGGER.warn(
          "HTTP header and idle timeouts are off: unexpected Vert.x connection {}", connection.getClass().getName());
    }
  }

  /** One connection's state; confined to its event loop. */
  private final class Watch {
    /** No request's header block is complete since the last request ended: the next bytes are headers. */
    private boolean betweenRequests = true;
    /** The latest request's body has not ended yet. */
    private boolean bodyOpen;
    /** Requests whose response has not ended. */
    private int open;
    /** The latest request's response has begun to go out. */
    private boolean answering;
    private ScheduledFuture<?> headerTimer;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> drainTimer;
    private ChannelHandlerContext head;

    final ChannelInboundHandlerAdapter bytes =
        new ChannelInboundHandlerAdapter() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (betweenRequests && headerTimer == null && message instanceof ByteBuf) {
              idleTimer = cancel(idleTimer);
              headerTimer = ctx.executor().schedule(Watch.this::headersTooSlow, headerNanos, TimeUnit.NANOSECONDS);
            }
            ctx.fireChannelRead(message);
          }

          @Override
          public void channelInactive(ChannelHandlerContext ctx) {
            headerTimer = cancel(headerTimer);
            idleTimer = cancel(idleTimer);
            drainTimer = cancel(drainTimer);
            ctx.fireChannelInactive();
          }
        };

    final ChannelDuplexHandler messages =
        new ChannelDuplexHandler() {
          @Override
          public void channelRead(ChannelHandlerContext ctx, Object message) {
            if (message instanceof HttpContent content && !(message instanceof HttpRequest) && content.decoderResult().isFailure()) {
              // Vert.x would close the connection without a word; the caller gets a 400 first when it can.
              ReferenceCountUtil.release(message);
              bodyBroken();
              return;
            }
            if (message instanceof HttpRequest) {
              betweenRequests = false;
              bodyOpen = true;
              answering = false;
              open++;
              headerTimer = cancel(headerTimer);
              idleTimer = cancel(idleTimer);
            }
            if (message instanceof LastHttpContent) {
              bodyOpen = false;
              betweenRequests = true;
              drainTimer = cancel(drainTimer);
              maybeIdle(ctx);
            }
            ctx.fireChannelRead(message);
          }

          @Override
          public void write(ChannelHandlerContext ctx, Object message, ChannelPromise promise) {
            boolean interim = message instanceof HttpResponse response && response.status().code() < 200;
            if (message instanceof HttpResponse && !interim) {
              answering = true;
            }
            if (message instanceof LastHttpContent && !interim) {
              open = Math.max(0, open - 1);
              if (bodyOpen && drainTimer == null) {
                // Answered before the body was read: Vert.x reads and discards the rest, within limits.
                drainTimer = ctx.executor().schedule(Watch.this::drainTooSlow, drainNanos, TimeUnit.NANOSECONDS);
              }
              maybeIdle(ctx);
            }
            ctx.write(message, promise);
          }
        };

    void opened(ChannelHandlerContext head) {
      this.head = head;
      // A client connects to send a request: its header block is due from now.
      headerTimer = head.executor().schedule(this::headersTooSlow, headerNanos, TimeUnit.NANOSECONDS);
    }

    private void maybeIdle(ChannelHandlerContext ctx) {
      if (open == 0 && betweenRequests && headerTimer == null && idleTimer == null) {
        idleTimer = ctx.executor().schedule(() -> head.close(), idleNanos, TimeUnit.NANOSECONDS);
      }
    }

    private void headersTooSlow() {
      headerTimer = null;
      if (betweenRequests && head.channel().isActive()) {
        refused.accept(GatewayError.REQUEST_TIMEOUT);
        head.writeAndFlush(Unpooled.wrappedBuffer(requestTimeout)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void bodyBroken() {
      if (answering) {
        head.close(); // a response is on its way already: nothing more can be said
      } else {
        refused.accept(GatewayError.MALFORMED_REQUEST);
        head.writeAndFlush(Unpooled.wrappedBuffer(brokenBody)).addListener(ChannelFutureListener.CLOSE);
      }
    }

    private void drainTooSlow() {
      drainTimer = null;
      if (bodyOpen) {
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
}
