package io.courier.gateway.state;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.gateway.error.Problem;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Turns an entity's state into the caller's answer (docs/protocol.md, "State topics"): below 400, the state
 * record's value (or the subtree at {@code state.body}) as {@code application/json}; from 400 on, an RFC 9457
 * problem of type {@value #PROBLEM_TYPE} whose {@code detail} is the record's value, with members {@code
 * entity} and {@code state}. Stateless.
 */
public final class StateAnswers {
  public static final String PROBLEM_TYPE = "urn:courier:problem:entity-state";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "content-type";

  private StateAnswers() {}

  /** The answer {@code status} with {@code reached}'s record. */
  public static Outcome.Replied answer(EntityState reached, int status, JsonPointer body) {
    if (status >= 400) {
      ObjectNode problem = JSON.createObjectNode()
          .put("type", PROBLEM_TYPE)
          .put("title", "The entity reached state " + reached.state())
          .put("status", status)
          .put("detail", new String(reached.value(), StandardCharsets.UTF_8))
          .put("entity", reached.entity())
          .put("state", reached.state());
      return new Outcome.Replied(status, HeaderFields.of(CONTENT_TYPE, Problem.CONTENT_TYPE), bytes(problem));
    }
    return new Outcome.Replied(status, HeaderFields.of(CONTENT_TYPE, "application/json"), body(reached.value(), body));
  }

  /** How a wait that ran out describes what it saw, for the 504's detail. */
  public static String lastSeen(String entity, EntityState last) {
    return last == null ? "no state of entity " + entity + " was seen" : "the last state of entity " + entity + " seen was " + last.state();
  }

  private static byte[] body(byte[] value, JsonPointer pointer) {
    if (pointer == null) {
      return value;
    }
    try {
      JsonNode at = JSON.readTree(value).at(pointer);
      return at.isMissingNode() ? value : bytes(at); // a record without it: the whole record, not nothing
    } catch (IOException e) {
      return value;
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("a JSON tree always serialises", e);
    }
  }
}
