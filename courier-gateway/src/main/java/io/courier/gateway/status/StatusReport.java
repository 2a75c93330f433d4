package io.courier.gateway.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.gateway.exchange.Readiness;
import io.courier.gateway.kafka.ClusterWatch;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * What the status page shows ({@code /status}, data at {@code /status.json}): per route, its rate, p50 and
 * p99 latency, in-flight against its cap, responses by status, the gateway's own errors and timeouts; the
 * reply path; this instance's reply partitions and the other members of the reply group; Kafka's state.
 *
 * <p>Everything is read from the gateway's meters and the cluster watch when the page asks, never on the
 * request path. Totals are since start-up. Rates and percentiles are over a recent window: each look keeps
 * a sample of the request timers (at most one a second) and compares with the newest sample at least
 * {@link #WINDOW} old, else with the oldest kept (at first, the one taken at start-up). Thread-safe: looks
 * are serialized, each takes well under a millisecond.
 */
public final class StatusReport {
  /** The window that rates and percentiles are computed over, once the page has been open that long. */
  public static final Duration WINDOW = Duration.ofSeconds(10);
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(1);
  private static final List<String> DROPPED = List.of("duplicate", "late", "unknown", "malformed");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The instance the page describes. */
  public record Instance(
      String id,
      String responseTopic,
      String ownership,
      Supplier<int[]> ownedPartitions,
      Readiness readiness,
      Supplier<ClusterWatch.State> kafka) {}

  private record Sample(Instant at, Map<String, Latencies> routes, long repliesRead) {}

  private final MeterRegistry registry;
  private final List<Route> routes;
  private final Clock clock;
  private final Instance instance;
  private final Deque<Sample> samples = new ArrayDeque<>();

  public StatusReport(MeterRegistry registry, List<Route> routes, Clock clock, Instance instance) {
    this.registry = registry;
    this.routes = List.copyOf(routes);
    this.clock = clock;
    this.instance = instance;
    samples.add(sample());
  }

  /** The page itself: one HTML file with its CSS and script inline, which polls {@code status.json}. */
  public static byte[] page() {
    try (InputStream page = StatusReport.class.getResourceAsStream("status.html")) {
      return page.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("status.html is missing from the gateway's jar", e);
    }
  }

  /** The numbers as of now, as JSON ({@code docs/operations.md} describes each field). */
  public byte[] json() {
    try {
      return JSON.writeValueAsBytes(report());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  synchronized ObjectNode report() {
    Sample now = sample();
    Sample since = baseline(now);
    double seconds = Duration.between(since.at(), now.at()).toMillis() / 1000.0;
    ObjectNode report = JSON.createObjectNode();
    report.put("instance", instance.id());
    report.put("time", now.at().toString());
    report.put("windowSeconds", seconds);
    Readiness.Refusal refusal = instance.readiness().refusal();
    report.put("ready", refusal == null);
    report.put("notReadyReason", refusal == null ? null : refusal.detail());
    Gauge pending = registry.find("courier.pending").gauge();
    report.put("pending", pending == null ? 0 : (long) pending.value());
    report.set("kafka", kafka(instance.kafka().get()));
    ArrayNode routeNodes = report.putArray("routes");
    for (Route route : routes) {
      Latencies recent = now.routes().get(route.name()).since(since.routes().getOrDefault(route.name(), Latencies.NONE));
      routeNodes.add(route(route, now.routes().get(route.name()).count(), recent, seconds));
    }
    report.putObject("unrouted").set("errors", errors(GatewayMetrics.NO_ROUTE));
    report.set("replies", replies(rate(now.repliesRead() - since.repliesRead(), seconds)));
    return report;
  }

  private ObjectNode route(Route route, long total, Latencies recent, double seconds) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", route.name());
    node.put("method", route.config().method());
    node.put("path", route.config().path());
    node.put("requestsPerSecond", rate(recent.count(), seconds));
    node.put("p50Ms", millis(recent.quantile(0.5)));
    node.put("p99Ms", millis(recent.quantile(0.99)));
    node.put("inFlight", route.inFlight());
    node.put("maxInFlight", route.config().maxInFlight());
    node.put("total", total);
    Map<Integer, Long> statuses = new TreeMap<>();
    for (Timer timer : Search.in(registry).name("courier.requests").tag("route", route.name()).timers()) {
      statuses.merge(Integer.parseInt(timer.getId().getTag("status")), timer.count(), Long::sum);
    }
    ObjectNode responses = node.putObject("responses");
    statuses.forEach((status, count) -> responses.put(Integer.toString(status), count));
    ObjectNode errors = errors(route.name());
    node.set("errors", errors);
    node.put("timeouts", errors.path("timeout").asLong(0));
    return node;
  }

  /** The route's {@code courier.errors} that are not zero, by kind. */
  private ObjectNode errors(String route) {
    Map<String, Long> byKind = new TreeMap<>();
    for (Counter counter : Search.in(registry).name("courier.errors").tag("route", route).counters()) {
      if (counter.count() > 0) {
        byKind.put(counter.getId().getTag("error"), (long) counter.count());
      }
    }
    ObjectNode errors = JSON.createObjectNode();
    byKind.forEach(errors::put);
    return errors;
  }

  private ObjectNode replies(Double readPerSecond) {
    ObjectNode replies = JSON.createObjectNode();
    Map<String, Long> byOutcome = new HashMap<>();
    ObjectNode bySource = JSON.createObjectNode();
    long read = 0;
    for (Counter counter : Search.in(registry).name("courier.replies").counters()) {
      long count = (long) counter.count();
      String outcome = counter.getId().getTag("outcome");
      bySource.withObjectProperty(counter.getId().getTag("source")).put(outcome, count);
      byOutcome.merge(outcome, count, Long::sum);
      read += count;
    }
    replies.put("read", read);
    replies.put("readPerSecond", readPerSecond);
    replies.put("matched", byOutcome.getOrDefault("matched", 0L));
    replies.put("forwarded", forwards("sent"));
    replies.put("forwardsFailed", forwards("failed"));
    ObjectNode dropped = replies.putObject("dropped");
    DROPPED.forEach(reason -> dropped.put(reason, byOutcome.getOrDefault(reason, 0L)));
    replies.set("bySource", bySource);
    return replies;
  }

  private long forwards(String result) {
    return (long) Search.in(registry).name("courier.forwards").tag("result", result).counters().stream().mapToDouble(Counter::count).sum();
  }

  private ObjectNode kafka(ClusterWatch.State state) {
    ObjectNode kafka = JSON.createObjectNode();
    kafka.put("state", state.answering() == null ? "not checked yet" : state.answering() ? "answering" : "not answering");
    kafka.put("silentSeconds", state.silentMillis() / 1000);
    kafka.put("lastError", state.lastFailure());
    kafka.put("responseTopic", instance.responseTopic());
    kafka.put("ownership", instance.ownership());
    ArrayNode owned = kafka.putArray("ownedPartitions");
    for (int partition : instance.ownedPartitions().get()) {
      owned.add(partition);
    }
    ArrayNode members = kafka.putArray("groupMembers");
    for (ClusterWatch.Member member : state.replyGroup()) {
      ObjectNode node = members.addObject();
      node.put("clientId", member.clientId());
      node.put("host", member.host());
      node.put("self", member.self());
      member.partitions().forEach(node.putArray("partitions")::add);
    }
    return kafka;
  }

  /**
   * The sample to compare {@code now} with: the newest at least {@link #WINDOW} old, else the oldest. Keeps
   * {@code now} when the newest sample kept is a second old or more, so at most about eleven are kept.
   */
  private Sample baseline(Sample now) {
    Instant windowStart = now.at().minus(WINDOW);
    while (samples.size() > 1 && !second().at().isAfter(windowStart)) {
      samples.removeFirst();
    }
    Sample baseline = samples.getFirst();
    if (!samples.getLast().at().plus(SAMPLE_EVERY).isAfter(now.at())) {
      samples.addLast(now);
    }
    return baseline;
  }

  private Sample second() {
    Iterator<Sample> oldestFirst = samples.iterator();
    oldestFirst.next();
    return oldestFirst.next();
  }

  private Sample sample() {
    Instant at = clock.instant();
    Map<String, Latencies> byRoute = new HashMap<>();
    for (Route route : routes) {
      byRoute.put(route.name(), Latencies.of(Search.in(registry).name("courier.requests").tag("route", route.name()).timers()));
    }
    long read = (long) Search.in(registry).name("courier.replies").counters().stream().mapToDouble(Counter::count).sum();
    return new Sample(at, byRoute, read);
  }

  private static Double rate(long count, double seconds) {
    return seconds <= 0 ? null : Math.round(count / seconds * 100) / 100.0;
  }

  private static Double millis(Double seconds) {
    return seconds == null ? null : Math.round(seconds * 10_000) / 10.0;
  }
}
