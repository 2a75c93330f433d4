package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.kafka.embedded.EmbeddedKafka;
import io.courier.kafka.embedded.EmbeddedKafkaExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier check --kafka} against a real broker. */
@ExtendWith(EmbeddedKafkaExtension.class)
class CheckCommandIT {
  @TempDir Path dir;

  private Path file(String bootstrap, String responseTopic, String replies) throws IOException {
    return Files.writeString(dir.resolve("courier.yaml"), """
        kafka:
          bootstrap-servers: "%s"
          response-topic: %s
          %s
        services:
          - {name: a, request-topic: check.requests, routes: [{method: GET, path: /a}]}
        """.formatted(bootstrap, responseTopic, replies));
  }

  @Test
  void missingTopicsAreNamedAndExitWith1(EmbeddedKafka kafka) throws IOException {
    Path config = file(kafka.bootstrapServers(), "check.absent", "");
    Files.writeString(config, Files.readString(config).replace("check.requests", "check.absent.requests"));

    Cli.Result result = Cli.run("check", "--kafka", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(CheckCommand.CLUSTER_PROBLEM);
    assertThat(result.stderr()).contains(
        "courier: topics do not exist: check.absent, check.absent.forwards, check.absent.requests, check.absent.results");
  }

  @Test
  void aClusterWithEveryTopicPassesAndWarnsAboutAResultsTopicThatIsNotCompacted(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("check.requests", 1);
    kafka.createTopic("check.ok", 2);
    kafka.createTopic("check.ok.forwards", 1);
    kafka.createTopic("check.ok.results", 1, Map.of("cleanup.policy", "delete"));

    Cli.Result result = Cli.run("check", "--kafka", "--config", file(kafka.bootstrapServers(), "check.ok", "").toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("has its 4 topics");
    assertThat(result.stderr()).contains("courier: warning: results topic check.ok.results has cleanup.policy=delete");
  }

  @Test
  void aStateTopicMustExistAndIsWarnedAboutWhenNotCompacted(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("check.requests", 1);
    kafka.createTopic("check.st", 2);
    kafka.createTopic("check.st.forwards", 1);
    kafka.createTopic("check.st.results", 1, Map.of("cleanup.policy", "compact,delete"));
    Path config = file(kafka.bootstrapServers(), "check.st", "");
    Files.writeString(config, Files.readString(config).replace("routes: [{method: GET, path: /a}]",
        "routes: [{method: GET, path: /a, state: {mode: query, topic: check.st.state, entity: header:x-id, field: value:/state}}]"));

    Cli.Result missing = Cli.run("check", "--kafka", "--config", config.toString());
    kafka.createTopic("check.st.state", 2, Map.of("cleanup.policy", "delete"));
    Cli.Result present = Cli.run("check", "--kafka", "--config", config.toString());

    assertThat(missing.exitCode()).isEqualTo(CheckCommand.CLUSTER_PROBLEM);
    assertThat(missing.stderr()).contains("courier: topics do not exist: check.st.state");
    assertThat(present.exitCode()).isZero();
    assertThat(present.stderr()).contains("courier: warning: state topic check.st.state has cleanup.policy=delete");
  }

  @Test
  void staticOwnershipWithMoreInstancesThanPartitionsFails(EmbeddedKafka kafka) throws IOException {
    kafka.createTopic("check.requests", 1);
    kafka.createTopic("check.static", 2);
    kafka.createTopic("check.static.forwards", 1);
    kafka.createTopic("check.static.results", 1, Map.of("cleanup.policy", "compact,delete"));
    String replies = "replies: {ownership: static, instance-index: 0, instance-count: 3}";

    Cli.Result result = Cli.run("check", "--kafka", "--config", file(kafka.bootstrapServers(), "check.static", replies).toString());

    assertThat(result.exitCode()).isEqualTo(CheckCommand.CLUSTER_PROBLEM);
    assertThat(result.stderr()).contains("instance-count 3 needs at least 3 partitions on the response topic, which has 2");
  }

  @Test
  void anUnreachableClusterExitsWith3() throws IOException {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    Cli.Result result = Cli.run("check", "--kafka", "--config", file("localhost:" + closed, "check.none", "").toString());

    assertThat(result.exitCode()).isEqualTo(CheckCommand.UNREACHABLE);
    assertThat(result.stderr()).contains("courier: cannot ask Kafka at localhost:" + closed);
  }
}
