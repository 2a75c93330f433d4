package io.courier.responder;

import io.courier.responder.internal.ResponderLoop;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Answers the requests on one request topic with one {@link RequestHandler}. Start as many instances, in as
 * many processes, as the topic has partitions: they share the work through the consumer group. Or, in
 * {@link GroupType#SHARE share-group} mode ({@link Builder#groupType}), as many as the work needs, more than
 * the partitions, at the price of per-key order; consumer-group mode is the default because it keeps it.
 *
 * <p>Guarantees: a request whose deadline has passed is skipped (the caller has been told already); a
 * handler failure becomes a 500 problem reply, so a request is never lost nor retried forever; offsets are
 * committed only after the replies to the requests before them are acknowledged by Kafka, so a crash leads
 * to redelivery, never to a lost request; {@link #close()} stops taking requests, finishes those in hand,
 * commits, and leaves the group.
 *
 * <p>In share-group mode each record is acknowledged on its own, by what became of its request: an expired
 * request is accepted without running the handler (counted in {@link ResponderStats#expired()}); a {@link
 * RetryableException} with time left before the deadline is released for another delivery ({@link
 * ResponderStats#released()}); any other handler failure is rejected and answered with a 500 problem reply,
 * so the caller learns at once; a request still in the handler has its acquisition lock renewed, but never
 * once its deadline has passed. Every reply carries {@code courier-delivery-attempt}; deliveries after the
 * first are counted in {@link ResponderStats#redelivered()}, and one with an {@code idempotency-key} already
 * handled by this instance is answered with the first reply, without running the handler again.
 *
 * <p>Thread-safe. Runs one consumer thread, named {@code courier-responder-<topic>}.
 */
public final class Responder implements AutoCloseable {
  private final ResponderLoop loop;

  private Responder(Builder builder) {
    this.loop = new ResponderLoop(builder.settings());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Joins the group and starts answering; returns at once. */
  public Responder start() {
    loop.start();
    return this;
  }

  /** Whether partitions are assigned and the responder is answering. */
  public boolean isRunning() {
    return loop.isRunning();
  }

  /**
   * Whether the responder has not stopped on an error: for the host's health (liveness) check. A responder
   * that stopped on an error answers nothing more, though its process may look alive. True before {@code
   * start} and after a clean {@code close}; whether it is answering now is {@link #isRunning()}.
   * Thread-safe.
   */
  public boolean isHealthy() {
    return loop.failure() == null;
  }

  /** Counters of what this responder did, for logs and tests. */
  public ResponderStats stats() {
    return loop.stats();
  }

  /**
   * Stops taking requests, waits up to the shutdown timeout for the ones in hand, commits and leaves the
   * group. Idempotent.
   */
  @Override
  public void close() {
    loop.close();
  }

  /** Configures a {@link Responder}; {@link #build()} fails fast on a missing or invalid setting. */
  public static final class Builder {
    private String bootstrapServers;
    private String requestTopic;
    private String groupId;
    private RequestHandler handler;
    private Duration shutdownTimeout = Duration.ofSeconds(10);
    private int maxInFlight = 256;
    private final Map<String, Object> kafkaProperties = new HashMap<>();
    private Pattern replyTopics = ResponderLoop.Settings.DEFAULT_REPLY_TOPICS;
    private Duration handlerTimeout = ResponderLoop.Settings.DEFAULT_HANDLER_TIMEOUT;
    private Duration idempotencyWindow = ResponderLoop.Settings.DEFAULT_IDEMPOTENCY_WINDOW;
    private io.opentelemetry.api.OpenTelemetry openTelemetry;
    private java.util.function.Consumer<Throwable> onFailure = failure -> {};
    private GroupType groupType = GroupType.CONSUMER;

    private Builder() {}

    public Builder bootstrapServers(String bootstrapServers) {
      this.bootstrapServers = bootstrapServers;
      return this;
    }

    public Builder requestTopic(String requestTopic) {
      this.requestTopic = requestTopic;
      return this;
    }

    /**
     * The consumer group shared by every instance of the service (or the share group, in share-group mode;
     * Kafka keeps one name space for both kinds: a name cannot be both).
     */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /**
     * How the instances share the request topic. {@link GroupType#CONSUMER} (default): per-key order, at most
     * as many busy instances as partitions. {@link GroupType#SHARE}: a Kafka share group (Kafka 4.2+, KIP-932),
     * any number of instances, no order, each record acknowledged by the rules in {@link Responder}. In share
     * mode {@link #maxInFlight} also caps how many records one poll acquires ({@code max.poll.records}, with
     * {@code share.acquire.mode=record_limit}), and the responder sets the group config {@code
     * share.auto.offset.reset=earliest} with the Admin API at start (a WARN if it may not).
     */
    public Builder groupType(GroupType groupType) {
      this.groupType = Objects.requireNonNull(groupType, "groupType");
      return this;
    }

    /** A handler that may answer later, on any thread. */
    public Builder handler(RequestHandler handler) {
      this.handler = handler;
      return this;
    }

    /** A handler that answers before it returns. */
    public Builder syncHandler(RequestHandler.SyncRequestHandler handler) {
      this.handler = RequestHandler.of(Objects.requireNonNull(handler, "handler"));
      return this;
    }

    /** How long {@link #close()} waits for requests in hand. Default 10 s. */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** How many requests may be in the handler at once; polling pauses beyond it. Default 256. */
    public Builder maxInFlight(int maxInFlight) {
      this.maxInFlight = maxInFlight;
      return this;
    }

    /**
     * The reply topics a request may name (a full match of the name). A request naming another, or this
     * responder's own request topic, or a reply partition below -1, is refused: skipped without running the
     * handler, counted in {@link ResponderStats#refused()} and logged at most once a minute, so that no
     * request can make the service write into a topic of its own (its state topic, say). Default: names with
     * the word {@code responses} or {@code replies} ({@code courier.responses}, {@code orders.replies},
     * {@code gw-replies-2}), as gateways' response topics are named.
     */
    public Builder replyTopics(Pattern replyTopics) {
      this.replyTopics = replyTopics;
      return this;
    }

    /**
     * The longest an (asynchronous) handler may take. A handler still running when its request's deadline
     * passes is given up on then: no reply (the caller was answered 504), its slot and offset released, a
     * WARN. One still running after this timeout, before the deadline, is given up on with a 504 problem
     * reply. A synchronous handler runs on the poll thread and cannot be given up on. Default 5 minutes.
     */
    public Builder handlerTimeout(Duration handlerTimeout) {
      this.handlerTimeout = handlerTimeout;
      return this;
    }

    /**
     * How long the handler runs at most once per route and {@code idempotency-key} (docs/protocol.md,
     * "Idempotency keys"): a request whose key was handled within the window gets the first reply again,
     * without running the handler, counted in {@link ResponderStats#replayed()}. Only replies below 500 are
     * replayed; after a handler failure, a retry runs again. Replies are kept in this instance's memory (at
     * most 10 000); zero turns it off. Default 1 hour, the gateway's default {@code results.retention}.
     */
    public Builder idempotencyWindow(Duration idempotencyWindow) {
      this.idempotencyWindow = idempotencyWindow;
      return this;
    }

    /**
     * Where the spans of handled requests go (W3C Trace Context, docs/protocol.md, "Trace context"): each
     * request gets a span of kind CONSUMER, child of the context its record carries (the gateway's span),
     * current while the handler is called ({@code Span.current()}), and the reply record carries its
     * context as {@code traceparent}. Default: {@code GlobalOpenTelemetry} as it is at {@link #build()}
     * (the Java agent's, or one the application set), else no-op; with no-op, no span is made and the reply
     * carries the request's own context, so the trace still reaches the reply.
     */
    public Builder openTelemetry(io.opentelemetry.api.OpenTelemetry openTelemetry) {
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      return this;
    }

    /**
     * Told once, on the poll thread, if the responder stops on an error (it answers nothing more): the host
     * decides what to do, fail its health check, restart or exit. See also {@link Responder#isHealthy()}.
     */
    public Builder onFailure(java.util.function.Consumer<Throwable> listener) {
      this.onFailure = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** Any Kafka client setting, given to both the consumer and the producer (SASL, SSL, ...). */
    public Builder kafkaProperty(String name, Object value) {
      kafkaProperties.put(name, value);
      return this;
    }

    public Builder kafkaProperties(Properties properties) {
      properties.forEach((name, value) -> kafkaProperties.put(name.toString(), value));
      return this;
    }

    public Responder build() {
      return new Responder(this);
    }

    ResponderLoop.Settings settings() {
      requireText(bootstrapServers, "bootstrapServers");
      requireText(requestTopic, "requestTopic");
      requireText(groupId, "groupId");
      Objects.requireNonNull(handler, "handler must be set");
      if (shutdownTimeout == null || shutdownTimeout.isNegative()) {
        throw new IllegalArgumentException("shutdownTimeout must be zero or positive");
      }
      if (maxInFlight < 1) {
        throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
      }
      Objects.requireNonNull(replyTopics, "replyTopics");
      return new ResponderLoop.Settings(
          bootstrapServers, requestTopic, groupId, handler, shutdownTimeout, maxInFlight, Map.copyOf(kafkaProperties),
          replyTopics, handlerTimeout, onFailure, idempotencyWindow,
          openTelemetry != null ? openTelemetry : io.opentelemetry.api.GlobalOpenTelemetry.getOrNoop(), groupType);
    }

    private static void requireText(String value, String name) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(name + " must be set");
      }
    }
  }
}
