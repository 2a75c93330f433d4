package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The example configuration at the repository root loads, and the configuration guide shows exactly it. */
class ExampleConfigurationTest {
  private static final Path EXAMPLE = Path.of("..", "courier.yaml");

  @Test
  void theRootExampleLoads() {
    GatewayConfig config = ConfigLoader.load(EXAMPLE);

    assertThat(config.requestTopics()).containsExactly("orders.requests", "customers.requests", "basket.requests");
    assertThat(config.kafka().responseTopic()).isEqualTo("courier.responses");
  }

  @Test
  void theConfigurationGuideShowsTheRootExampleVerbatim() throws IOException {
    String guide = Files.readString(Path.of("..", "docs", "configuration.md"));

    assertThat(guide).contains("```yaml\n" + Files.readString(EXAMPLE) + "```\n");
  }
}
