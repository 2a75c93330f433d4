package io.courier.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.testing.GatewayTester;
import io.courier.gateway.testing.KafkaCluster;
import io.courier.protocol.HeaderNames;
import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The fault suite: a real three-node KRaft cluster (each node in its own JVM, replication factor 3,
 * min.insync.replicas 2), a gateway and an echo service, a steady load, and a fault in the middle. For
 * each scenario the invariants hold: every request is answered (2xx, or a documented 503/504), every
 * accepted command is in the request topic exactly once and reached the service, the gateway is ready again
 * without a restart (and answers 200). How many requests succeed during a fault is a figure, not an
 * invariant: with one broker frozen, none may. The figures go to {@code target/fault-suite.md} (see docs/reliability.md).
 *
 * <p>The default run is short (a few seconds of fault each); {@code -Dcourier.faults.long=true} runs each
 * scenario three times as long, with a 20 s outage of the whole cluster.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteIT {
  private static final boolean LONG = Boolean.getBoolean("courier.faults.long");
  private static final int SCALE = LONG ? 3 : 1;
  private static final int RATE_PER_SECOND = 30;
  private static final String REQUESTS = "fault.requests";
  private static final String RESPONSES = "fault.responses";
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: ${bootstrap}
        response-topic: fault.responses
        readiness-grace: 3s
        producer: {delivery.timeout.ms: 12000, request.timeout.ms: 4000, max.block.ms: 4000}
      services:
        - name: echo
          request-topic: fault.requests
          responder-group: fault-echo
          timeout: 8s
          routes:
            - {name: echo.post, method: POST, path: /echo}
      """;

  private static KafkaCluster cluster;
  private static Responder echo;
  private static GatewayTester gateway;
  /** How often the service saw each correlation id. */
  private static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();
  private static final Map<String, String> FIGURES = new TreeMap<>();
  private static final Pattern PROBLEM_TYPE = Pattern.compile("\"type\"\\s*:\\s*\"urn:courier:problem:([^\"]+)\"");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeAll
  static void start() {
    cluster = KafkaCluster.start(3);
    cluster.createTopic(REQUESTS, 3);
    cluster.createResponseTopic(RESPONSES, 3);
    echo = startEcho();
    gateway = GatewayTester.start(cluster.bootstrapServers(), YAML.formatted("fault-gw"));
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> post(gateway).statusCode() == 200);
  }

  /** Echoes the correlation id, so the caller knows which record it was; counts what it sees. */
  private static Responder startEcho() {
    Responder responder =
        Responder.builder()
            .bootstrapServers(cluster.bootstrapServers())
            .requestTopic(REQUESTS)
            .groupId("fault-echo")
            .kafkaProperty("session.timeout.ms", 10_000)
            .syncHandler(request -> {
              SEEN.computeIfAbsent(request.correlationId(), id -> new AtomicInteger()).incrementAndGet();
              return Reply.status(200).body("text/plain", request.correlationId().getBytes(StandardCharsets.UTF_8));
            })
            .build()
            .start();
    await().atMost(Duration.ofSeconds(60)).until(responder::isRunning);
    return responder;
  }

  @AfterAll
  static void stop() throws IOException {
    try {
      if (gateway != null) {
        gateway.close();
      }
      if (echo != null) {
        echo.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
    StringBuilder table =
        new StringBuilder("| scenario | sent | 2xx | 503 | 504 | other | accepted found in topic | duplicates (topic / seen by service) | ready again after |\n|---|---|---|---|---|---|---|---|---|\n");
    FIGURES.values().forEach(table::append);
    Path report = Path.of("target", "fault-suite.md");
    Files.createDirectories(report.getParent());
    Files.writeString(report, table.toString());
    System.out.println("Fault suite figures (" + (LONG ? "long" : "short") + " run):\n" + table);
  }

  /**
   * First, because it asserts that nothing is disturbed, which only a cluster no scenario has disturbed yet can
   * show. Run after scenario 3, it once saw 36 of its 277 requests answered 503 (a failure now names their
   * problem types). Local runs show why that can happen: seconds after the thawed cluster answers and the
   * gateway is ready again, the groups still move partitions (the responder's lost and given back, a reply
   * partition settling). That is scenario 3's aftermath, not the poison's.
   */
  @Test
  @Order(0)
  void poisonOnTheResponseTopicIsCountedAndDisturbsNothing() throws Exception {
    double malformed = gateway.counter("courier.replies", "outcome", "malformed");
    double unknown = gateway.counter("courier.replies", "outcome", "unknown");
    Run run = load(Duration.ofSeconds(8 * SCALE), FaultSuiteIT::poison, Duration.ofSeconds(2));
    holds("0 poison on the response topic", run);
    assertThat(run.statuses()).as("answers other than 200: " + run.problems()).containsOnlyKeys(200);
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      // per partition: no headers, garbage headers, a bad status for an id never issued, 900 KB, an unknown id
      assertThat(gateway.counter("courier.replies", "outcome", "malformed")).isGreaterThanOrEqualTo(malformed + 3 * 3);
      assertThat(gateway.counter("courier.replies", "outcome", "unknown")).isGreaterThanOrEqualTo(unknown + 2 * 3);
    });
  }

  @Test
  @Order(1)
  void theLeaderOfTheRequestTopicDiesUnderLoad() throws Exception {
    leaderDiesUnderLoad(REQUESTS, "1a leader of the request topic killed");
  }

  @Test
  @Order(2)
  void theLeaderOfTheResponseTopicDiesUnderLoad() throws Exception {
    leaderDiesUnderLoad(RESPONSES, "1b leader of the response topic killed");
  }

  private void leaderDiesUnderLoad(String topic, String scenario) throws Exception {
    int leader = cluster.leaderOf(topic, 0);
    Run run = load(Duration.ofSeconds(12 * SCALE), () -> cluster.kill(leader), Duration.ofSeconds(4));
    cluster.restart(leader);
    holds(scenario, run);
  }

  @Test
  @Order(3)
  void aBrokerFrozenWhileAnInstanceJoinsLeavesEveryInstanceReady() throws Exception {
    int frozen = cluster.leaderOf(RESPONSES, 1);
    cluster.freeze(frozen);
    GatewayTester joining = GatewayTester.startUnready(cluster.bootstrapServers(), YAML.formatted("fault-gw-2"));
    try {
      Run run = load(Duration.ofSeconds(8 * SCALE), () -> {}, Duration.ZERO);
      cluster.thaw(frozen);
      long thawed = System.nanoTime();
      await().atMost(Duration.ofSeconds(90)).until(() -> joining.gateway().isReady() && gateway.gateway().isReady());
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> post(joining).statusCode() == 200);
      holds("2 broker frozen " + 8 * SCALE + " s while an instance joins", run, Duration.ofNanos(System.nanoTime() - thawed));
    } finally {
      cluster.thaw(frozen);
      joining.close();
    }
  }

  @Test
  @Order(4)
  void theWholeClusterUnreachableThenBackNeedsNoRestart() throws Exception {
    Duration outage = Duration.ofSeconds(LONG ? 20 : 8);
    // the load covers the outage and 6 s after it; the cluster comes back when the load ends
    Run run =
        load(outage.plusSeconds(2), () -> {
          for (int node = 1; node <= cluster.size(); node++) {
            cluster.freeze(node);
          }
        }, Duration.ofSeconds(2));
    assertThat(gateway.gateway().isReady()).as("not ready after the readiness grace").isFalse();
    HttpResponse<String> duringOutage = post(gateway);
    for (int node = 1; node <= cluster.size(); node++) {
      cluster.thaw(node);
    }
    assertThat(duringOutage.statusCode()).isEqualTo(503);
    assertThat(duringOutage.body()).contains("not-ready");
    holds("3 whole cluster frozen " + outage.toSeconds() + " s", run);
  }

  private static void poison() {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1_048_000),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      for (int partition = 0; partition < 3; partition++) {
        List<ProducerRecord<byte[], byte[]>> poison = new ArrayList<>();
        poison.add(new ProducerRecord<>(RESPONSES, partition, null, "no headers".getBytes(StandardCharsets.UTF_8)));
        ProducerRecord<byte[], byte[]> garbage = new ProducerRecord<>(RESPONSES, partition, null, new byte[] {0, 1, 2});
        garbage.headers().add("\u0000\u00ff", new byte[] {(byte) 0xFF, 0});
        poison.add(garbage);
        ProducerRecord<byte[], byte[]> badStatus = new ProducerRecord<>(RESPONSES, partition, null, new byte[0]);
        badStatus.headers().add(HeaderNames.CORRELATION_ID, bytes("fault-gw.never-issued-" + partition)).add(HeaderNames.STATUS, bytes("abc"));
        poison.add(badStatus);
        ProducerRecord<byte[], byte[]> big = new ProducerRecord<>(RESPONSES, partition, null, new byte[900 * 1024]);
        big.headers().add(HeaderNames.CORRELATION_ID, bytes("fault-gw.big-" + UUID.randomUUID()));
        poison.add(big);
        ProducerRecord<byte[], byte[]> unknownId = new ProducerRecord<>(RESPONSES, partition, null, new byte[0]);
        unknownId.headers().add(HeaderNames.CORRELATION_ID, bytes("fault-gw.unknown-" + UUID.randomUUID()));
        poison.add(unknownId);
        for (ProducerRecord<byte[], byte[]> record : poison) {
          producer.send(record).get(30, TimeUnit.SECONDS);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not produce the poison", e);
    }
  }

  /** What the load saw. */
  private record Run(int sent, Map<Integer, Integer> statuses, Map<String, Integer> problems, int failed, Set<String> accepted) {}

  @FunctionalInterface
  private interface Fault {
    void inject() throws Exception;
  }

  /** {@value #RATE_PER_SECOND} requests per second for {@code length}; the fault at {@code faultAt}. */
  private static Run load(Duration length, Fault fault, Duration faultAt) throws Exception {
    ScheduledExecutorService clock = Executors.newScheduledThreadPool(1);
    List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
    try {
      clock.scheduleAtFixedRate(() -> requests.add(postAsync(gateway)), 0, 1_000_000 / RATE_PER_SECOND, TimeUnit.MICROSECONDS);
      TimeUnit.MILLISECONDS.sleep(faultAt.toMillis()); // the scenario's own clock
      fault.inject();
      TimeUnit.MILLISECONDS.sleep(Math.max(0, length.minus(faultAt).toMillis()));
    } finally {
      clock.shutdown();
      clock.awaitTermination(5, TimeUnit.SECONDS);
    }
    Map<Integer, Integer> statuses = new TreeMap<>();
    Map<String, Integer> problems = new TreeMap<>();
    Set<String> accepted = ConcurrentHashMap.newKeySet();
    int failed = 0;
    for (CompletableFuture<HttpResponse<String>> request : List.copyOf(requests)) {
      try {
        HttpResponse<String> response = request.get(60, TimeUnit.SECONDS);
        statuses.merge(response.statusCode(), 1, Integer::sum);
        if (response.statusCode() == 200) {
          accepted.add(response.body());
        } else {
          problems.merge(response.statusCode() + " " + problemType(response.body()), 1, Integer::sum);
        }
      } catch (Exception e) {
        failed++;
      }
    }
    return new Run(requests.size(), statuses, problems, failed, accepted);
  }

  /** The last segment of a problem body's {@code type} (RFC 9457), e.g. {@code not-ready}; what a failure names. */
  private static String problemType(String body) {
    Matcher type = PROBLEM_TYPE.matcher(body);
    return type.find() ? type.group(1) : "(no problem type)";
  }

  private static void holds(String scenario, Run run) {
    long start = System.nanoTime();
    await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> gateway.gateway().isReady() && post(gateway).statusCode() == 200);
    holds(scenario, run, Duration.ofNanos(System.nanoTime() - start));
  }

  /** The invariants: all answered, only documented statuses, every accepted command in the topic once and seen. */
  private static void holds(String scenario, Run run, Duration readyAfter) {
    Map<String, Integer> inTopic = requestsInTopic();
    long found = run.accepted().stream().filter(inTopic::containsKey).count();
    long duplicatesInTopic = inTopic.values().stream().filter(count -> count > 1).count();
    long duplicatesSeen = SEEN.values().stream().filter(count -> count.get() > 1).count();
    int other = run.statuses().entrySet().stream().filter(e -> !Set.of(200, 503, 504).contains(e.getKey())).mapToInt(Map.Entry::getValue).sum();
    FIGURES.put(scenario, "| " + scenario + " | " + run.sent() + " | " + run.statuses().getOrDefault(200, 0) + " | "
        + run.statuses().getOrDefault(503, 0) + " | " + run.statuses().getOrDefault(504, 0) + " | " + (other + run.failed())
        + " | " + found + " / " + run.accepted().size() + " | " + duplicatesInTopic + " / " + duplicatesSeen + " | "
        + readyAfter.toMillis() / 1000.0 + " s, no restart |\n");
    System.out.println("FaultSuiteIT " + scenario + ": sent=" + run.sent() + " statuses=" + run.statuses() + " problems=" + run.problems() + " failed="
        + run.failed() + " accepted=" + run.accepted().size() + " found=" + found + " duplicatesInTopic=" + duplicatesInTopic
        + " duplicatesSeen=" + duplicatesSeen + " readyAfter=" + readyAfter.toMillis() + "ms");

    assertThat(run.failed()).as("requests without an answer").isZero();
    assertThat(other).as("statuses other than 200, 503, 504: " + run.statuses()).isZero();
    assertThat(found).as("every accepted command is in the request topic").isEqualTo(run.accepted().size());
    assertThat(run.accepted()).as("every accepted command reached the service").allMatch(SEEN::containsKey);
    assertThat(duplicatesInTopic).as("no request record written twice (idempotent producer)").isZero();
  }

  /** Every request record on the topic, by correlation id. */
  private static Map<String, Integer> requestsInTopic() {
    Map<String, Integer> counts = new ConcurrentHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(), ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = List.of(new TopicPartition(REQUESTS, 0), new TopicPartition(REQUESTS, 1), new TopicPartition(REQUESTS, 2));
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (partitions.stream().anyMatch(p -> consumer.position(p, Duration.ofSeconds(30)) < end.get(p)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
          Header id = record.headers().lastHeader(HeaderNames.CORRELATION_ID);
          if (id != null) {
            counts.merge(new String(id.value(), StandardCharsets.UTF_8), 1, Integer::sum);
          }
        }
      }
    }
    return counts;
  }

  private static CompletableFuture<HttpResponse<String>> postAsync(GatewayTester target) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://localhost:" + target.gateway().httpPort() + "/echo"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    return HTTP.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(GatewayTester target) {
    try {
      return postAsync(target).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("request failed", e);
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
