package io.courier.gateway.exchange;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.results.ResultStore;
import io.courier.gateway.results.ResultView;
import io.courier.gateway.routing.Route;
import io.courier.gateway.routing.RouteMatch;
import io.courier.gateway.routing.RouteTable;
import io.courier.protocol.CorrelationIds;
import io.courier.protocol.Profile;
import io.courier.testing.FakeClock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The exchange core with every collaborator faked: a clock that runs deadlines when moved, a publisher that
 * keeps records until a test acknowledges or fails them, and callers whose answers are recorded. No broker,
 * no Vert.x, no sleeping.
 */
final class ExchangeHarness {
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final String INSTANCE = "gw-test";

  final FakeClock clock = new FakeClock();
  final PendingReplies pending = new PendingReplies(INSTANCE, clock, Duration.ofMinutes(5), 10_000);
  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final GatewayMetrics metrics = new GatewayMetrics(registry, pending::size);
  final Queue<Published> published = new ConcurrentLinkedQueue<>();
  final AtomicBoolean queueFull = new AtomicBoolean();
  /** When set, the publisher throws it: a fault in the gateway itself. */
  final java.util.concurrent.atomic.AtomicReference<RuntimeException> publisherBug = new java.util.concurrent.atomic.AtomicReference<>();
  volatile String notReady;
  final Readiness readiness = new Readiness(() -> notReady);
  final RouteTable routes;
  final Exchanges exchanges;

  /** A record handed to the fake publisher, and its callback. */
  record Published(ProducerRecord<byte[], byte[]> record, Callback callback) {
    void acknowledge() {
      callback.onCompletion(new RecordMetadata(new TopicPartition(record.topic(), 0), 0, 0, 0, 0, 0), null);
    }

    void fail(Exception failure) {
      callback.onCompletion(null, failure);
    }
  }

  /** This instance's copy of the fake results log (see {@link #withResults}). */
  final ResultView view = new ResultView(clock, Duration.ofHours(1), 1 << 20);
  /** Writes to the results topic waiting for a test to acknowledge them, in order. */
  final Queue<Published> resultWrites = new ConcurrentLinkedQueue<>();
  private final Map<Integer, Long> resultOffsets = new java.util.HashMap<>();

  /** The state topics of the routes with a state block (see {@link #withStates}); {@code null} otherwise. */
  final io.courier.gateway.state.States states;

  ExchangeHarness(RouteConfig... routes) {
    this(false, io.courier.gateway.tracing.Tracing.propagating(), false, routes);
  }

  /** A harness (results off) whose event-driven routes wait on {@link #states}, fed by the test. */
  static ExchangeHarness withStates(RouteConfig... routes) {
    return new ExchangeHarness(false, io.courier.gateway.tracing.Tracing.propagating(), true, routes);
  }

  /**
   * A harness whose exchanges keep results in a fake results log: each write waits in {@link #resultWrites}
   * until {@link #acknowledgeResult()}, which appends it to its partition, applies it to {@link #view} as the
   * gateway's consumer of the results topic would, then acknowledges it.
   */
  static ExchangeHarness withResults(RouteConfig... routes) {
    return new ExchangeHarness(true, io.courier.gateway.tracing.Tracing.propagating(), false, routes);
  }

  /** A harness (results off) whose exchanges' spans go to {@code openTelemetry}. */
  static ExchangeHarness withTracing(io.opentelemetry.api.OpenTelemetry openTelemetry, RouteConfig... routes) {
    return new ExchangeHarness(false, io.courier.gateway.tracing.Tracing.recording(openTelemetry), false, routes);
  }

  private ExchangeHarness(boolean results, io.courier.gateway.tracing.Tracing tracing, boolean states, RouteConfig... routes) {
    this.routes = new RouteTable(List.of(routes));
    this.states = states ? io.courier.gateway.state.States.of(List.of(routes), registry) : null;
    this.exchanges =
        new Exchanges(
            pending,
            (record, deadline, callback) -> {
              if (publisherBug.get() != null) {
                throw publisherBug.get();
              }
              return !queueFull.get() && published.add(new Published(record, callback));
            },
            () -> 3,
            new CorrelationIds(INSTANCE),
            "courier.responses",
            clock,
            clock::schedule,
            readiness,
            this.routes.routes(),
            metrics::route,
            results
                ? new ResultStore(
                    "results", view, (record, callback) -> resultWrites.add(new Published(record, callback)),
                    () -> java.util.concurrent.CompletableFuture.completedFuture(null), () -> 3,
                    (record, deadline, callback) -> published.add(new Published(record, callback)), clock)
                : null,
            Duration.ofSeconds(30),
            tracing,
            this.states);
  }

