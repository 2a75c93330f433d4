package io.courier.bench.load;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One kind of request over keep-alive HTTP/1.1 connections, on a non-blocking Vert.x client: by default
 * {@code POST /echo} with a JSON body. A 200 is a success; any other status or failure is an error. Thread-safe:
 * {@link #send} may be called from any thread, a Vert.x event loop or not.
 */
public final class HttpRoundTrip implements RoundTrip {
  private static final Logger LOGGER = LoggerFactory.getLogger(HttpRoundTrip.class);

  /** What each request is. */
  public enum Shape {
    /** {@code POST /echo}, the body. */
    ECHO,
    /** {@code POST /echo-idempotent}, the body, and a new {@code Idempotency-Key} each time: a first request. */
    IDEMPOTENT_ECHO,
    /** {@code GET} of one result that is there ({@code uri}), no body. */
    RESULT_LOOKUP
  }

  private final AtomicBoolean failureLogged = new AtomicBoolean();
  private final AtomicLong keys = new AtomicLong();
  private final HttpClient client;
  private final RequestOptions request;
  private final Shape shape;

  /** @param connections the connection pool size; requests beyond it wait in the client's queue */
  public HttpRoundTrip(Vertx vertx, int port, int connections) {
    this(vertx, port, connections, Shape.ECHO, "/echo");
  }

  /** @param uri the path of {@link Shape#RESULT_LOOKUP}; the others have their own */
  public HttpRoundTrip(Vertx vertx, int port, int connections, Shape shape, String uri) {
    this.shape = shape;
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(30_000).setTcpNoDelay(true),
            new PoolOptions().setHttp1MaxSize(connections));
    this.request =
        new RequestOptions()
            .setMethod(shape == Shape.RESULT_LOOKUP ? HttpMethod.GET : HttpMethod.POST)
            .setHost("127.0.0.1")
            .setPort(port)
            .setURI(shape == Shape.RESULT_LOOKUP ? uri : shape == Shape.IDEMPOTENT_ECHO ? "/echo-idempotent" : "/echo")
            .putHeader("content-type", "application/json");
  }

  @Override
  public void send(byte[] body, Completion completion) {
    RequestOptions options = request;
    if (shape == Shape.IDEMPOTENT_ECHO) {
      options = new RequestOptions(request).putHeader("idempotency-key", "\"bench-" + keys.incrementAndGet() + "-" + System.nanoTime() + "\"");
    }
    Buffer buffer = shape == Shape.RESULT_LOOKUP ? null : Buffer.buffer(body);
    client
        .request(options)
        // The body is asked for inside the send's own continuation, which runs on the connection's event loop as
        // the response arrives. Chained from here instead, on a thread outside Vert.x (the open loop's), the ask
        // could come after a fast response had already ended, and then its future never completed: the request
        // was lost, neither answered nor failed (docs/benchmarks.md, *Load*).
        .compose(req -> (buffer == null ? req.send() : req.send(buffer))
            .compose(response -> response.body().map(ignored -> response.statusCode())))
        .onComplete(
            result -> {
              boolean ok = result.succeeded() && result.result() == 200;
              if (!ok && failureLogged.compareAndSet(false, true)) {
                // once per client: enough to tell a refused connection from a 503 without flooding the log
                LOGGER.warn("First failed request port={} status={} error={}", request.getPort(),
                    result.succeeded() ? result.result() : null, result.succeeded() ? null : result.cause().toString());
              }
              completion.done(ok);
            });
  }

  @Override
  public void close() {
    try {
      client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      // closing only; nothing waits on it
    }
  }
}
