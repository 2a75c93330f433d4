package io.courier.gateway.http;

import io.courier.gateway.accesslog.AccessLog;
import io.courier.gateway.exchange.Exchange;
import io.vertx.core.http.HttpServerRequest;
import java.time.Instant;

/**
 * The access-log line of one sampled request: started when the request arrives, handed to the {@link
 * AccessLog} once, when its response has ended or its caller has gone. Confined to the request's event loop.
 */
final class AccessLine {
  private final HttpServerRequest request;
  private final AccessLog log;
  private final Instant time = Instant.now();
  private final long startNanos = System.nanoTime();
  private Exchange exchange;
  private boolean written;

  AccessLine(HttpServerRequest request, AccessLog log) {
    this.request = request;
    this.log = log;
    request.response().endHandler(ended -> write(request.response().getStatusCode()));
  }

  /** The request matched a route: its template and name, its trace, and its correlation id once published. */
  void routed(Exchange exchange) {
    this.exchange = exchange;
  }

  /** The caller left before an answer: logged with status 0. */
  void callerGone() {
    if (!request.response().ended()) {
      write(0);
    }
  }

  private void write(int status) {
    if (written) {
      return;
    }
    written = true;
    log.record(new AccessLog.Request(
        time,
        request.method().name(),
        exchange != null ? exchange.route().path() : request.path(),
        exchange != null ? exchange.route().name() : null,
        status,
        System.nanoTime() - startNanos,
        request.bytesRead(),
        request.response().bytesWritten(),
        exchange != null ? exchange.correlationId() : null,
        exchange != null ? exchange.traceparent() : request.getHeader("traceparent")));
  }
}
