package io.courier.gateway.config;

import com.fasterxml.jackson.core.JsonPointer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event-driven route (capability C8, ADR 0004): its answer is the state its entity reaches on a state
 * topic, not a correlated reply. Immutable.
 *
 * @param topic the state topic: one record per change, keyed by the entity id
 * @param mode {@link Mode#COMMAND}: produce the request, then wait for the entity; {@link Mode#QUERY}: answer
 *     the entity's state (or wait for one), produce nothing
 * @param entity where the entity id is in the request ({@code path:}, {@code header:}, {@code body:}), or
 *     {@code null} when it is in the service's reply ({@code entityInReply})
 * @param entityInReply a JSON pointer into the service's reply body naming the entity (services that assign
 *     the id), or {@code null}
 * @param field where the state is in a state record
 * @param answers the states that end the wait, each with the HTTP status it is answered with, in file order
 * @param body a JSON pointer into the state record's value that is the answer's body, or {@code null} for the
 *     whole value
 * @param maxWait query mode: the longest wait ({@code ?state=}, {@code Prefer: wait}) honoured
 * @param maxEntities the most entities this route wants kept per instance; the topic keeps the largest its
 *     routes ask for
 */
public record StateConfig(
    String topic,
    Mode mode,
    KeySource entity,
    JsonPointer entityInReply,
    StateField field,
    Map<String, Integer> answers,
    JsonPointer body,
    Duration maxWait,
    int maxEntities) {

  public static final int DEFAULT_MAX_ENTITIES = 100_000;
  public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

  public StateConfig {
    answers = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(answers));
  }

  /** What the route does with the request. */
  public enum Mode {
    COMMAND,
    QUERY
  }

  /**
   * Where the state is in a state record: a header's value (UTF-8), or the text at a JSON pointer into the
   * value. Exactly one is set. Written {@code header:<name>} or {@code value:<JSON pointer>}.
   */
  public record StateField(String header, JsonPointer pointer) {
    /** Parses the configuration text; {@code null} when it has neither prefix. */
    static StateField parse(String text) {
      if (text.startsWith("header:") && text.length() > "header:".length()) {
        return new StateField(text.substring("header:".length()), null);
      }
      if (text.startsWith("value:")) {
        return new StateField(null, JsonPointer.compile(text.substring("value:".length())));
      }
      return null;
    }

    public String text() {
      return header != null ? "header:" + header : "value:" + pointer;
    }
  }
}
