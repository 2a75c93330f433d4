package io.courier.gateway.websocket;

import io.courier.gateway.accesslog.AccessLog;
import io.courier.gateway.config.WebSocketConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.Exchanges;
import io.courier.gateway.http.CallerCredentials;
import io.courier.gateway.http.UpgradeEndpoint;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.routing.RouteTable;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The WebSocket front end of the exchange core (docs/protocol.md, "WebSocket"): {@code GET
 * websocket.path} with {@code Upgrade: websocket} becomes a socket ({@link SocketSession}) whose text frames
 * are requests to the same routes, through the same admission, authentication, rate limits, metrics, traces
 * and access log as HTTP. Replies find the instance holding the socket the way they find the one holding an
 * HTTP request: by the instance its correlation id names (docs/adr/0005-websocket-replies.md).
 *
 * <p>The upgrade is refused, with a problem, when it is not one (426), not a {@code GET} (405), comes from a
 * browser page of an origin that may not open sockets (403 {@code origin-rejected}), or when {@code
 * websocket.max-sockets} are open (503 {@code overloaded}). Thread-safe: one instance serves all event loops.
 */
public final class WebSocketEndpoint implements UpgradeEndpoint {
  private final WebSocketConfig config;
  private final RouteTable routes;
  private final Exchanges exchanges;
  private final CallerCredentials credentials;
  private final GatewayMetrics gatewayMetrics;
  private final SocketMetrics metrics;
  private final int maxHeaderBytes;
  private final String retryAfterSeconds;
  private final String resultsPath;
  /** {@code null} when the access log is off. */
  private final AccessLog accessLog;
  /** The open sockets, for {@link #goingAway}. */
  private final java.util.Set<SocketSession> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * @param maxHeaderBytes the most bytes a frame's header fields may take ({@code http.max-header-bytes})
   * @param retryAfterSeconds the {@code Retry-After} of retryable problems ({@code http.retry-after})
   * @param resultsPath the prefix of result {@code Location}s
   * @param accessLog the access log, or {@code null} when off
   */
  public WebSocketEndpoint(
      WebSocketConfig config, RouteTable routes, Exchanges exchanges, CallerCredentials credentials, GatewayMetrics gatewayMetrics,
      int maxHeaderBytes, long retryAfterSeconds, String resultsPath, AccessLog accessLog) {
    this.config = config;
    this.routes = routes;
    this.exchanges = exchanges;
    this.credentials = credentials;
    this.gatewayMetrics = gatewayMetrics;
    this.metrics = new SocketMetrics(gatewayMetrics.registry());
    this.maxHeaderBytes = maxHeaderBytes;
    this.retryAfterSeconds = Long.toString(retryAfterSeconds);
    this.resultsPath = resultsPath;
    this.accessLog = accessLog;
  }

  /** Whether {@code request} is for this endpoint's path (an upgrade or not). */
  @Override
  public boolean serves(HttpServerRequest request) {
    return config.path().equals(request.path());
  }

