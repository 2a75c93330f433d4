package io.courier.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

/** One HTTP server on one event loop; the gateway deploys one per event loop, all on the same port. */
public final class HttpVerticle extends VerticleBase {
  private final HttpServerOptions options;
  private final RequestPipeline pipeline;
  private HttpServer server;

  public HttpVerticle(HttpServerOptions options, RequestPipeline pipeline) {
    this.options = options;
    this.pipeline = pipeline;
  }

  @Override
  public Future<?> start() {
    server = vertx.createHttpServer(options).requestHandler(pipeline::handle);
    return server.listen();
  }

  /** The bound port, once started. */
  public int actualPort() {
    return server.actualPort();
  }
}
