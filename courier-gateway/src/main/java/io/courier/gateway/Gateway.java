package io.courier.gateway;

import io.courier.gateway.accesslog.AccessLog;
import io.courier.gateway.apidocs.AsyncApiDocument;
import io.courier.gateway.auth.Authenticator;
import io.courier.gateway.apidocs.OpenApiDocument;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.HttpConfig;
import io.courier.gateway.config.ManagementConfig;
import io.courier.gateway.config.ReplyOwnership;
import io.courier.gateway.config.ResultsConfig;
import io.courier.gateway.exchange.Exchanges;
import io.courier.gateway.exchange.Readiness;
import io.courier.gateway.http.HttpListener;
import io.courier.gateway.http.RequestPipeline;
import io.courier.gateway.http.EventLoopTransport;
import io.courier.gateway.http.ResponseBatches;
import io.courier.gateway.http.VertxDeadlines;
import io.courier.gateway.kafka.ClusterWatch;
import io.courier.gateway.kafka.KafkaClients;
import io.courier.gateway.kafka.ReplyDispatcher;
import io.courier.gateway.kafka.ReplyRouting;
import io.courier.gateway.kafka.ResultsTopic;
import io.courier.gateway.kafka.RequestPublisher;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.results.ResultStore;
import io.courier.gateway.results.ResultView;
import io.courier.gateway.state.States;
import io.courier.gateway.kafka.WholeTopics;
import io.courier.gateway.routing.RouteTable;
import io.courier.gateway.tracing.Tracing;
import io.courier.gateway.status.StatusReport;
import io.courier.protocol.CorrelationIds;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.transport.Transport;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway instance: HTTP front end, the shared producer, the reply consumer and the pending-reply
 * registry, wired from a {@link GatewayConfig}. {@link #start} returns once HTTP is listening; the gateway
 * answers 503 until {@link #isReady()} (the reply consumer is positioned, the forward, results and state topics
 * are read). Thread-safe.
 */
public final class Gateway implements AutoCloseable {
  /**
   * How long {@link #close()} lets requests in flight be answered before HTTP stops: the drain of {@code
   * courier gateway} on SIGTERM. A pod's termination grace period must cover it (deploy/kubernetes).
   */
  public static final Duration DRAIN = Duration.ofSeconds(5);

  private static final Logger LOGGER = LoggerFactory.getLogger(Gateway.class);
  /** How long finished correlation ids are remembered to tell duplicate and late replies from unknown. */
  private static final Duration REMEMBER_FINISHED = Duration.ofMinutes(5);
  private static final int REMEMBER_FINISHED_MAX = 100_000;

  private final GatewayConfig config;
  private final Vertx vertx;
  /** What the event loops run on: epoll unless {@code http.native-transport} is off or epoll cannot load here. */
  private final Transport transport;
  private final PrometheusMeterRegistry registry;
  private final PendingReplies pending;
  private final Admin admin;
  private final RequestPublisher publisher;
  private final ReplyRouting replies;
  /** {@code null} when results are off. */
  private final ResultsTopic resultsTopic;
  /** The forward, results and state topics, read whole on one consumer. */
  private final WholeTopics wholeTopics;
  /** {@code null} when the access log is off. */
  private final AccessLog accessLog;
  private final io.micrometer.core.instrument.Counter repliesKept;
  /** Where results are kept; {@code null} when results are off. Set before any consumer starts. */
  private final ResultStore results;
  private final ClusterWatch clusterWatch;
  private final Tracing tracing;
  private final Authenticator authenticator;
  /** The WebSocket front end, or {@code null} when off. */
  private volatile io.courier.gateway.websocket.WebSocketEndpoint webSockets;
  private final Readiness readiness;
  private final RouteTable routes;
  private final int httpPort;
  private final int managementPort;

  private Gateway(GatewayConfig config, Clock clock, Tracing tracing) {
    this.config = config;
    this.tracing = tracing;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.pending = new PendingReplies(config.instanceId(), clock, REMEMBER_FINISHED, REMEMBER_FINISHED_MAX);
    GatewayMetrics metrics = new GatewayMetrics(registry, pending::size);
    // Each client is closed again if a later one cannot be made (Kafka refusing a setting, say).
    List<AutoCloseable> built = new ArrayList<>();
    try {
      this.admin = built(built, KafkaClients.create("admin client", KafkaClients.admin(config.kafka(), config.instanceId()), Admin::create));
      this.clusterWatch =
          built(built, new ClusterWatch(
              admin,
              config.kafka().readinessGrace(),
              config.responderGroups(),
              config.kafka().replies().mode() == ReplyOwnership.Mode.GROUP ? config.kafka().replies().groupId() : null,
              KafkaClients.replyClientId(config.instanceId())));
      this.publisher =
          built(built, new RequestPublisher(
              KafkaClients.create("producer", KafkaClients.producer(config.kafka(), config.instanceId()), KafkaProducer<byte[], byte[]>::new),
              config.requestTopics(),
              config.kafka().publishQueue(),
              KafkaClients.sendWait(config.kafka()),
              clock));
      ResultsConfig resultsConfig = config.results();
      ResultView view = resultsConfig.enabled() ? new ResultView(clock, resultsConfig.retention(), resultsConfig.maxBytes()) : null;
      // The reply consumer is made first: a setting Kafka refuses is reported as the reply consumer's.
      this.replies =
          built(built, new ReplyRouting(
              config.kafka(), config.instanceId(), config.requestTopics(), admin, pending, publisher, metrics,
              new ResponseBatches(), clusterWatch,
              view == null ? List.of() : List.of(resultsConfig.topic()),
              view == null ? ReplyDispatcher.UnclaimedReplies.NONE : this::keepUnclaimedReply));
      this.resultsTopic = view == null ? null : new ResultsTopic(admin, resultsConfig, view, clock);
      this.results =
          view == null
              ? null
              : new ResultStore(
                  resultsConfig.topic(), view, publisher::result, resultsTopic::caughtUp, resultsTopic::partitionCount,
                  publisher::publish, clock);
      if (view != null) {
        metrics.results(view);
      }
      States states = States.of(config.routes(), registry);
      this.wholeTopics = built(built, new WholeTopics(config.kafka(), config.instanceId(), replies, resultsTopic, states, new ResponseBatches()));
      this.repliesKept =
          io.micrometer.core.instrument.Counter.builder("courier.results.replies.kept")
              .description("Replies nobody waited for any more (late after a 504 or a 202, or read after a restart) kept as results")
              .register(registry);
      this.transport = EventLoopTransport.choose(config.http().nativeTransport());
      this.vertx =
          Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(config.http().eventLoops())).withTransport(transport).build();
      built.add(() -> vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
      this.readiness = new Readiness(this::kafkaNotReadyReason, this::consumersUnhealthyReason, clusterWatch::noResponders);
      this.routes = new RouteTable(config.routes());
      Exchanges exchanges =
          new Exchanges(
              pending,
              publisher::publish,
              replies::nextReplyPartition,
              new CorrelationIds(config.instanceId()),
              config.kafka().responseTopic(),
              clock,
              new VertxDeadlines(vertx),
              readiness,
              routes.routes(),
              metrics::route,
              this.results,
              resultsConfig.maxWait(),
              tracing,
              states);
      this.accessLog = config.accessLog().enabled() ? built(built, new AccessLog(config.accessLog(), config.instanceId())) : null;
      this.authenticator = built(built, new Authenticator(config.authentication(), clock));
      if (accessLog != null) {
        io.micrometer.core.instrument.FunctionCounter.builder("courier.access.log.dropped", accessLog, AccessLog::dropped)
            .description("Access log lines dropped because the writer fell behind")
            .register(registry);
      }
      int[] ports =
          listen(new RequestPipeline(routes, exchanges, metrics, registry, config.http(), resultsConfig,
              OpenApiDocument.json(config).getBytes(java.nio.charset.StandardCharsets.UTF_8),
              AsyncApiDocument.json(config).getBytes(java.nio.charset.StandardCharsets.UTF_8), accessLog, statusReport(clock),
              authenticator,
              config.management() == null ? io.courier.gateway.config.RouteAccess.OPEN : config.management().access(),
              webSockets = webSockets(exchanges, metrics)));
      this.httpPort = ports[0];
      this.managementPort = ports[1];
    } catch (RuntimeException e) {
      for (int i = built.size() - 1; i >= 0; i--) {
        try {
          built.get(i).close();
        } catch (Exception closing) {
          e.addSuppressed(closing);
        }
      }
      registry.close();
      tracing.close();
      throw e;
    }
    replies.start();
    wholeTopics.start();
    clusterWatch.start();
  }

  /** The WebSocket front end over the same exchange core, or {@code null} when {@code websocket.enabled} is off. */
  private io.courier.gateway.websocket.WebSocketEndpoint webSockets(Exchanges exchanges, GatewayMetrics metrics) {
    return config.websocket().enabled()
        ? new io.courier.gateway.websocket.WebSocketEndpoint(config.websocket(), routes, exchanges,
            new io.courier.gateway.http.CallerCredentials(authenticator), metrics, config.http().maxHeaderBytes(),
            config.http().retryAfter().toSeconds(), config.results().path(), accessLog)
        : null;
  }

  /** The numbers of the status page: read from the meters, the route slots, the reply partitions and the cluster watch. */
  private StatusReport statusReport(Clock clock) {
    ReplyOwnership ownership = config.kafka().replies();
    String mode = ownership.mode() == ReplyOwnership.Mode.GROUP
        ? "group " + ownership.groupId()
        : "static, instance " + ownership.instanceIndex() + " of " + ownership.instanceCount();
    return new StatusReport(registry, routes.routes(), clock, new StatusReport.Instance(
        config.instanceId(), config.kafka().responseTopic(), mode, replies::ownedPartitions, readiness, clusterWatch::state));
  }

  private static <T extends AutoCloseable> T built(List<AutoCloseable> built, T closeable) {
    built.add(closeable);
    return closeable;
  }

  /** A reply no waiting caller took: kept if it answers a pending result (reply consumer threads). */
  private boolean keepUnclaimedReply(String correlationId, io.courier.gateway.pending.Outcome.Replied reply) {
    boolean kept = results.unclaimedReply(correlationId, reply);
    if (kept) {
      repliesKept.increment();
    }
    return kept;
  }

  /** Why Kafka does not let this instance answer requests now, or {@code null}: its consumers, then the cluster. */
  private String kafkaNotReadyReason() {
    String consumers = replies.notReadyReason();
    if (consumers == null) {
      consumers = wholeTopics.notReadyReason();
    }
    return consumers != null ? consumers : clusterWatch.notReadyReason();
  }

  private String consumersUnhealthyReason() {
    String reason = replies.unhealthyReason();
    return reason != null ? reason : wholeTopics.unhealthyReason();
  }

  /** Starts a gateway; returns once HTTP listens. Fails if the port cannot be bound. */
  public static Gateway start(GatewayConfig config) {
    return start(config, Clock.systemUTC());
  }

  public static Gateway start(GatewayConfig config, Clock clock) {
    return start(config, clock, Tracing.create(config.tracing(), config.instanceId()));
  }

  /**
   * Starts a gateway whose request spans go to {@code openTelemetry} (an embedding application's SDK, or
   * the Java agent's {@code GlobalOpenTelemetry.get()}) instead of the exporter {@code tracing} configures.
   * The gateway does not close {@code openTelemetry}.
   */
  public static Gateway start(GatewayConfig config, io.opentelemetry.api.OpenTelemetry openTelemetry) {
    return start(config, Clock.systemUTC(), Tracing.recording(openTelemetry));
  }

  private static Gateway start(GatewayConfig config, Clock clock, Tracing tracing) {
    Gateway gateway = new Gateway(config, clock, tracing);
    config.warnings().forEach(warning -> LOGGER.warn("Configuration: {}", warning));
    if (config.http().nativeTransport() && gateway.transport != Transport.EPOLL) {
      LOGGER.info("Netty's native transport did not load, serving over Java NIO: {}", EventLoopTransport.whyNotNative());
    }
    LOGGER.info(
        "Gateway started instanceId={} port={} transport={} tls={} managementPort={} routes={} responseTopic={}",
        config.instanceId(),
        gateway.httpPort,
        gateway.httpTransport(),
        config.http().tls() != null,
        gateway.managementPort,
        config.routes().size(),
        config.kafka().responseTopic());
    return gateway;
  }

  /** Starts the routes' listener and, when configured apart, the management listener; returns their ports. */
  private int[] listen(RequestPipeline pipeline) {
    ManagementConfig management = config.management();
    HttpConfig http = config.http();
    int httpPort = await(new HttpListener("http", management == null ? RequestPipeline.Listener.SHARED : RequestPipeline.Listener.ROUTES,
        http.host(), http.port(), http.tls()).start(vertx, http, pipeline, registry));
    int managementPort = management == null ? httpPort : await(
        new HttpListener("management", RequestPipeline.Listener.MANAGEMENT, management.host(), management.port(), management.tls())
            .start(vertx, http, pipeline, registry));
    return new int[] {httpPort, managementPort};
  }

  public int httpPort() {
    return httpPort;
  }

  /**
   * What the event loops run on: {@code epoll} (Netty's native transport, {@code http.native-transport}) or
   * {@code nio} (Java NIO: the setting is {@code false}, or the native library did not load).
   */
  public String httpTransport() {
    return transport.name();
  }

  /** The port of the management endpoints: {@link #httpPort()} unless {@code management} sets one apart. */
  public int managementPort() {
    return managementPort;
  }

  public String instanceId() {
    return config.instanceId();
  }

  /**
   * Whether requests are taken now: the reply consumer is positioned, the forward, results and state topics are
   * read, the cluster answers, and it is not draining.
   */
  public boolean isReady() {
    return readiness.refusal() == null;
  }

  /** Why the gateway is not ready, or {@code null}. */
  public String notReadyReason() {
    Readiness.Refusal refusal = readiness.refusal();
    return refusal == null ? null : refusal.detail();
  }

  /** Why the gateway should be restarted ({@code /health} fails), or {@code null}. */
  public String unhealthyReason() {
    return readiness.unhealthyReason();
  }

  /**
   * Completes the first time the gateway is ready; fails with the reason if it can never be (see
   * {@link #refusal()}). Never completes while Kafka stays unreachable, so bound the wait.
   */
  public CompletableFuture<Void> whenReady() {
    // Only the reply consumer can refuse for good: its failure ends the wait at once.
    return replies.firstReady().thenCompose(positioned -> wholeTopics.firstReady());
  }

  /**
   * Why this gateway can never become ready (e.g. static ownership with more instances than partitions),
   * or {@code null}. The command line exits on it; an embedding application should too.
   */
  public String refusal() {
    return replies.refusal();
  }

  /** The response-topic partitions this instance reads now. */
  public int[] ownedReplyPartitions() {
    return replies.ownedPartitions();
  }

  /** Requests waiting for replies. */
  public int pendingRequests() {
    return pending.size();
  }

  /** Requests holding a route slot: admitted and not answered yet, whatever step they are at. */
  public int requestsInFlight() {
    return routes.inFlight();
  }

  public PrometheusMeterRegistry meterRegistry() {
    return registry;
  }

  /**
   * Stops taking requests (503 {@code shutting-down}), waits up to {@code drain} for those in flight to be
   * answered (their route slots given back, which happens as the answer is written), then stops HTTP and
   * the Kafka clients.
   */
  public void close(Duration drain) {
    readiness.drain();
    long deadline = System.nanoTime() + drain.toNanos();
    while (routes.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(10); // shutdown path only, off the event loops
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    try {
      if (webSockets != null) {
        await(webSockets.goingAway().timeout(2, TimeUnit.SECONDS).recover(slow -> io.vertx.core.Future.succeededFuture()));
      }
      await(vertx.close());
    } finally {
      // Consumers first: leaving the group hands the partitions over at once, and a forward in the
      // publisher's queue still goes out before the producer closes.
      clusterWatch.close();
      replies.close();
      wholeTopics.close();
      publisher.close();
      admin.close(Duration.ofSeconds(5));
      if (accessLog != null) {
        accessLog.close(); // after HTTP: every answered request's line is queued by now
      }
      tracing.close(); // after HTTP too: every answered request's span is ended by now
      authenticator.close();
      registry.close();
      LOGGER.info("Gateway stopped instanceId={} unanswered={}", config.instanceId(), pending.size());
    }
  }

  @Override
  public void close() {
    close(DRAIN);
  }

  private static <T> T await(io.vertx.core.Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException("gateway start-up failed: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("gateway start-up timed out", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
