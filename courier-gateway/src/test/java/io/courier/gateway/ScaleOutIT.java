package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.testing.ChildJvm;
import io.courier.gateway.testing.EchoResponders;
import io.courier.gateway.testing.GatewayProcess;
import io.courier.gateway.testing.GatewayTester;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import io.courier.responder.Responder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 3's scenario: three gateway instances share one response topic (group ownership) in front of two
 * echo responders (1 s each, so that many replies are in flight whenever partitions move), under a steady
 * 200 requests/s for 34 s. Meanwhile a fourth instance joins (partitions
 * move while requests are in flight), one leaves gracefully (drains, then leaves the group) and one is
 * killed with SIGKILL (its own JVM). Requests sent to instances that stayed up must all be answered; the
 * killed instance's callers see their connection fail; nothing times out.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class ScaleOutIT {
  private static final int RATE_PER_SECOND = 200;
  private static final Duration LOAD = Duration.ofSeconds(34);
  private static final long JOIN_AT = 6_000;
  private static final long LEAVE_AT = 14_000;
  private static final long KILL_AT = 22_000;
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: %s
        response-topic: scale.responses
      services:
        - name: echo
          request-topic: scale.requests
          timeout: 8s
          max-in-flight: 5000
          routes:
            - {method: POST, path: /echo}
      """;

  // A generous connect timeout: on two busy cores a TCP connect through the sandbox's network stack can take
  // seconds, and a connect that gives up early is the harness failing, not the gateway.
  private final HttpClient http =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
  private final List<Target> routable = new CopyOnWriteArrayList<>();
  private final Map<String, Tally> tallies = new ConcurrentHashMap<>();

  /** A gateway the load balancer may send to. */
  private record Target(String name, int port) {}

  /** What became of the requests sent to one instance. */
  private static final class Tally {
    final AtomicInteger sent = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();
    final AtomicInteger connectionFailed = new AtomicInteger();
    final Map<Integer, AtomicInteger> otherStatus = new ConcurrentHashMap<>();

    @Override
    public String toString() {
      return "sent=" + sent + " answered=" + answered + " connectionFailed=" + connectionFailed + " otherStatus=" + otherStatus;
    }
  }

  @Test
  void instancesJoinLeaveAndDieUnderLoadWithoutLosingAReply(EmbeddedKafka kafka) throws Exception {
    kafka.createTopic("scale.requests", 4);
    GatewayTester.createResponseTopic(kafka, "scale.responses", 12);
    String bootstrap = kafka.bootstrapServers();
    Path g3Config = Files.createTempFile("scale-g3", ".yaml");
    Files.writeString(g3Config, YAML.formatted("scale-g3", bootstrap));

    List<CompletableFuture<?>> requests = new CopyOnWriteArrayList<>();
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    try (Responder echo1 = EchoResponders.start(bootstrap, "scale.requests", "scale-echo", 1000);
        Responder echo2 = EchoResponders.start(bootstrap, "scale.requests", "scale-echo", 1000);
        GatewayTester g1 = GatewayTester.start(bootstrap, YAML.formatted("scale-g1", bootstrap));
        GatewayTester g2 = GatewayTester.start(bootstrap, YAML.formatted("scale-g2", bootstrap));
        ChildJvm g3 = ChildJvm.start(GatewayProcess.class, g3Config.toString())) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> echo1.isRunning() && echo2.isRunning());
      routable.addAll(List.of(target("g1", g1), target("g2", g2), new Target("g3", Integer.parseInt(g3.readyDetail()))));

      // given a steady load spread over the instances a load balancer knows
      long start = System.nanoTime();
      AtomicInteger next = new AtomicInteger();
      load.scheduleAtFixedRate(
          () -> {
            List<Target> now = List.copyOf(routable);
            requests.add(send(now.get(Math.floorMod(next.getAndIncrement(), now.size()))));
          },
          0, 1_000_000 / RATE_PER_SECOND, TimeUnit.MICROSECONDS);

      // when a fourth instance joins
      sleepUntil(start, JOIN_AT);
      GatewayTester g4 = GatewayTester.start(bootstrap, YAML.formatted("scale-g4", bootstrap));
      routable.add(target("g4", g4));

      // and one leaves gracefully: out of the load balancer, then drained and closed. The client's sends lag
      // its schedule on a loaded machine, so, as a load balancer's deregistration does, wait until the
      // requests sent to g2 have reached it; those still in flight there are the drain's to finish.
      sleepUntil(start, LEAVE_AT);
      routable.removeIf(target -> target.name().equals("g2"));
      org.awaitility.Awaitility.await("every request sent to g2 reached it")
          .atMost(Duration.ofSeconds(20))
          .until(() -> received(g2) >= tallies.get("g2").sent.get() - tallies.get("g2").connectionFailed.get());
      double forwardedByG2 = g2.counter("courier.forwards", "result", "sent");
      g2.gateway().close(Duration.ofSeconds(10));

      // and one is killed: requests in flight there lose their connection
      sleepUntil(start, KILL_AT);
      routable.removeIf(target -> target.name().equals("g3"));
      g3.kill();

      sleepUntil(start, LOAD.toMillis());
      load.shutdown();
      load.awaitTermination(5, TimeUnit.SECONDS);
      CompletableFuture.allOf(requests.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);

      // then
      double forwarded = forwardedByG2 + g1.counter("courier.forwards", "result", "sent") + g4.counter("courier.forwards", "result", "sent");
      double matchedViaForward =
          g1.counter("courier.replies", "source", "forward-topic", "outcome", "matched")
              + g4.counter("courier.replies", "source", "forward-topic", "outcome", "matched");
      int sent = tallies.values().stream().mapToInt(t -> t.sent.get()).sum();
      int answered = tallies.values().stream().mapToInt(t -> t.answered.get()).sum();
      System.out.printf(
          "ScaleOutIT: sent=%d answered=%d failedOnKilled=%d forwarded=%.0f (answered via forward on survivors: %.0f)%n  per instance: %s%n",
          sent, answered, tallies.get("g3").connectionFailed.get(), forwarded, matchedViaForward, tallies);
      g4.close();

      assertThat(sent).isGreaterThanOrEqualTo(RATE_PER_SECOND * 30);
      for (String survivor : List.of("g1", "g2", "g4")) {
        Tally tally = tallies.get(survivor);
        assertThat(tally.answered.get()).as(survivor + " answered every request: " + tally).isEqualTo(tally.sent.get());
      }
      Tally killed = tallies.get("g3");
      assertThat(killed.otherStatus).as("the killed instance answered or dropped the connection, nothing else").isEmpty();
      assertThat(killed.answered.get() + killed.connectionFailed.get()).isEqualTo(killed.sent.get());
      assertThat(matchedViaForward).as("partition moves put replies on other instances, which forwarded them").isPositive();
    } finally {
      load.shutdownNow();
    }
  }

  private CompletableFuture<?> send(Target target) {
    Tally tally = tallies.computeIfAbsent(target.name(), name -> new Tally());
    tally.sent.incrementAndGet();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + target.port() + "/echo"))
            .timeout(Duration.ofSeconds(20))
            .POST(HttpRequest.BodyPublishers.ofString("{\"to\":\"" + target.name() + "\"}"))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, error) -> {
              if (error != null) {
                tally.connectionFailed.incrementAndGet();
              } else if (response.statusCode() == 200) {
                tally.answered.incrementAndGet();
              } else {
                tally.otherStatus.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
              }
              return null;
            });
  }

  /** Requests a gateway has received: answered (every status) or holding a route slot now. */
  private static long received(GatewayTester gateway) {
    long answered =
        io.micrometer.core.instrument.search.Search.in(gateway.gateway().meterRegistry())
            .name("courier.requests")
            .timers()
            .stream()
            .mapToLong(io.micrometer.core.instrument.Timer::count)
            .sum();
    return answered + gateway.gateway().requestsInFlight();
  }

  private static Target target(String name, GatewayTester gateway) {
    return new Target(name, gateway.gateway().httpPort());
  }

  /** The scenario's clock: waits until {@code millis} after {@code start}. */
  private static void sleepUntil(long start, long millis) throws InterruptedException {
    long remaining = millis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    if (remaining > 0) {
      TimeUnit.MILLISECONDS.sleep(remaining);
    }
  }
}
