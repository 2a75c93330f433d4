package io.courier.gateway.http;

import io.courier.gateway.cors.CorsPolicy;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.RateLimitedLog;
import io.courier.gateway.exchange.CallerRequest;
import io.courier.gateway.exchange.FrontEnd;
import io.courier.gateway.exchange.StreamSink;
import io.courier.gateway.config.StreamConfig;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.pending.Outcome;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP request as an exchange sees it: the {@link CallerRequest} it reads and the {@link FrontEnd} it
 * answers through. Answers are written on the request's own event loop, handed over once per consumer poll
 * ({@link ResponseBatches}) when they come from a consumer thread.
 */
final class HttpCall implements CallerRequest, FrontEnd {
  private static final Logger LOGGER = LoggerFactory.getLogger(HttpCall.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));

  private final HttpServerRequest request;
  private final RequestTarget target;
  private final String query;
  private final ResponseWriter writer;
  private final Context context;
  /** The route's CORS policy, {@code null} when off. */
  private final CorsPolicy cors;
  /** The route's stream limits, {@code null} when it takes one reply per request. */
  private final StreamConfig stream;

  HttpCall(HttpServerRequest request, RequestTarget target, String query, ResponseWriter writer, CorsPolicy cors, StreamConfig stream) {
    this.cors = cors;
    this.stream = stream;
    this.request = request;
    this.target = target;
    this.query = query;
    this.writer = writer;
    this.context = Vertx.currentContext();
  }

  @Override
  public RequestTarget target() {
    return target;
  }

  @Override
  public String query() {
    return query;
  }

  @Override
  public List<String> headerValues(String name) {
    return request.headers().getAll(name);
  }

  @Override
  public void execute(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      ResponseBatches.submit(context, task);
    }
  }

  /** NDJSON or Server-Sent Events by {@code Accept}; for neither, the assembled array through {@link #answer}. */
  @Override
  public StreamSink streamSink() {
    HttpStreamSink.Format format = HttpStreamSink.Format.accepted(request.method(), request.headers().getAll(HttpHeaders.ACCEPT));
    return stream == null || format == null ? null : new HttpStreamSink(request, format, stream.bufferBytes(), writer, cors);
  }

  @Override
  public void answer(Outcome outcome) {
    try {
      writer.write(request, outcome, cors);
    } catch (RuntimeException e) {
      // The answer must still reach the caller: as a 500 if nothing went out yet, else by closing.
      WARNINGS.warn("answer", e, "Writing a response failed path={} error={}", request.path(), e.toString());
      try {
        if (request.response().headWritten()) {
          request.connection().close(); // part of the answer is out: only the close can tell it was cut
          return;
        }
        // Whatever the failed write set (the reply's Content-Length, say) must not describe the problem.
        String connection = request.response().headers().get(HttpHeaders.CONNECTION);
        request.response().headers().clear();
        if (connection != null) {
          request.response().putHeader(HttpHeaders.CONNECTION, connection); // a close decided earlier stands
        }
        if (cors != null) {
          writer.cors(request, cors); // the page must be able to read this problem too
        }
        writer.problem(request, GatewayError.INTERNAL_ERROR, "the gateway failed to write the response");
      } catch (RuntimeException again) {
        request.connection().close();
      }
    }
  }
}
