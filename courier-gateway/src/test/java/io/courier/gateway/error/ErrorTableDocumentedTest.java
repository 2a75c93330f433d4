package io.courier.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The errors table of docs/protocol.md is the one {@link GatewayError} defines: every row, its status and title. */
class ErrorTableDocumentedTest {
  private static final Path PROTOCOL = Path.of("..", "docs", "protocol.md");

  @ParameterizedTest
  @EnumSource(GatewayError.class)
  void everyErrorHasItsRowInTheProtocolDocument(GatewayError error) throws IOException {
    String document = Files.readString(PROTOCOL, StandardCharsets.UTF_8);

    assertThat(document)
        .contains("| " + error.status() + " | `" + error.type() + "` | " + error.title() + " |")
        .containsPattern("`" + java.util.regex.Pattern.quote(error.type()) + "`[^\n]*\\| " + (error.retryable() ? "yes" : "no") + " \\|\n");
  }

  @Test
  void aProblemBodyHasTheTableValuesAndNoInstanceWhenThereIsNone() {
    String json = new String(new Problem(GatewayError.MALFORMED_REQUEST, "bad", null).toJson(), StandardCharsets.UTF_8);

    assertThat(json)
        .isEqualTo("{\"type\":\"urn:courier:problem:malformed-request\",\"title\":\"The request cannot be read\",\"status\":400,\"detail\":\"bad\"}");
  }
}
