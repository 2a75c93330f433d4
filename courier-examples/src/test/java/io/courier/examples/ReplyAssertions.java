package io.courier.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.responder.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reading replies in tests. */
public final class ReplyAssertions {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private ReplyAssertions() {}

  public static String body(Reply reply) {
    return new String(reply.body(), StandardCharsets.UTF_8);
  }

  public static JsonNode json(Reply reply) {
    try {
      return MAPPER.readTree(reply.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Asserts a problem+json reply with this status and title, and returns its detail. */
  public static String assertProblem(Reply reply, int status, String title) {
    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.headers()).containsEntry("content-type", "application/problem+json");
    JsonNode problem = json(reply);
    assertThat(problem.get("status").asInt()).isEqualTo(status);
    assertThat(problem.get("title").asText()).isEqualTo(title);
    return problem.get("detail").asText();
  }
}
