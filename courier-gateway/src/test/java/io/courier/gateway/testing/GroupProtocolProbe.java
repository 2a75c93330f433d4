package io.courier.gateway.testing;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import io.courier.kafka.embedded.EmbeddedKafka;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Measures what the reply consumer's group protocol changes, classic (cooperative-sticky) against KIP-848's
 * {@code consumer}: how long a second instance takes to join (until both are ready and own all partitions
 * between them) and to leave (until the first owns them all again), and the CPU the gateway's Kafka threads
 * burn while idle. Not a test: run by hand, the numbers go to docs/scaling.md.
 *
 * <pre>{@code
 * mvn -B -q -pl courier-gateway dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java -cp courier-gateway/target/test-classes:courier-gateway/target/classes:$(cat /tmp/cp.txt) \
 *   io.courier.gateway.testing.GroupProtocolProbe 3
 * }</pre>
 */
public final class GroupProtocolProbe {
  private static final int PARTITIONS = 12;
  private static final String YAML =
      """
      instance-id: %s
      http: {port: 0, event-loops: 1}
      kafka:
        bootstrap-servers: %s
        response-topic: probe-%s.responses
        consumer: {group.protocol: %s}
      services:
        - name: echo
          request-topic: probe.requests
          routes:
            - {method: POST, path: /echo}
      """;

  private GroupProtocolProbe() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      kafka.createTopic("probe.requests", 1);
      for (String protocol : new String[] {"classic", "consumer"}) {
        kafka.createTopic("probe-" + protocol + ".responses", PARTITIONS);
        kafka.createTopic("probe-" + protocol + ".responses.forwards", 1);
        kafka.createTopic("probe-" + protocol + ".responses.results", 1, GatewayTester.RESULTS_TOPIC_CONFIG);
      }
      for (int round = 1; round <= rounds; round++) {
        for (String protocol : new String[] {"classic", "consumer"}) {
          measure(kafka, protocol, round);
        }
      }
    }
  }

  private static void measure(EmbeddedKafka kafka, String protocol, int round) throws Exception {
    try (Gateway first = start(kafka, protocol, "a" + round)) {
      awaitOwned(first, null);
      double idleCpuMillis = idleCpu(Duration.ofSeconds(20));
      long join = System.nanoTime();
      Gateway second = start(kafka, protocol, "b" + round);
      awaitOwned(first, second);
      long joined = System.nanoTime() - join;
      long leave = System.nanoTime();
      second.close(Duration.ZERO);
      awaitOwned(first, null);
      long left = System.nanoTime() - leave;
      System.out.printf(
          "protocol=%s round=%d join=%d ms leave=%d ms idleKafkaThreadsCpu=%.1f ms per 20 s (%.2f %% of a core)%n",
          protocol, round, TimeUnit.NANOSECONDS.toMillis(joined), TimeUnit.NANOSECONDS.toMillis(left), idleCpuMillis,
          idleCpuMillis / 200.0);
    }
  }

  private static Gateway start(EmbeddedKafka kafka, String protocol, String id) {
    return Gateway.start(ConfigLoader.parse(YAML.formatted("probe-" + protocol + "-" + id, kafka.bootstrapServers(), protocol, protocol)));
  }

  /** Waits until the instances are ready and own every partition between them, each at least one. */
  private static void awaitOwned(Gateway first, Gateway second) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      int owned = first.ownedReplyPartitions().length + (second == null ? 0 : second.ownedReplyPartitions().length);
      boolean split = second == null || (first.ownedReplyPartitions().length > 0 && second.ownedReplyPartitions().length > 0);
      if (first.isReady() && (second == null || second.isReady()) && owned == PARTITIONS && split) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(20); // a measuring probe, polling at a known resolution
    }
    throw new IllegalStateException("partitions not settled: " + Arrays.toString(first.ownedReplyPartitions()));
  }

  /** CPU time of the gateways' Kafka client and consumer threads over {@code window}, in ms. */
  private static double idleCpu(Duration window) throws InterruptedException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long before = kafkaThreadsCpu(threads);
    TimeUnit.MILLISECONDS.sleep(window.toMillis()); // the idle window being measured
    return (kafkaThreadsCpu(threads) - before) / 1e6;
  }

  private static long kafkaThreadsCpu(ThreadMXBean threads) {
    long total = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().contains("courier-") && !info.getThreadName().startsWith("courier-cluster-watch")) {
        long cpu = threads.getThreadCpuTime(info.getThreadId());
        total += Math.max(0, cpu);
      }
    }
    return total;
  }
}
