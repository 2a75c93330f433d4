package io.courier.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.ServerSSLOptions;

/**
 * One HTTP server on one event loop; the gateway deploys one per event loop and listener, all of a listener on
 * the same port. Each connection is watched for the header and idle timeouts ({@link ConnectionGuard}).
 */
public final class HttpVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final RequestPipeline pipeline;
  private final RequestPipeline.Listener listener;
  private final ConnectionGuard timeouts;
  private HttpServer server;

  public HttpVerticle(HttpServerOptions options, RequestPipeline pipeline, RequestPipeline.Listener listener) {
    this.options = options;
    this.pipeline = pipeline;
    this.listener = listener;
    this.timeouts = pipeline.connectionGuard();
  }

  @Override
  public Future<?> start() {
    server =
        vertx
            .createHttpServer(options)
            .connectionHandler(connection -> timeouts.watch(connection, options))
            .invalidRequestHandler(pipeline::handleInvalid)
            .requestHandler(request -> pipeline.handle(request, listener));
    return server.listen();
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }

  /** New TLS settings (a renewed certificate) for the connections accepted from now on. */
  Future<Boolean> updateSsl(ServerSSLOptions tls) {
    return server.updateSSLOptions(tls);
  }
}
