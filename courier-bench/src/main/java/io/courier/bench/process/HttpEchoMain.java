package io.courier.bench.process;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP floor: a plain Vert.x server that answers every request with its own body, no Kafka. As many event
 * loops as the gateway's default (the number of cores), on one shared port, on the gateway's default transport
 * (epoll where Netty's native library loads). Argument: none.
 */
public final class HttpEchoMain {
  private HttpEchoMain() {}

  public static void main(String[] args) throws Exception {
    ParentWatch.start();
    int loops = Runtime.getRuntime().availableProcessors();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true));
    int port = deploy(vertx, loops);
    Runtime.getRuntime().addShutdownHook(new Thread(vertx::close, "bench-http-echo-stop"));
    ParentWatch.announceReady(port);
    Thread.currentThread().join();
  }

  /**
   * Deploys the echo server on {@code vertx}, {@code instances} servers sharing one random port of 127.0.0.1
   * (one per event loop), and waits up to 30 s for it to listen.
   *
   * @return the port
   * @throws Exception when it does not listen in time
   */
  public static int deploy(Vertx vertx, int instances) throws Exception {
    int[] port = new int[1];
    vertx
        .deployVerticle(() -> new EchoVerticle(port), new DeploymentOptions().setInstances(instances))
        .toCompletionStage()
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    synchronized (port) {
      return port[0];
    }
  }

  /** One server per event loop; Vert.x shares a random port between them when asked for port -1. */
  private static final class EchoVerticle extends AbstractVerticle {
    private final int[] port;

    EchoVerticle(int[] port) {
      this.port = port;
    }

    @Override
    public void start(Promise<Void> started) {
      vertx
          .createHttpServer()
          .requestHandler(
              request ->
                  request
                      .body()
                      .onSuccess(
                          body ->
                              request
                                  .response()
                                  .putHeader("content-type", "application/json")
                                  .end(body)))
          .listen(-1, "127.0.0.1")
          .onSuccess(
              (HttpServer server) -> {
                synchronized (port) {
                  port[0] = server.actualPort();
                }
                started.complete();
              })
          .onFailure(started::fail);
    }
  }
}