  /**
   * Sets the WebSocket limits on the server's options: messages up to {@code websocket.max-frame-bytes}, and
   * no compression, so that the limit bounds what a socket buffers (a compressed frame could inflate past it).
   */
  @Override
  public void configure(HttpServerOptions options) {
    options
        .setMaxWebSocketFrameSize(config.maxFrameBytes())
        .setMaxWebSocketMessageSize(config.maxFrameBytes())
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false);
  }

  /**
   * Upgrades {@code request} to a socket, or refuses it. Event loop; never blocks.
   *
   * @param refuse writes a refusal's problem (the endpoint may have set header fields for it)
   * @param upgraded told the connection once it carries the socket, so HTTP's own timeouts leave it
   */
  @Override
  public void upgrade(HttpServerRequest request, BiConsumer<GatewayError, String> refuse, Consumer<HttpConnection> upgraded) {
    if (request.method() != HttpMethod.GET) {
      request.response().putHeader(HttpHeaders.ALLOW, "GET");
      refuse.accept(GatewayError.METHOD_NOT_ALLOWED, request.method() + " is not allowed on " + config.path() + ": it takes WebSocket upgrades");
      return;
    }
    String upgradeField = request.getHeader(HttpHeaders.UPGRADE);
    if (upgradeField == null || !upgradeField.toLowerCase(Locale.ROOT).contains("websocket")) {
      // RFC 9110 section 15.5.22: say which protocol to upgrade to.
      request.response().putHeader(HttpHeaders.UPGRADE, "websocket").putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
      refuse.accept(GatewayError.UPGRADE_REQUIRED, config.path() + " takes only WebSocket upgrades (RFC 6455)");
      return;
    }
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin != null && !originAllowed(origin, request.getHeader(HttpHeaders.HOST))) {
      metrics.refused(SocketMetrics.Refusal.ORIGIN);
      refuse.accept(GatewayError.ORIGIN_REJECTED, "pages of this origin may not open a socket; websocket.allowed-origins lists those that may");
      return;
    }
    if (!metrics.tryOpen(config.maxSockets())) {
      metrics.refused(SocketMetrics.Refusal.MAX_SOCKETS);
      refuse.accept(GatewayError.OVERLOADED, "this instance holds websocket.max-sockets (" + config.maxSockets() + ") sockets");
      return;
    }
    // What the socket's requests are authenticated with: the upgrade's header fields and certificate.
    MultiMap headers = HttpHeaders.headers().addAll(request.headers());
    Upgrade upgrade =
        new Upgrade(headers::getAll, CallerCredentials.clientCertificateSubject(request),
            request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress());
    HttpConnection connection = request.connection();
    request
        .toWebSocket()
        .onSuccess(socket -> {
          upgraded.accept(connection);
          SocketSession session = new SocketSession(this, socket, upgrade);
          sessions.add(session);
          session.start();
        })
        .onFailure(failed -> {
          metrics.closed();
          if (!request.response().ended() && !request.response().closed()) {
            refuse.accept(GatewayError.MALFORMED_REQUEST, "not a valid WebSocket handshake (RFC 6455 section 4.2.1)");
          }
        });
  }

  /**
   * The gateway is stopping (its requests drained): every open socket is closed with 1001 (Going Away, RFC
   * 6455 section 7.4.1) rather than cut, so clients know to reconnect elsewhere. Any thread.
   *
   * @return completes once every close frame is written
   */
  public io.vertx.core.Future<Void> goingAway() {
    List<io.vertx.core.Future<Void>> closes = sessions.stream().map(SocketSession::goingAway).toList();
    return io.vertx.core.Future.join(closes).mapEmpty();
  }

  /** A session's socket closed. */
  void closed(SocketSession session) {
    sessions.remove(session);
    metrics.closed();
  }

  /**
   * A browser page may open a socket when it is of the gateway's own origin (its host and port are the
   * request's {@code Host}) or of an origin {@code websocket.allowed-origins} lists: browsers apply no CORS to
   * WebSockets, so without this any page could use a visitor's client certificate (RFC 6455 section 10.2).
   */
  boolean originAllowed(String origin, String authority) {
    for (String allowed : config.allowedOrigins()) {
      if (allowed.equals("*") || allowed.equalsIgnoreCase(origin)) {
        return true;
      }
    }
    try {
      URI uri = URI.create(origin);
      if (uri.getHost() == null || authority == null) {
        return false;
      }
      String own = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      return own.equalsIgnoreCase(authority) || (uri.getPort() < 0 && authority.equalsIgnoreCase(uri.getHost() + ":" + defaultPort(uri)));
    } catch (IllegalArgumentException e) {
      return false; // "null" (a sandboxed page or a file) and anything else unreadable
    }
  }

  private static int defaultPort(URI uri) {
    return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
  }

  /**
   * What a socket keeps of its upgrade request.
   *
   * @param headers the upgrade's header fields by lower-case name
   * @param clientCertificateSubject the verified client certificate's subject, or {@code null}
   * @param remoteAddress the client's IP address, or {@code ""}
   */
  record Upgrade(Function<String, List<String>> headers, String clientCertificateSubject, String remoteAddress) {}

  WebSocketConfig config() {
    return config;
  }

  RouteTable routes() {
    return routes;
  }

  Exchanges exchanges() {
    return exchanges;
  }

  CallerCredentials credentials() {
    return credentials;
  }

  GatewayMetrics gatewayMetrics() {
    return gatewayMetrics;
  }

  SocketMetrics metrics() {
    return metrics;
  }

  int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  String retryAfterSeconds() {
    return retryAfterSeconds;
  }

  String resultsPath() {
    return resultsPath;
  }

  AccessLog accessLog() {
    return accessLog;
  }
}
