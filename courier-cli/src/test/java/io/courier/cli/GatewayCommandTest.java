package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewayCommandTest {
  @TempDir Path dir;

  @Test
  void aConfigurationMistakeExitsWithCode2AndNamesTheLineAndKey() throws IOException {
    Path config = dir.resolve("courier.yaml");
    Files.writeString(
        config,
        """
        kafka:
          bootstrap-servers: localhost:9092
        services:
          - name: orders
            request-topic: orders.requests
            routes:
              - {method: GET, path: /orders, timeout: 5x}
        """);

    Cli.Result result = run("gateway", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("courier.yaml:7:").contains("services[0].routes[0].timeout").contains("5x");
  }

  @Test
  void aMissingConfigurationFileExitsWithCode2() {
    Cli.Result result = run("gateway", "--config", dir.resolve("absent.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("cannot read configuration file");
  }

  @Test
  void anInvalidInstanceIdOnTheCommandLineIsRefused() throws IOException {
    Path config = validConfig();

    Cli.Result result = run("gateway", "--config", config.toString(), "--instance-id", "not valid!");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("instance id");
  }

  @Test
  void anOutOfRangePortOnTheCommandLineIsRefused() throws IOException {
    Path config = validConfig();

    Cli.Result result = run("gateway", "--config", config.toString(), "--port", "70000");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("port must be between 0 and 65535");
  }

  @Test
  void aKafkaSettingKafkaRefusesExitsWithCode2AndOneLine() throws IOException {
    Path config =
        Files.writeString(
            dir.resolve("bad-kafka.yaml"),
            """
            kafka:
              bootstrap-servers: "localhost:9092"
              consumer: {group.protocol: consumer, partition.assignment.strategy: range}
            services:
              - {name: a, request-topic: a, routes: [{method: GET, path: /a}]}
            """);

    Cli.Result result = run("gateway", "--config", config.toString(), "--port", "0");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr().lines().filter(line -> line.startsWith("courier:")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("courier: invalid configuration: kafka settings of the reply consumer: ")
        .contains("partition.assignment.strategy");
  }

  @Test
  void withoutASubcommandItPrintsUsage() {
    Cli.Result result = run();

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("gateway").contains("demo");
  }

  private Path validConfig() throws IOException {
    return Files.writeString(
        dir.resolve("ok.yaml"),
        """
        kafka: {bootstrap-servers: "localhost:9092"}
        services:
          - {name: a, request-topic: a, routes: [{method: GET, path: /a}]}
        """);
  }

  private static Cli.Result run(String... args) {
    return Cli.run(args);
  }
}
