package io.courier.gateway.testing;

import io.courier.kafka.embedded.ClusterNode;
import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.testing.ChildJvm;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real multi-node KRaft cluster for fault tests: each node (broker and controller) in a JVM of its own
 * ({@link ClusterNode}), so that a test can kill one (SIGKILL), start it again with its data, or freeze it
 * (SIGSTOP, then SIGCONT) as a stalled machine would be. Topics get replication factor 3 and
 * {@code min.insync.replicas} 2. Not thread-safe: one test drives it.
 */
public final class KafkaCluster implements AutoCloseable {
  private final int size;
  private final int[] brokerPorts;
  private final int[] controllerPorts;
  private final Path baseDir;
  private final String clusterId = Uuid.randomUuid().toString();
  private final String voters;
  private final ChildJvm[] nodes;
  private final boolean[] frozen;
  private final Admin admin;

  private KafkaCluster(int size) {
    this.size = size;
    int[] ports = EmbeddedKafka.freePorts(size * 2);
    this.brokerPorts = IntStream.range(0, size).map(i -> ports[i]).toArray();
    this.controllerPorts = IntStream.range(0, size).map(i -> ports[size + i]).toArray();
    this.voters =
        IntStream.range(0, size).mapToObj(i -> (i + 1) + "@localhost:" + controllerPorts[i]).collect(Collectors.joining(","));
    try {
      this.baseDir = Files.createTempDirectory("courier-cluster-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.nodes = new ChildJvm[size];
    this.frozen = new boolean[size];
    List<CompletableFuture<Void>> starting = new ArrayList<>();
    for (int node = 1; node <= size; node++) {
      int id = node;
      starting.add(CompletableFuture.runAsync(() -> nodes[id - 1] = launch(id))); // a quorum forms only with all
    }
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(180, TimeUnit.SECONDS);
    } catch (Exception e) {
      close();
      throw new IllegalStateException("the cluster did not start", e);
    }
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  /** Starts {@code size} nodes and waits until each has started. */
  public static KafkaCluster start(int size) {
    return new KafkaCluster(size);
  }

  private ChildJvm launch(int node) {
    List<String> command =
        List.of("-cp", System.getProperty("java.class.path"), ClusterNode.class.getName(), Integer.toString(node),
            baseDir.resolve("node-" + node).toString(), Integer.toString(brokerPorts[node - 1]),
            Integer.toString(controllerPorts[node - 1]), voters, clusterId, Integer.toString(size));
    return ChildJvm.start("kafka-node-" + node, List.of("-Xmx384m", "-XX:+UseSerialGC"), command,
        baseDir.resolve("node-" + node + ".log"), ChildJvm.READY, Duration.ofSeconds(150));
  }

  public String bootstrapServers() {
    return IntStream.of(brokerPorts).mapToObj(port -> "localhost:" + port).collect(Collectors.joining(","));
  }

  /** An admin client owned by the cluster; do not close it. */
  public Admin admin() {
    return admin;
  }

  /** Creates a topic with replication factor 3 (or the cluster's size) and min.insync.replicas 2. */
  public void createTopic(String name, int partitions) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) Math.min(3, size)))).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /** Creates a topic as {@link #createTopic(String, int)} does, with these topic settings. */
  public void createTopic(String name, int partitions, java.util.Map<String, String> configs) {
    try {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) Math.min(3, size)).configs(configs))).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    }
  }

  /**
   * Creates a gateway's response topic, its forward topic ({@code <topic>.forwards}) and its results topic
   * ({@code <topic>.results}), as {@link GatewayTester#createResponseTopic} does on the single broker.
   */
  public void createResponseTopic(String topic, int partitions) {
    createTopic(topic, partitions);
    createTopic(topic + ".forwards", 1);
    createTopic(topic + ".results", 3, GatewayTester.RESULTS_TOPIC_CONFIG);
  }

  /** The node leading a partition now. */
  public int leaderOf(String topic, int partition) {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions()
          .get(partition).leader().id();
    } catch (Exception e) {
      throw new IllegalStateException("cannot describe " + topic, e);
    }
  }

  /** SIGKILL: the node vanishes as in a crash. */
  public void kill(int node) throws InterruptedException {
    nodes[node - 1].kill();
  }

  /** Starts a killed node again, with its data. */
  public void restart(int node) {
    nodes[node - 1] = launch(node);
  }

  /** SIGSTOP: the node stops answering but keeps its connections, as a stalled machine. */
  public void freeze(int node) {
    signal(node, "-STOP");
    frozen[node - 1] = true;
  }

  /** SIGCONT: a frozen node goes on. */
  public void thaw(int node) {
    signal(node, "-CONT");
    frozen[node - 1] = false;
  }

  public int size() {
    return size;
  }

  private void signal(int node, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", signal, Long.toString(nodes[node - 1].pid())).inheritIO().start();
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill " + signal + " failed for node " + node);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(2));
    }
    for (int node = 1; node <= size; node++) {
      ChildJvm jvm = nodes[node - 1];
      if (jvm == null) {
        continue;
      }
      if (frozen[node - 1]) {
        thaw(node);
      }
      try {
        jvm.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try (Stream<Path> paths = Files.walk(baseDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      // temporary files; the OS cleans up
    }
  }
}
