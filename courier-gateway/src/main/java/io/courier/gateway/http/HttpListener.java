package io.courier.gateway.http;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.HttpConfig;
import io.courier.gateway.config.TlsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One listening port of the gateway: an {@link HttpVerticle} per event loop on one socket, serving what its
 * {@link RequestPipeline.Listener} says, over TLS when configured (then with a {@link TlsReloader}).
 *
 * @param name the listener's name in metrics and logs: {@code http} or {@code management}
 * @param serves what the port answers
 * @param host address to bind
 * @param port port to bind; 0 picks a free one
 * @param tls TLS on the port, or {@code null} for plain HTTP
 */
public record HttpListener(String name, RequestPipeline.Listener serves, String host, int port, TlsConfig tls) {

  /**
   * Reads and checks the TLS files (so call it off the event loops), then deploys the servers. Files that
   * cannot be used fail with a {@link ConfigException} naming the setting, before anything listens.
   *
   * @return the bound port, once every server listens
   */
  public Future<Integer> start(Vertx vertx, HttpConfig http, RequestPipeline pipeline, MeterRegistry registry) {
    ServerTls.Loaded loaded = null;
    if (tls != null) {
      try {
        loaded = ServerTls.load(ServerTls.read(tls), vertx);
      } catch (ServerTls.UnusableException e) {
        throw new ConfigException(tls.origin() + ": " + e.getMessage());
      }
    }
    // One server per event loop, sharing one socket. Vert.x shares a random port only when it is asked
    // for as a negative number, the same for every server of the listener, so port 0 in configuration
    // becomes -1 here (-2, -3 for the other listeners: each its own random port).
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(host)
            .setPort(port == 0 ? -1 - serves.ordinal() : port)
            .setMaxHeaderSize(http.maxHeaderBytes())
            // h2c only when asked for: Vert.x serves it by default, untested and undocumented until it is.
            .setHttp2ClearTextEnabled(http.http2Cleartext())
            // 100 Continue is answered by the pipeline once the request is admitted, never before.
            .setHandle100ContinueAutomatically(false)
            // Vert.x's idle timeout would also close connections whose request waits for its reply:
            // ConnectionGuard closes only connections with nothing in progress.
            .setIdleTimeout(0)
            // Every response is written on its request's event loop (FrontEnd.execute, ResponseBatches): Vert.x
            // then writes directly instead of through a queue per connection, whose first chunk of 1 024 slots
            // (4 KB) was 40 % of the live heap with 10 000 requests in flight (docs/benchmarks.md). A write
            // from another thread would throw IllegalStateException.
            .setStrictThreadMode(true);
    pipeline.configure(options);
    if (loaded != null) {
      ServerTls.apply(loaded.options(), options);
    }
    List<HttpVerticle> servers = new CopyOnWriteArrayList<>();
    ServerTls.Loaded first = loaded;
    return vertx
        .deployVerticle(
            () -> {
              HttpVerticle server = new HttpVerticle(options, pipeline, serves);
              servers.add(server);
              return server;
            },
            // The management port's few requests need no more than one event loop.
            new DeploymentOptions().setInstances(serves == RequestPipeline.Listener.MANAGEMENT ? 1 : http.eventLoops()))
        .map(deployed -> {
          if (first != null) {
            new TlsReloader(name, tls, first, vertx, servers, registry).start();
          }
          return servers.get(0).actualPort();
        });
  }
}
