package io.courier.gateway.apidocs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** What the two API documents share: the JSON tree factory and their printed form. Stateless. */
final class Documents {
  static final ObjectMapper JSON = new ObjectMapper();

  private Documents() {}

  /** {@code document} as pretty-printed JSON. */
  static String pretty(ObjectNode document) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree of JSON nodes always serialises", e);
    }
  }
}
