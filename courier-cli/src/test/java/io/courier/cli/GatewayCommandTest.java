package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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

    Result result = run("gateway", "--config", config.toString());

    assertThat(result.exitCode).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr).contains("courier.yaml:7:").contains("services[0].routes[0].timeout").contains("5x");
  }

  @Test
  void aMissingConfigurationFileExitsWithCode2() {
    Result result = run("gateway", "--config", dir.resolve("absent.yaml").toString());

    assertThat(result.exitCode).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr).contains("cannot read configuration file");
  }

  @Test
  void anInvalidInstanceIdOnTheCommandLineIsRefused() throws IOException {
    Path config = validConfig();

    Result result = run("gateway", "--config", config.toString(), "--instance-id", "not valid!");

    assertThat(result.exitCode).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr).contains("instance id");
  }

  @Test
  void anOutOfRangePortOnTheCommandLineIsRefused() throws IOException {
    Path config = validConfig();

    Result result = run("gateway", "--config", config.toString(), "--port", "70000");

    assertThat(result.exitCode).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr).contains("port must be between 0 and 65535");
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

    Result result = run("gateway", "--config", config.toString(), "--port", "0");

    assertThat(result.exitCode).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr.lines().filter(line -> line.startsWith("courier:")))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("courier: invalid configuration: kafka settings of the reply consumer: ")
        .contains("partition.assignment.strategy");
  }

  @Test
  void withoutASubcommandItPrintsUsage() {
    Result result = run();

    assertThat(result.exitCode).isZero();
    assertThat(result.stdout).contains("gateway").contains("demo");
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

  private record Result(int exitCode, String stdout, String stderr) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalOut = System.out;
    PrintStream originalErr = System.err;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = new CommandLine(new CourierCommand()).execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(originalOut);
      System.setErr(originalErr);
    }
  }
}
