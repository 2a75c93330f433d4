package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code courier check} and {@code courier routes} without a cluster. */
class CheckCommandTest {
  @TempDir Path dir;

  private Path file(String yaml) throws IOException {
    return Files.writeString(dir.resolve("courier.yaml"), yaml);
  }

  private Path valid() throws IOException {
    return file("""
        kafka: {bootstrap-servers: "localhost:9092"}
        services:
          - name: orders
            request-topic: orders.requests
            idempotency: optional
            routes:
              - {method: POST, path: /orders, key: "body:/customerId"}
              - {name: orders.get, method: GET, path: "/orders/{id}", key: "path:id", timeout: 2s}
          - name: basket
            request-topic: basket.requests
            profile: spring
            routes:
              - {method: PUT, path: "/baskets/{id}", key: "header:X-Customer"}
        """);
  }

  @Test
  void aValidFileIsValidAndTheClusterIsNotAskedUnlessSaid() throws IOException {
    Cli.Result result = Cli.run("check", "--config", valid().toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).contains("is valid: 2 services, 3 routes").contains("add --kafka");
  }

  @Test
  void aMistakeExitsWith2AndTheMessageStartUpWouldGive() throws IOException {
    Path bad = file("""
        kafka: {bootstrap-servers: "localhost:9092"}
        services:
          - {name: a, request-topic: a, routes: [{method: GET, path: /a, timeout: 5x}]}
        """);

    Cli.Result result = Cli.run("check", "--config", bad.toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("courier: invalid configuration: ").contains("services[0].routes[0].timeout");
  }

  @Test
  void aKafkaSettingKafkaRefusesIsFoundWithoutACluster() throws IOException {
    Path bad = file("""
        kafka:
          bootstrap-servers: "localhost:9092"
          producer: {compression.type: zip}
        services:
          - {name: a, request-topic: a, routes: [{method: GET, path: /a}]}
        """);

    Cli.Result result = Cli.run("check", "--config", bad.toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("courier: invalid configuration: kafka settings of the producer: ").contains("compression.type");
  }

  @Test
  void aSecuritySettingKafkaCannotUseIsOneLineThatPrintsNoSecret() throws IOException {
    Path bad = file("""
        kafka:
          bootstrap-servers: "localhost:9092"
          client:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username="gw" "pw-5e0f2a";'
            ssl.truststore.location: /nowhere/truststore.p12
            ssl.truststore.password: ts-8d31c4
        services:
          - {name: a, request-topic: a, routes: [{method: GET, path: /a}]}
        """);

    Cli.Result result = Cli.run("check", "--config", bad.toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr())
        .isEqualTo("courier: invalid configuration: kafka settings of the producer: Failed to create new NetworkClient: "
            + "Value not specified for key '[hidden]' in JAAS config" + System.lineSeparator());
    assertThat(result.stdout() + result.stderr()).doesNotContain("pw-5e0f2a").doesNotContain("ts-8d31c4");
  }

  @Test
  void warningsArePrintedAndDoNotFailTheCheck() throws IOException {
    Path risky = file("""
        kafka: {bootstrap-servers: "localhost:9092"}
        services:
          - {name: a, request-topic: a, forward-headers: [authorization], routes: [{method: GET, path: /a}]}
        """);

    Cli.Result result = Cli.run("check", "--config", risky.toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stderr()).contains("courier: warning: ").contains("credentials");
  }

  @Test
  void routesPrintsTheResolvedRouteTable() throws IOException {
    Cli.Result result = Cli.run("routes", "--config", valid().toString());

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout().lines().findFirst()).hasValueSatisfying(heading -> assertThat(heading).startsWith("METHOD").contains("IDEMPOTENCY"));
    assertThat(result.stdout())
        .containsPattern("POST +/orders +orders\\.POST /orders +orders\\.requests +courier +body:/customerId +10000ms +1000 +\\d+ +optional")
        .containsPattern("GET +/orders/\\{id} +orders\\.get +orders\\.requests +courier +path:id +2000ms")
        .containsPattern("PUT +/baskets/\\{id} +basket\\.PUT /baskets/\\{id} +basket\\.requests +spring +header:x-customer .* off")
        .contains("GET, DELETE /results/{id}");
  }

  @Test
  void routesOfAnUnreadableFileExitWith2() {
    Cli.Result result = Cli.run("routes", "--config", dir.resolve("absent.yaml").toString());

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("cannot read configuration file");
  }
}
