package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in {@code docs/} is the one {@link Setting} defines, word for word. After
 * changing a setting, regenerate the table with
 * {@code mvn -pl courier-gateway test -Dtest=ConfigurationReferenceTest -Dcourier.docs.update=true}.
 */
class ConfigurationReferenceTest {
  private static final Path DOCUMENT = Path.of("..", "docs", "configuration.md");
  private static final String TABLE_START = "| key | default | meaning |";

  @Test
  void documentContainsTheReferenceTableVerbatim() throws IOException {
    String document = Files.readString(DOCUMENT, StandardCharsets.UTF_8).replace("\r\n", "\n");
    if (Boolean.getBoolean("courier.docs.update")) {
      document = withCurrentTable(document);
      Files.writeString(DOCUMENT, document, StandardCharsets.UTF_8);
    }

    assertThat(document)
        .as("docs/configuration.md must contain Setting.referenceTable() verbatim; regenerate it (see class doc)")
        .contains(Setting.referenceTable());
  }

  /** The document with its reference table (from its header line to the next heading) replaced. */
  private static String withCurrentTable(String document) {
    int start = document.indexOf(TABLE_START);
    int end = document.indexOf("\n## ", start);
    return document.substring(0, start) + Setting.referenceTable() + document.substring(end);
  }
}
