package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The configuration reference in {@code docs/} is the one {@link Setting} defines, word for word. */
class ConfigurationReferenceTest {
  private static final Path DOCUMENT = Path.of("..", "docs", "configuration.md");

  @Test
  void documentContainsTheReferenceTableVerbatim() throws IOException {
    String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8).replace("\r\n", "\n");

    assertThat(document)
        .as("docs/configuration.md must contain Setting.referenceTable() verbatim; regenerate the table")
        .contains(Setting.referenceTable());
  }
}