  /** Appends the oldest write to the fake results log, applies it, and acknowledges it. */
  void acknowledgeResult() {
    Published write = resultWrites.poll();
    if (write == null) {
      throw new AssertionError("nothing was written to the results topic");
    }
    int partition = write.record().partition() == null ? 0 : write.record().partition();
    long offset = resultOffsets.merge(partition, 1L, Long::sum) - 1;
    ProducerRecord<byte[], byte[]> record = write.record();
    view.apply(new org.apache.kafka.clients.consumer.ConsumerRecord<>(
        "results", partition, offset, 0L, org.apache.kafka.common.record.TimestampType.CREATE_TIME, -1, -1,
        record.key(), record.value(), record.headers(), java.util.Optional.empty()));
    view.positionAt(partition, offset + 1);
    write.callback().onCompletion(new RecordMetadata(new TopicPartition("results", partition), offset, 0, 0, 0, 0), null);
  }

  /** Acknowledges every write, including those the acknowledgements cause. */
  void acknowledgeAllResults() {
    while (!resultWrites.isEmpty()) {
      acknowledgeResult();
    }
  }

  /** A route of service {@code svc} with the harness's timeout. */
  static RouteConfig route(String method, String path, KeySource key, int maxInFlight, int maxBodyBytes, List<String> forward) {
    return new RouteConfig(
        "svc." + method + " " + path, "svc", "svc.requests", Profile.COURIER, method, path, key, TIMEOUT, maxInFlight,
        maxBodyBytes, forward);
  }

  static RouteConfig route(String method, String path) {
    return route(method, path, KeySource.NONE, 100, 1024, List.of());
  }

  Caller caller(String method, String path) {
    return new Caller(method, path, Runnable::run);
  }

  /** Opens the exchange of a request, as the front end does after routing. */
  Exchange open(Caller caller) {
    return open(caller, io.courier.gateway.auth.Authentication.Allowed.ANONYMOUS);
  }

  /** Opens the exchange of a request whose caller step 3a found as {@code authentication}. */
  Exchange open(Caller caller, io.courier.gateway.auth.Authentication authentication) {
    RouteMatch match = routes.match(caller.method, caller.target());
    return exchanges.open((RouteMatch.Found) match, caller, caller, authentication);
  }

  /** Opens and publishes a request without a body. */
  Exchange send(Caller caller) {
    Exchange exchange = open(caller);
    exchange.publish(caller, new byte[0]);
    return exchange;
  }

  Published takePublished() {
    Published next = published.poll();
    if (next == null) {
      throw new AssertionError("nothing was published");
    }
    return next;
  }

  int slotsHeld() {
    return routes.inFlight();
  }

  double counter(String name, String... tags) {
    return Search.in(registry).name(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  /** A caller: the request it sent, and the answers it got (normally one). */
  static final class Caller implements CallerRequest, FrontEnd {
    final String method;
    final String path;
    final String query;
    final Map<String, List<String>> headers = new LinkedHashMap<>();
    final List<Outcome> answers = new CopyOnWriteArrayList<>();
    private final Executor thread;

    Caller(String method, String path, Executor thread) {
      int question = path.indexOf('?');
      this.method = method;
      this.path = question < 0 ? path : path.substring(0, question);
      this.query = question < 0 ? null : path.substring(question + 1);
      this.thread = thread;
    }

    /** Adds a header value as the caller sent its bytes. */
    Caller header(String name, byte[] value) {
      headers.computeIfAbsent(name, ignored -> new ArrayList<>()).add(new String(value, StandardCharsets.ISO_8859_1));
      return this;
    }

    Caller header(String name, String utf8) {
      return header(name, utf8.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public RequestTarget target() {
      return RequestTarget.parse(path);
    }

    @Override
    public String query() {
      return query;
    }

    @Override
    public List<String> headerValues(String name) {
      return headers.getOrDefault(name, List.of());
    }

    @Override
    public void execute(Runnable task) {
      thread.execute(task);
    }

    @Override
    public void answer(Outcome outcome) {
      answers.add(outcome);
    }

    Outcome onlyAnswer() {
      if (answers.size() != 1) {
        throw new AssertionError("expected one answer, got " + answers);
      }
      return answers.get(0);
    }
  }
}
