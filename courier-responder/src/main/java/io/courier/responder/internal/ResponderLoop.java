package io.courier.responder.internal;

import io.courier.responder.GroupType;
import io.courier.responder.RequestHandler;
import io.courier.responder.ResponderStats;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ShareConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The machinery behind {@link io.courier.responder.Responder}: creates the Kafka clients, runs the {@link
 * PollLoop} on its own thread and stops it. Not API.
 *
 * <p>Threads: one poll thread, named {@code courier-responder-<topic>}, owns the consumer; it runs
 * synchronous handlers and must therefore never be blocked by them for long (the group evicts a member that
 * does not poll within {@code max.poll.interval.ms}). Asynchronous handlers complete on their own threads,
 * which then produce the reply. The producer's I/O thread acknowledges replies. The poll thread is not a
 * daemon: a started responder keeps the JVM alive until it is closed, like a server.
 *
 * <p>Thread-safe: {@link #start()}, {@link #isRunning()}, {@link #stats()} and {@link #close()} may be
 * called from any thread.
 */
public final class ResponderLoop {
  private static final Logger LOGGER = LoggerFactory.getLogger(ResponderLoop.class);
  /** Beyond the shutdown timeout, what the consumer and producer may take to close. */
  private static final Duration JOIN_MARGIN = Duration.ofSeconds(30);

  /**
   * A responder's validated configuration.
   *
   * @param bootstrapServers the Kafka cluster
   * @param requestTopic the topic requests arrive on
   * @param groupId the consumer group shared by every instance of the service
   * @param handler answers the requests
   * @param shutdownTimeout how long closing (or losing partitions) waits for requests in hand
   * @param maxInFlight how many requests may be in the handler at once
   * @param kafkaProperties settings for both Kafka clients (security, tuning)
   * @param replyTopics the reply topics a request may name; others are refused without running the handler
   * @param handlerTimeout the longest a handler may take, when the request's deadline does not come first
   * @param onFailure told once, on the poll thread, if the responder stops on an error
   * @param idempotencyWindow how long the reply of a request with an {@code idempotency-key} is replayed to
   *     requests with the same route and key instead of running the handler again; zero: never
   * @param openTelemetry where the spans of handled requests go
   * @param groupType whether the instances share the request topic as a consumer group or a share group
   */
  public record Settings(
      String bootstrapServers,
      String requestTopic,
      String groupId,
      RequestHandler handler,
      Duration shutdownTimeout,
      int maxInFlight,
      Map<String, Object> kafkaProperties,
      Pattern replyTopics,
      Duration handlerTimeout,
      java.util.function.Consumer<Throwable> onFailure,
      Duration idempotencyWindow,
      io.opentelemetry.api.OpenTelemetry openTelemetry,
      GroupType groupType) {

    /**
     * Reply topics a request may name by default: a name with the word {@code responses} or {@code replies},
     * but not a gateway's forward or results topic ({@code <response-topic>.forwards}, {@code .results}), which only
     * gateways write.
     */
    public static final Pattern DEFAULT_REPLY_TOPICS =
        Pattern.compile("(?i)(?!.*[._-](forwards|results)$)(.*[._-])?(responses|replies)([._-].*)?");
    /** The longest a handler may take by default, when the request's deadline does not come first. */
    public static final Duration DEFAULT_HANDLER_TIMEOUT = Duration.ofMinutes(5);
    /** How long replies are replayed per idempotency key by default: the gateway's default {@code results.retention}. */
    public static final Duration DEFAULT_IDEMPOTENCY_WINDOW = Duration.ofHours(1);

    /** Settings with the default idempotency window, and no tracing of its own (the no-op OpenTelemetry). */
    public Settings(
        String bootstrapServers,
        String requestTopic,
        String groupId,
        RequestHandler handler,
        Duration shutdownTimeout,
        int maxInFlight,
        Map<String, Object> kafkaProperties,
        Pattern replyTopics,
        Duration handlerTimeout,
        java.util.function.Consumer<Throwable> onFailure) {
      this(bootstrapServers, requestTopic, groupId, handler, shutdownTimeout, maxInFlight, kafkaProperties, replyTopics,
          handlerTimeout, onFailure, DEFAULT_IDEMPOTENCY_WINDOW, io.opentelemetry.api.OpenTelemetry.noop(), GroupType.CONSUMER);
    }

    /** Settings with the default reply topics and handler timeout, and no failure listener. */
    public Settings(
        String bootstrapServers,
        String requestTopic,
        String groupId,
        RequestHandler handler,
        Duration shutdownTimeout,
        int maxInFlight,
        Map<String, Object> kafkaProperties) {
      this(bootstrapServers, requestTopic, groupId, handler, shutdownTimeout, maxInFlight, kafkaProperties,
          DEFAULT_REPLY_TOPICS, DEFAULT_HANDLER_TIMEOUT, failure -> {});
    }

    public Settings {
      Objects.requireNonNull(bootstrapServers, "bootstrapServers");
      Objects.requireNonNull(requestTopic, "requestTopic");
      Objects.requireNonNull(groupId, "groupId");
      Objects.requireNonNull(handler, "handler");
      Objects.requireNonNull(openTelemetry, "openTelemetry");
      Objects.requireNonNull(groupType, "groupType");
      Objects.requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
      }
      kafkaProperties = Map.copyOf(kafkaProperties);
      Objects.requireNonNull(replyTopics, "replyTopics");
      Objects.requireNonNull(onFailure, "onFailure");
      if (handlerTimeout == null || handlerTimeout.isNegative() || handlerTimeout.isZero()) {
        throw new IllegalArgumentException("handlerTimeout must be positive");
      }
      if (idempotencyWindow == null || idempotencyWindow.isNegative()) {
        throw new IllegalArgumentException("idempotencyWindow must be zero or positive");
      }
    }
  }

  private enum State {
    NEW,
    STARTED,
    CLOSED
  }

  private final Settings settings;
  private final Clock clock;
  private final KafkaClients clients;
  private final ResponderCounters counters = new ResponderCounters();
  /** Guards the lifecycle: {@link #state}, {@link #loop} and {@link #thread} change together. */
  private final Object lifecycle = new Object();
  private State state = State.NEW;
  private volatile ConsumeLoop loop;
  private Thread thread;
  private final AtomicBoolean stopLogged = new AtomicBoolean();

  /** A loop on real Kafka clients and the system clock; nothing runs until {@link #start()}. */
  public ResponderLoop(Settings settings) {
    this(settings, Clock.systemUTC(), KafkaClients.real());
  }

  /** For tests: another clock for deadlines, other clients. */
  ResponderLoop(Settings settings, Clock clock, KafkaClients clients) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.clients = Objects.requireNonNull(clients, "clients");
  }

  /**
   * Creates the clients, subscribes and starts polling; returns at once.
   *
   * @throws IllegalStateException if started before or closed
   * @throws org.apache.kafka.common.KafkaException if a client cannot be created (bad settings)
   */
  public void start() {
    synchronized (lifecycle) {
      if (state != State.NEW) {
        throw new IllegalStateException("a responder can be started once, and not after close: " + state);
      }
      loop = settings.groupType() == GroupType.SHARE ? shareLoop() : consumerGroupLoop();
      thread = new Thread(loop, "courier-responder-" + settings.requestTopic());
      thread.start();
      state = State.STARTED;
    }
    LOGGER.info(
        "Responder started requestTopic={} groupId={} groupType={} maxInFlight={}",
        settings.requestTopic(),
        settings.groupId(),
        settings.groupType(),
        settings.maxInFlight());
  }

  private ConsumeLoop consumerGroupLoop() {
    Consumer<String, byte[]> consumer = clients.consumer(KafkaClients.consumerConfig(settings));
    ReplyProducer replies = replyProducer(() -> consumer.close(CloseOptions.timeout(Duration.ZERO)));
    return new PollLoop(settings, consumer, replies, processor(replies, Redelivery.NEVER));
  }

  private ConsumeLoop shareLoop() {
    ShareGroupSetup.apply(clients, settings);
    Map<String, Object> config = KafkaClients.shareConsumerConfig(settings);
    ShareConsumer<String, byte[]> consumer = clients.shareConsumer(config);
    ReplyProducer replies = replyProducer(() -> consumer.close(Duration.ZERO));
    ShareMembership membership = new ShareMembership(
        clients.admin(KafkaClients.adminConfig(settings)), settings.groupId(),
        String.valueOf(config.get(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG)));
    return new ShareLoop(
        settings, consumer, replies, processor(replies, Redelivery.beforeDeadline(Redelivery.DEFAULT_DELIVERY_LIMIT)), clock,
        membership);
  }

  /** The reply producer; if it cannot be created, {@code closeConsumer} runs before the error is thrown. */
  private ReplyProducer replyProducer(Runnable closeConsumer) {
    try {
      return new ReplyProducer(clients.producer(KafkaClients.producerConfig(settings)));
    } catch (RuntimeException e) {
      closeConsumer.run();
      throw e;
    }
  }

  /** The request processing both kinds of loop share; they differ in how a record is settled. */
  private RequestProcessor processor(ReplyProducer replies, Redelivery redelivery) {
    return new RequestProcessor(
        settings.requestTopic(), settings.handler(), replies, clock, counters, settings.replyTopics(),
        settings.handlerTimeout(), HandlerTimer.SHARED, settings.idempotencyWindow(),
        new ResponderTracing(settings.openTelemetry(), settings.groupId()), redelivery);
  }

  /** Whether partitions are assigned and the responder has not begun to close. */
  public boolean isRunning() {
    ConsumeLoop current = loop;
    return current != null && current.isRunning();
  }

  /** The error that stopped this responder, or {@code null}. */
  public Throwable failure() {
    ConsumeLoop current = loop;
    return current == null ? null : current.failure();
  }

  /** What this responder has done so far. */
  public ResponderStats stats() {
    return counters.snapshot();
  }

  /**
   * Stops polling, waits up to the shutdown timeout for the requests in hand and their replies, commits,
   * leaves the group and closes the clients; returns when the poll thread has ended. Idempotent. Called
   * from a handler running on the poll thread, it only asks the loop to stop.
   */
  public void close() {
    ConsumeLoop current;
    Thread pollThread;
    synchronized (lifecycle) {
      state = State.CLOSED;
      current = loop;
      pollThread = thread;
    }
    if (current == null || pollThread == null) {
      return; // never started
    }
    current.requestClose();
    if (Thread.currentThread() == pollThread) {
      return;
    }
    awaitEnd(pollThread);
    // Logged by whichever close() first sees the thread gone (a close from a handler could not wait for it).
    if (!pollThread.isAlive() && stopLogged.compareAndSet(false, true)) {
      ResponderStats stats = stats();
      LOGGER.info(
          "Responder stopped requestTopic={} groupId={} answered={} failed={} expired={} malformed={}",
          settings.requestTopic(),
          settings.groupId(),
          stats.answered(),
          stats.failed(),
          stats.expired(),
          stats.malformed());
    }
  }

  private void awaitEnd(Thread pollThread) {
    // Waiting for requests in hand, then closing the consumer and the producer, each take up to the
    // shutdown timeout.
    Duration limit = settings.shutdownTimeout().multipliedBy(3).plus(JOIN_MARGIN);
    try {
      pollThread.join(limit.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (pollThread.isAlive()) {
      LOGGER.warn(
          "Poll thread did not end requestTopic={} thread={} waitedMillis={}",
          settings.requestTopic(),
          pollThread.getName(),
          limit.toMillis());
    }
  }
}
