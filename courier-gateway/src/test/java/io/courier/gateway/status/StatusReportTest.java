package io.courier.gateway.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.Readiness;
import io.courier.gateway.kafka.ClusterWatch;
import io.courier.gateway.kafka.ReplySource;
import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.metrics.RouteMetrics;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.gateway.routing.Route;
import io.courier.testing.FakeClock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The arithmetic of the status page, on the gateway's real meters and a fake clock. The registry is
 * Prometheus's, as in the gateway: its request histograms count from start-up and never rotate.
 */
class StatusReportTest {
  private final FakeClock clock = new FakeClock();
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final GatewayMetrics metrics = new GatewayMetrics(registry, () -> 4);
  private final List<Route> routes =
      ConfigLoader.parse("""
              kafka: {bootstrap-servers: "localhost:9092", response-topic: replies}
              services:
                - name: s
                  request-topic: s.requests
                  max-in-flight: 3
                  routes: [{name: item, method: POST, path: "/items/{id}"}, {name: slow, method: GET, path: /slow}]
              """)
          .routes().stream().map(Route::new).toList();
  private final RouteMetrics item = metrics.route(routes.get(0));
  private final RouteMetrics slow = metrics.route(routes.get(1));
  private final AtomicReference<String> kafkaNotReady = new AtomicReference<>();
  private final AtomicReference<ClusterWatch.State> cluster =
      new AtomicReference<>(new ClusterWatch.State(true, 0, null, List.of()));
  private final StatusReport status =
      new StatusReport(registry, routes, clock,
          new StatusReport.Instance("gw-1", "replies", "group g", () -> new int[] {0, 2}, new Readiness(kafkaNotReady::get), cluster::get));

  @Test
  void rateAndPercentilesAreOverTheLastTenSecondsWhileTotalsAreSinceStart() {
    // Given 10 requests of 10 ms in the first 10 s
    answer(item, 10, 200, 10);
    clock.advance(Duration.ofSeconds(10));
    JsonNode first = route(status.report(), "item");
    assertThat(first.path("requestsPerSecond").asDouble()).isEqualTo(1.0);
    assertThat(first.path("p50Ms").asDouble()).isBetween(9.7, 11.2); // inside the histogram bucket holding 10 ms
    assertThat(first.path("p99Ms").asDouble()).isBetween(9.7, 11.2);

    // When 20 requests of 100 ms come in the next 10 s
    answer(item, 20, 200, 100);
    clock.advance(Duration.ofSeconds(10));
    JsonNode report = status.report();

    // Then rate and percentiles are those of the last 10 s only; the total counts everything
    assertThat(report.path("windowSeconds").asDouble()).isEqualTo(10.0);
    JsonNode second = route(report, "item");
    assertThat(second.path("requestsPerSecond").asDouble()).isEqualTo(2.0);
    assertThat(second.path("p50Ms").asDouble()).isBetween(89.4, 111.9);
    assertThat(second.path("total").asLong()).isEqualTo(30);
    assertThat(second.path("responses").path("200").asLong()).isEqualTo(30);

    // And a quiet window shows no rate and no percentiles, not the old ones
    clock.advance(Duration.ofSeconds(10));
    JsonNode quiet = route(status.report(), "item");
    assertThat(quiet.path("requestsPerSecond").asDouble()).isZero();
    assertThat(quiet.path("p50Ms").isNull()).isTrue();
    assertThat(quiet.path("total").asLong()).isEqualTo(30);
  }

  @Test
  void aPageOpenedLessThanTheWindowAgoComparesWithTheOldestSampleKept() {
    answer(item, 6, 200, 10);
    clock.advance(Duration.ofSeconds(3));

    JsonNode report = status.report();

    assertThat(report.path("windowSeconds").asDouble()).isEqualTo(3.0);
    assertThat(route(report, "item").path("requestsPerSecond").asDouble()).isEqualTo(2.0);
  }

