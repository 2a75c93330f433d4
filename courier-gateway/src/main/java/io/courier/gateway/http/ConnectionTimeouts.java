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
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
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
  private final Consumer<GatewayError> timedOut;
  private final byte[] requestTimeout;

  /** @param timedOut told of each 408 sent for a header block that did not come in time */
  ConnectionTimeouts(Duration header, Duration idle, Duration drain, Consumer<GatewayError> timedOut) {
    this.headerNanos = header.toNanos();
    this.idleNanos = idle.toNanos();
    this.drainNanos = drain.toNanos();
    this.timedOut = timedOut;
    byte[] problem =
        new Problem(GatewayError.REQUEST_TIMEOUT, "the request's header fields did not arrive within "
            + header.toMillis() + " ms", null).toJson();
    String head =
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: " + Problem.CONTENT_TYPE + "\r\ncontent-length: "
            + problem.length + "\r\nconnection: close\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    this.requestTimeout = new byte[headBytes.length + problem.length];
    System.arraycopy(headBytes, 0, requestTimeout, 0, headBytes.length);
    System.arraycopy(problem, 0, requestTimeout, headBytes.length, problem.length);
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
            if (message instanceof HttpRequest) {
              betweenRequests = false;
              bodyOpen = true;
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
        timedOut.accept(GatewayError.REQUEST_TIMEOUT);
        head.writeAndFlush(Unpooled.wrappedBuffer(requestTimeout)).addListener(ChannelFutureListener.CLOSE);
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
