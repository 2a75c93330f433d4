package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.config.AuthenticationConfig;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.GatewayConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ApiKeyCommandTest {
  private static final Pattern KEY = Pattern.compile("key: +(ck_[A-Za-z0-9_-]{43})");
  private static final Pattern ENTRY = Pattern.compile("  - \\{name: billing, sha256: ([0-9a-f]{64})}");

  @Test
  void aNewKeyComesWithTheEntryThatAcceptsItAndOnlyItsHash() {
    Cli.Result first = Cli.run("api-key", "--name", "billing");
    Cli.Result second = Cli.run("api-key", "--name", "billing");

    assertThat(first.exitCode()).isZero();
    Matcher key = KEY.matcher(first.stdout());
    Matcher entry = ENTRY.matcher(first.stdout());
    assertThat(key.find()).as(first.stdout()).isTrue();
    assertThat(entry.find()).as(first.stdout()).isTrue();
    assertThat(second.stdout()).as("random each time").doesNotContain(key.group(1));
    GatewayConfig config = ConfigLoader.parse("""
        kafka: {bootstrap-servers: localhost:9092}
        authentication: {api-keys: {keys: [{name: billing, sha256: %s}]}}
        services: [{name: s, request-topic: t, authentication: api-key, routes: [{method: GET, path: /a}]}]
        """.formatted(entry.group(1)));
    assertThat(config.authentication().apiKeys().keys().get(0).sha256()).isEqualTo(AuthenticationConfig.ApiKey.hash(key.group(1)));
  }

  @Test
  void aNameTheConfigurationWouldRefuseIsRefusedHere() {
    Cli.Result result = Cli.run("api-key", "--name", "bad name: {x}");

    assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
    assertThat(result.stderr()).contains("--name must be 1-128 characters");
    assertThat(result.stdout()).isEmpty();
  }

  @Test
  void aKeyOfSeveralLinesIsRefusedAsTheGatewayRefusesSuchAFile() {
    InputStream original = System.in;
    try {
      System.setIn(new ByteArrayInputStream("SECRETVALUE1\nSECRETLINE2\n".getBytes(StandardCharsets.UTF_8)));
      Cli.Result result = Cli.run("api-key", "--hash");

      assertThat(result.exitCode()).isEqualTo(GatewayCommand.CONFIG_ERROR);
      assertThat(result.stderr()).contains("one key, on one line").doesNotContain("SECRET");
    } finally {
      System.setIn(original);
    }
  }

  @Test
  void hashPrintsTheSha256OfTheKeyOnStandardInput() {
    InputStream original = System.in;
    try {
      System.setIn(new ByteArrayInputStream("k-1\n".getBytes(StandardCharsets.UTF_8)));
      Cli.Result result = Cli.run("api-key", "--hash");

      assertThat(result.exitCode()).isZero();
      assertThat(result.stdout().strip()).isEqualTo(java.util.HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash("k-1")));
    } finally {
      System.setIn(original);
    }
  }
}
