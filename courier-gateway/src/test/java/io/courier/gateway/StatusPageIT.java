package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.HeadlessChromium;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.testing.FakeService;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: headless Chromium loads {@code /status} from a gateway under a little
 * load (ten requests a second answered) that has timed some requests out, found no route for others and
 * holds two in flight; the numbers the page shows are those. Leaves a screenshot in {@code
 * target/status-page.png} for the docs.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class StatusPageIT {
  private static final Path SCREENSHOT = Path.of("target", "status-page.png");

  @TempDir Path browserProfiles;

  @Test
  void thePageShowsEachRoutesCountsTimeoutsAndSlotsTheReplyPathAndTheInstance(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("status.items", 1);
    kafka.createTopic("status.slow", 1);
    kafka.createTopic("status.held", 1);
    GatewayTester.createResponseTopic(kafka, "status.responses", 1);
    String yaml = """
        instance-id: status-gw
        http: {port: 0}
        kafka: {bootstrap-servers: "${bootstrap}", response-topic: status.responses}
        services:
          - {name: items, request-topic: status.items, max-in-flight: 8, routes: [{name: item, method: POST, path: "/items/{id}"}]}
          - {name: slow, request-topic: status.slow, timeout: 300ms, max-in-flight: 4, routes: [{name: slow, method: GET, path: /slow}]}
          - {name: held, request-topic: status.held, timeout: 2m, max-in-flight: 5, routes: [{name: held, method: GET, path: /held}]}
        """;
    HeadlessChromium chromium = new HeadlessChromium(browserProfiles);
    try (FakeService items = new FakeService(kafka.bootstrapServers(), "status.items");
        FakeService held = new FakeService(kafka.bootstrapServers(), "status.held").silent();
        GatewayTester gateway = GatewayTester.start(kafka.bootstrapServers(), yaml)) {
      // Given a little load: 10 answered a second, 2 timed out (nobody reads status.slow), 3 without a route, 2 waiting
      ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor(task -> new Thread(task, "status-page-load"));
      AtomicInteger answered = new AtomicInteger();
      load.scheduleAtFixedRate(() -> {
        if (gateway.send("POST", "/items/i", "{}").statusCode() == 200) {
          answered.incrementAndGet();
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
      try {
        await().atMost(Duration.ofSeconds(10)).until(() -> answered.get() >= 6);
        for (int i = 0; i < 2; i++) {
          assertThat(gateway.get("/slow").statusCode()).isEqualTo(504);
        }
        for (int i = 0; i < 3; i++) {
          assertThat(gateway.get("/nowhere").statusCode()).isEqualTo(404);
        }
        List<CompletableFuture<HttpResponse<String>>> waiting =
            List.of(gateway.sendAsync("GET", "/held", null), gateway.sendAsync("GET", "/held", null));
        List<ConsumerRecord<byte[], byte[]>> heldRequests = List.of(held.takeRequest(), held.takeRequest());
        URI page = URI.create("http://127.0.0.1:" + gateway.gateway().httpPort() + "/status");

        // When a browser opens the status page, Then it shows those numbers (the cluster watch's first
        // answer may come a moment after readiness: the page is read again until it has it)
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          // The load goes on while the page loads: the page's total is between what was answered before and after
          int before = answered.get();
          String dom = chromium.dom(page);
          long total = Long.parseLong(routeField(dom, "item", "total"));
          assertThat(total).isBetween((long) before, (long) answered.get() + 1);
          assertThat(routeField(dom, "item", "responses")).isEqualTo("200: " + total);
          assertThat(routeField(dom, "item", "in-flight")).matches("[01] / 8");
          assertThat(Double.parseDouble(routeField(dom, "item", "rate"))).isBetween(3.0, 12.0);
          assertThat(routeField(dom, "item", "p50")).endsWith(" ms");
          assertThat(routeField(dom, "item", "p99")).endsWith(" ms");
          assertThat(field(dom, "instance")).isEqualTo("status-gw");
          assertThat(field(dom, "ready")).isEqualTo("ready");
          assertThat(field(dom, "kafka-state")).isEqualTo("answering");
          assertThat(routeField(dom, "slow", "total")).isEqualTo("2");
          assertThat(routeField(dom, "slow", "responses")).isEqualTo("504: 2");
          assertThat(routeField(dom, "slow", "errors")).isEqualTo("timeout: 2");
          assertThat(routeField(dom, "slow", "timeouts")).isEqualTo("2");
          assertThat(routeField(dom, "held", "in-flight")).isEqualTo("2 / 5");
          assertThat(field(dom, "unrouted")).isEqualTo("route-not-found: 3");
          assertThat(Long.parseLong(field(dom, "replies-matched"))).isGreaterThanOrEqualTo(before);
          assertThat(field(dom, "replies-read")).isEqualTo(field(dom, "replies-matched"));
          assertThat(field(dom, "dropped-late")).isEqualTo("0");
          assertThat(field(dom, "owned-partitions")).isEqualTo("0");
        });
        Files.createDirectories(SCREENSHOT.getParent());
        chromium.screenshot(page, SCREENSHOT, 1280, 860);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);

        // The held requests get their answers, so nothing is left in flight
        heldRequests.forEach(request -> held.send(FakeService.reply(request, 200, "ok")));
        for (CompletableFuture<HttpResponse<String>> answer : waiting) {
          assertThat(answer.get().statusCode()).isEqualTo(200);
        }
      } finally {
        load.shutdown();
        load.awaitTermination(30, TimeUnit.SECONDS);
      }
    }
  }

  /** The text of the element marked {@code data-field="<name>"}. */
  private static String field(String dom, String name) {
    Matcher cell = Pattern.compile("<(\\w+) [^>]*data-field=\"" + Pattern.quote(name) + "\"[^>]*>(.*?)</\\1>", Pattern.DOTALL).matcher(dom);
    if (!cell.find()) {
      throw new AssertionError("no data-field=\"" + name + "\" in the page: " + dom);
    }
    return text(cell.group(2));
  }

  /** The text of a cell of a route's row. */
  private static String routeField(String dom, String route, String name) {
    Matcher row = Pattern.compile("<tr data-route=\"" + Pattern.quote(route) + "\">(.*?)</tr>", Pattern.DOTALL).matcher(dom);
    if (!row.find()) {
      throw new AssertionError("no row for route " + route + " in the page: " + dom);
    }
    return field(row.group(1), name);
  }

  /** Tags removed; the chips of a cell are joined with a space. */
  private static String text(String html) {
    return html.replaceAll("</span><span", "</span> <span").replaceAll("<[^>]+>", "").replace("&nbsp;", " ").trim();
  }
}
