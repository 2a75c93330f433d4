package io.courier.kafka.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.security.scram.ScramLoginModule;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running in this JVM, listening on
 * free loopback ports, with its data in a temporary directory that {@link #close()} removes.
 *
 * <p>For the demo and the tests only. Thread-safe once started.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(EmbeddedKafka.class);

  /** The mechanism of the SASL_SSL listener of {@link #startSaslSsl}. */
  public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";

  private final Path dataDir;
  private final String bootstrapServers;
  private final Map<String, String> clientSettings;
  private final KafkaRaftServer server;
  private final Admin admin;
  private final Duration startupTime;
  private volatile boolean closed;

  private EmbeddedKafka(
      Path dataDir, String bootstrapServers, Map<String, String> clientSettings, KafkaRaftServer server, Admin admin,
      Duration startupTime) {
    this.dataDir = dataDir;
    this.bootstrapServers = bootstrapServers;
    this.clientSettings = Map.copyOf(clientSettings);
    this.server = server;
    this.admin = admin;
    this.startupTime = startupTime;
  }

  /** Formats a fresh data directory, starts the broker and waits until it serves requests. */
  public static EmbeddedKafka start() {
    return start(Map.of());
  }

  /**
   * As {@link #start()}, with extra broker settings (for instance {@code auto.create.topics.enable}).
   */
  public static EmbeddedKafka start(Map<String, String> overrides) {
    long begin = System.nanoTime();
    Path dataDir = createDataDir();
    int[] ports = freePorts(2);
    int brokerPort = ports[0];
    int controllerPort = ports[1];
    Properties config = brokerConfig(dataDir, 1, brokerPort, controllerPort, "1@localhost:" + controllerPort, 1);
    config.putAll(overrides);
    format(dataDir, config, Uuid.randomUuid().toString());
    String bootstrap = "localhost:" + brokerPort;
    return run(begin, dataDir, config, bootstrap, bootstrap, Map.of());
  }

  /**
   * A broker whose client listener ({@link #bootstrapServers()}) is SASL_SSL: TLS with a certificate for
   * {@code localhost} signed by a CA made for this broker, and SCRAM-SHA-512 with one user, created when the
   * storage is formatted (KRaft keeps SCRAM credentials in the metadata log, so they exist before any client
   * connects). The controller and inter-broker listeners stay PLAINTEXT, and so does {@link #admin()}.
   * {@link #clientSettings()} says what a client needs; the certificates lie in the data directory, removed
   * on {@link #close()}. Generating them adds a few seconds to the start.
   */
  public static EmbeddedKafka startSaslSsl(String username, String password) {
    long begin = System.nanoTime();
    Path dataDir = createDataDir();
    TestCertificates tls = TestCertificates.generate(dataDir.resolve("tls"), "store-" + Uuid.randomUuid());
    int[] ports = freePorts(3);
    int brokerPort = ports[0];
    int controllerPort = ports[1];
    int securedPort = ports[2];
    Properties config = brokerConfig(dataDir, 1, brokerPort, controllerPort, "1@localhost:" + controllerPort, 1);
    config.put("listeners", config.get("listeners") + ",SASL_SSL://localhost:" + securedPort);
    config.put("advertised.listeners", config.get("advertised.listeners") + ",SASL_SSL://localhost:" + securedPort);
    config.put("listener.security.protocol.map", config.get("listener.security.protocol.map") + ",SASL_SSL:SASL_SSL");
    config.put("sasl.enabled.mechanisms", SCRAM_MECHANISM);
    config.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", ScramLoginModule.class.getName() + " required;");
    config.put("listener.name.sasl_ssl.ssl.keystore.type", tls.type());
    config.put("listener.name.sasl_ssl.ssl.keystore.location", tls.keystore().toString());
    config.put("listener.name.sasl_ssl.ssl.keystore.password", tls.password());
    config.put("listener.name.sasl_ssl.ssl.key.password", tls.password());
    format(
        dataDir, config, Uuid.randomUuid().toString(),
        "--add-scram", SCRAM_MECHANISM + "=[name=" + username + ",password=" + password + "]");
    Map<String, String> client = new LinkedHashMap<>();
    client.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
    client.put(SaslConfigs.SASL_MECHANISM, SCRAM_MECHANISM);
    client.put(SaslConfigs.SASL_JAAS_CONFIG, jaasConfig(username, password));
    client.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, tls.type());
    client.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, tls.truststore().toString());
    client.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, tls.password());
    return run(begin, dataDir, config, "localhost:" + securedPort, "localhost:" + brokerPort, client);
  }

  /** The {@code sasl.jaas.config} of a SCRAM client. */
  public static String jaasConfig(String username, String password) {
    return ScramLoginModule.class.getName() + " required username=\"" + username + "\" password=\"" + password + "\";";
  }

  private static Path createDataDir() {
    try {
      return Files.createTempDirectory("courier-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the broker's data directory", e);
    }
  }

  private static EmbeddedKafka run(
      long begin, Path dataDir, Properties config, String bootstrap, String adminBootstrap, Map<String, String> clientSettings) {
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    server.startup();
    Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap));
    EmbeddedKafka kafka =
        new EmbeddedKafka(dataDir, bootstrap, clientSettings, server, admin, Duration.ofNanos(System.nanoTime() - begin));
    kafka.awaitReady();
    LOGGER.info(
        "Embedded Kafka ready bootstrapServers={} startupMillis={}",
        kafka.bootstrapServers(),
        Duration.ofNanos(System.nanoTime() - begin).toMillis());
    return kafka;
  }

  /** {@code localhost:<port>} of the broker's client listener. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The Kafka client settings, besides {@code bootstrap.servers}, that the client listener needs: none for
   * {@link #start()}; for {@link #startSaslSsl} {@code security.protocol}, {@code sasl.mechanism}, {@code
   * sasl.jaas.config} (its user) and the {@code ssl.truststore.*} settings.
   */
  public Map<String, String> clientSettings() {
    return clientSettings;
  }

  /** How long {@link #start()} took, format to ready. */
  public Duration startupTime() {
    return startupTime;
  }

  /** An admin client owned by this broker; do not close it. */
  public Admin admin() {
    return admin;
  }

  /** Creates a topic with replication factor 1 unless it exists. */
  public void createTopic(String name, int partitions) {
    createTopic(name, partitions, Map.of());
  }

  /** Creates a topic with replication factor 1 and these topic configs unless it exists. */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    try {
      admin
          .createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic " + name, e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
  }

  /** Stops the broker and deletes its data. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    admin.close(Duration.ofSeconds(5));
    server.shutdown();
    server.awaitShutdown();
    deleteRecursively(dataDir);
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        admin.describeCluster().nodes().get();
        admin.listTopics().names().get();
        return;
      } catch (ExecutionException e) {
        if (System.nanoTime() > deadline) {
          close();
          throw new IllegalStateException("embedded Kafka did not become ready in 60 s", e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new IllegalStateException("interrupted while waiting for embedded Kafka", e);
      }
    }
  }

  /**
   * The settings of one combined broker-and-controller node.
   *
   * @param voters {@code controller.quorum.voters}, e.g. {@code 1@localhost:9093,2@localhost:9095}
   * @param replication the replication factor of internal and new topics; with more than one node, new
   *     topics also need {@code replication - 1} in-sync replicas (so {@code acks=all} means two copies)
   */
  static Properties brokerConfig(Path dataDir, int nodeId, int brokerPort, int controllerPort, String voters, int replication) {
    String rf = Integer.toString(replication);
    String minIsr = Integer.toString(Math.max(1, replication - 1));
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put("listeners", "PLAINTEXT://localhost:" + brokerPort + ",CONTROLLER://localhost:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://localhost:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toString());
    p.put("offsets.topic.replication.factor", rf);
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", rf);
    p.put("transaction.state.log.min.isr", minIsr);
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", rf);
    p.put("share.coordinator.state.topic.min.isr", minIsr);
    // Share groups (KIP-932) are on by default in Kafka 4.2+ (the share.version feature is part of the
    // production features the storage is formatted with); their state topic needs the two settings above
    // with fewer than three nodes. Group configs may set a record lock as short as 1 s and a session as
    // short as 2 s (broker minima 15 s and 45 s), so that tests see a dead instance's records redelivered,
    // and its partitions handed on, in seconds; the defaults (30 s lock, 45 s session) stay.
    p.put("group.share.min.record.lock.duration.ms", "1000");
    p.put("group.share.min.session.timeout.ms", "2000");
    p.put("group.share.min.heartbeat.interval.ms", "500");
    p.put("default.replication.factor", rf);
    p.put("min.insync.replicas", minIsr);
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics come from configuration only: a typo in a topic name is an error, not a new empty topic.
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    p.put("log.segment.bytes", Integer.toString(16 * 1024 * 1024));
    // The log cleaner (compacted state topics) allocates its whole dedupe buffer up front: 128 MB by default.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
    return p;
  }

  /** Formats the storage of a node; {@code extraArguments} go to {@code kafka-storage format} (e.g. {@code --add-scram}). */
  static void format(Path dataDir, Properties config, String clusterId, String... extraArguments) {
    Path file = dataDir.resolve("server.properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      config.store(out, "courier embedded kafka");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int rc;
    try (PrintStream print = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      List<String> arguments =
          new ArrayList<>(List.of("format", "--cluster-id", clusterId, "--config", file.toString(), "--ignore-formatted"));
      arguments.addAll(List.of(extraArguments));
      rc = StorageTool.execute(arguments.toArray(String[]::new), print);
    }
    if (rc != 0) {
      throw new IllegalStateException(
          "formatting the broker's storage failed: " + output.toString(StandardCharsets.UTF_8));
    }
  }

  /**
   * Distinct free loopback ports, e.g. for the nodes of a cluster. The sockets are held open together until all are chosen: closed one by one,
   * the operating system may hand the same port out twice.
   */
  public static int[] freePorts(int count) {
    ServerSocket[] sockets = new ServerSocket[count];
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets[i].setReuseAddress(true);
        ports[i] = sockets[i].getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    } finally {
      for (ServerSocket socket : sockets) {
        closeQuietly(socket);
      }
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    if (socket == null) {
      return;
    }
    try {
      socket.close();
    } catch (IOException e) {
      LOGGER.debug("Could not close probe socket port={}", socket.getLocalPort(), e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOGGER.warn("Could not delete broker data dataDir={}", dir, e);
    }
  }
}