  @Test
  void timeoutsErrorsByKindAndInFlightAgainstTheCap() {
    Route slowRoute = routes.get(1);
    assertThat(slowRoute.tryAdmit()).isTrue();
    assertThat(slowRoute.tryAdmit()).isTrue();
    for (int i = 0; i < 2; i++) {
      slow.error(GatewayError.TIMEOUT);
      slow.answered(504, TimeUnit.MILLISECONDS.toNanos(300));
    }
    metrics.unrouted(GatewayError.ROUTE_NOT_FOUND);

    JsonNode report = status.report();

    JsonNode route = route(report, "slow");
    assertThat(route.path("inFlight").asInt()).isEqualTo(2);
    assertThat(route.path("maxInFlight").asInt()).isEqualTo(3);
    assertThat(route.path("timeouts").asLong()).isEqualTo(2);
    assertThat(route.path("errors").toString()).isEqualTo("{\"timeout\":2}");
    assertThat(route.path("responses").toString()).isEqualTo("{\"504\":2}");
    assertThat(report.path("unrouted").path("errors").toString()).isEqualTo("{\"route-not-found\":1}");
    assertThat(report.path("pending").asInt()).isEqualTo(4);
  }

  @Test
  void replyPathCountsWhatWasReadForwardedAndDroppedByReason() {
    for (int i = 0; i < 3; i++) {
      metrics.reply(ReplySource.RESPONSE_TOPIC, ReplyOutcome.MATCHED);
    }
    metrics.reply(ReplySource.RESPONSE_TOPIC, ReplyOutcome.FOREIGN);
    metrics.reply(ReplySource.FORWARD_TOPIC, ReplyOutcome.LATE);
    metrics.forward(true);
    metrics.forward(false);
    clock.advance(Duration.ofSeconds(5));

    JsonNode replies = status.report().path("replies");

    assertThat(replies.path("read").asLong()).isEqualTo(5);
    assertThat(replies.path("readPerSecond").asDouble()).isEqualTo(1.0);
    assertThat(replies.path("matched").asLong()).isEqualTo(3);
    assertThat(replies.path("forwarded").asLong()).isEqualTo(1);
    assertThat(replies.path("forwardsFailed").asLong()).isEqualTo(1);
    assertThat(replies.path("dropped").toString()).isEqualTo("{\"duplicate\":0,\"late\":1,\"unknown\":0,\"malformed\":0}");
    assertThat(replies.path("bySource").path("forward-topic").path("late").asLong()).isEqualTo(1);
  }

  @Test
  void kafkaStateReadinessOwnedPartitionsAndTheOtherInstances() {
    kafkaNotReady.set("Kafka has not answered for 12 s: timeout");
    cluster.set(new ClusterWatch.State(false, 12_500, "TimeoutException", List.of(
        new ClusterWatch.Member("courier-gw-1-replies", "/10.0.0.1", List.of(0, 2), true),
        new ClusterWatch.Member("courier-gw-2-replies", "/10.0.0.2", List.of(1), false))));

    JsonNode report = status.report();

    assertThat(report.path("instance").asText()).isEqualTo("gw-1");
    assertThat(report.path("ready").asBoolean()).isFalse();
    assertThat(report.path("notReadyReason").asText()).isEqualTo("Kafka has not answered for 12 s: timeout");
    JsonNode kafka = report.path("kafka");
    assertThat(kafka.path("state").asText()).isEqualTo("not answering");
    assertThat(kafka.path("silentSeconds").asLong()).isEqualTo(12);
    assertThat(kafka.path("lastError").asText()).isEqualTo("TimeoutException");
    assertThat(kafka.path("ownedPartitions").toString()).isEqualTo("[0,2]");
    assertThat(kafka.path("groupMembers").get(1).path("clientId").asText()).isEqualTo("courier-gw-2-replies");
    assertThat(kafka.path("groupMembers").get(1).path("partitions").toString()).isEqualTo("[1]");
    assertThat(kafka.path("groupMembers").get(0).path("self").asBoolean()).isTrue();
  }

  @Test
  void thePageIsOneFileWithNothingFetchedFromElsewhere() {
    String page = new String(StatusReport.page(), java.nio.charset.StandardCharsets.UTF_8);

    assertThat(page).contains("fetch(\"status.json\"").doesNotContain("http://").doesNotContain("https://").doesNotContain("src=").contains("rel=\"icon\" href=\"data:,\"");
  }

  private static void answer(RouteMetrics route, int requests, int status, long millis) {
    for (int i = 0; i < requests; i++) {
      route.answered(status, TimeUnit.MILLISECONDS.toNanos(millis));
    }
  }

  private static JsonNode route(JsonNode report, String name) {
    for (JsonNode route : report.path("routes")) {
      if (route.path("name").asText().equals(name)) {
        return route;
      }
    }
    throw new AssertionError("no route " + name + " in " + report);
  }
}
