package io.courier.kafka.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * One node of a multi-node KRaft cluster (broker and controller in one), run in a JVM of its own so that a
 * fault test can kill it (SIGKILL) or freeze it (SIGSTOP) like a real broker. Formats its data directory
 * on first start and keeps it across restarts, so a node killed and started again comes back with its log.
 * Prints {@code READY <node-id>} once started; runs until killed.
 *
 * <p>{@code ClusterNode <node-id> <data-dir> <broker-port> <controller-port> <voters> <cluster-id> <nodes>}
 */
public final class ClusterNode {
  private ClusterNode() {}

  public static void main(String[] args) throws Exception {
    int nodeId = Integer.parseInt(args[0]);
    Path dataDir = Files.createDirectories(Path.of(args[1]));
    int brokerPort = Integer.parseInt(args[2]);
    int controllerPort = Integer.parseInt(args[3]);
    String voters = args[4];
    String clusterId = args[5];
    int nodes = Integer.parseInt(args[6]);
    Properties config = EmbeddedKafka.brokerConfig(dataDir, nodeId, brokerPort, controllerPort, voters, Math.min(3, nodes));
    // A node that is killed and restarted must rejoin at once, not after the default session timeouts.
    config.put("broker.session.timeout.ms", "6000");
    config.put("broker.heartbeat.interval.ms", "1000");
    config.put("unclean.leader.election.enable", "false");
    EmbeddedKafka.format(dataDir, config, clusterId);
    KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
    server.startup();
    System.out.println("READY " + nodeId);
    server.awaitShutdown();
  }
}
