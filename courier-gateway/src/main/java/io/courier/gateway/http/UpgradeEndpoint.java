package io.courier.gateway.http;

import io.courier.gateway.error.GatewayError;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A front end reached by upgrading an HTTP/1.1 request on the routes' listener, such as the WebSocket one:
 * the pipeline hands it the requests for its path, before results and routes. Thread-safe.
 */
public interface UpgradeEndpoint {
  /** Whether {@code request} is for this endpoint (an upgrade or not). */
  boolean serves(HttpServerRequest request);

  /** Sets what this endpoint needs on the server's options (limits of the upgraded protocol). */
  void configure(HttpServerOptions options);

  /**
   * Upgrades {@code request}, or refuses it. Event loop; never blocks.
   *
   * @param refuse writes a refusal's problem (the endpoint may have set header fields for it first)
   * @param upgraded told the connection once it carries the new protocol, so HTTP's own timeouts leave it
   */
  void upgrade(HttpServerRequest request, BiConsumer<GatewayError, String> refuse, Consumer<HttpConnection> upgraded);
}
