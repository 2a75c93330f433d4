package io.courier.gateway.config;

import com.fasterxml.jackson.core.JsonPointer;
import io.courier.gateway.path.PathTemplate;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a route's {@code state} block ({@link StateConfig}); every mistake names its line and key path. */
final class StateSettings {
  private static final String REPLY = "reply:";

  private StateSettings() {}

  /** The route's state block, or {@code null} when it has none. */
  static StateConfig read(YamlNode route, String method, PathTemplate template) {
    YamlNode node = route.child(Setting.ROUTE_STATE.key());
    if (node == null) {
      return null;
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.ROUTE_STATE.path()));
    String topic = node.required(Setting.ROUTE_STATE_TOPIC.key()).asString();
    if (!topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw node.child(Setting.ROUTE_STATE_TOPIC.key()).error("is not a valid Kafka topic name: \"" + topic + "\"");
    }
    YamlNode modeNode = node.child(Setting.ROUTE_STATE_MODE.key());
    StateConfig.Mode mode = modeNode == null ? StateConfig.Mode.COMMAND : ConfigLoader.choice(modeNode, StateConfig.Mode.class, "command or query");
    if (mode == StateConfig.Mode.QUERY && !method.equals("GET")) {
      throw modeNode.error("query answers GET only; this route is " + method);
    }
    YamlNode entityNode = node.required(Setting.ROUTE_STATE_ENTITY.key());
    String entityText = entityNode.asString();
    KeySource entity = null;
    JsonPointer entityInReply = null;
    if (entityText.startsWith(REPLY)) {
      if (mode == StateConfig.Mode.QUERY) {
        throw entityNode.error("a query produces nothing and gets no reply: take the entity from the path or a header");
      }
      entityInReply = pointer(entityNode, entityText.substring(REPLY.length()));
    } else {
      entity = entity(entityNode, entityText, template, mode);
    }
    YamlNode fieldNode = node.required(Setting.ROUTE_STATE_FIELD.key());
    StateConfig.StateField field;
    try {
      field = StateConfig.StateField.parse(fieldNode.asString());
    } catch (IllegalArgumentException e) {
      throw fieldNode.error("value: must be followed by a JSON pointer starting with '/'");
    }
    if (field == null) {
      throw fieldNode.error("must be value:<JSON pointer> or header:<name>, was \"" + fieldNode.asString() + "\"");
    }
    Map<String, Integer> answers = answers(node.child(Setting.ROUTE_STATE_ANSWERS.key()));
    if (mode == StateConfig.Mode.COMMAND && answers.isEmpty()) {
      throw node.error("'" + Setting.ROUTE_STATE_ANSWERS.key() + "' is required in command mode: the states that end the wait, e.g. {VALIDATED: 201, FAILED: 409}");
    }
    YamlNode bodyNode = node.child(Setting.ROUTE_STATE_BODY.key());
    YamlNode maxWaitNode = node.child(Setting.ROUTE_STATE_MAX_WAIT.key());
    if (maxWaitNode != null && mode != StateConfig.Mode.QUERY) {
      throw maxWaitNode.error("only applies with mode: query (a command waits for the route's timeout)");
    }
    YamlNode maxEntities = node.child(Setting.ROUTE_STATE_MAX_ENTITIES.key());
    return new StateConfig(
        topic, mode, entity, entityInReply, field, answers,
        bodyNode == null ? null : pointer(bodyNode, bodyNode.asString()),
        maxWaitNode == null ? StateConfig.DEFAULT_MAX_WAIT : maxWaitNode.asDuration(Duration.ofSeconds(1), Duration.ofMinutes(10)),
        maxEntities == null ? StateConfig.DEFAULT_MAX_ENTITIES : maxEntities.asInt(1, 100_000_000));
  }

  private static KeySource entity(YamlNode node, String text, PathTemplate template, StateConfig.Mode mode) {
    KeySource entity;
    try {
      entity = KeySource.parse(text);
    } catch (IllegalArgumentException e) {
      throw node.error("body: must be followed by a JSON pointer starting with '/'");
    }
    if (entity == null) {
      throw node.error("must be path:<param>, header:<name>, body:<JSON pointer> or reply:<JSON pointer>, was \"" + text + "\"");
    }
    if (entity instanceof KeySource.PathParam param && !template.parameters().contains(param.name())) {
      throw node.error("path parameter \"" + param.name() + "\" is not in the path " + template.text());
    }
    if (entity instanceof KeySource.BodyPointer && mode == StateConfig.Mode.QUERY) {
      throw node.error("a query (GET) has no body: take the entity from the path or a header");
    }
    return entity;
  }

  private static JsonPointer pointer(YamlNode node, String text) {
    try {
      return JsonPointer.compile(text);
    } catch (IllegalArgumentException e) {
      throw node.error("must be a JSON pointer starting with '/', was \"" + text + "\"");
    }
  }

  private static Map<String, Integer> answers(YamlNode node) {
    Map<String, Integer> answers = new LinkedHashMap<>();
    if (node == null) {
      return answers;
    }
    for (String state : node.asStringMap().keySet()) {
      answers.put(state, node.child(state).asInt(200, 599));
    }
    return answers;
  }

  /**
   * Refuses what only shows across routes: routes of one state topic that read the state in different
   * places (each instance keeps one state per entity), and state routes that also claim idempotency keys.
   */
  static void check(List<RouteConfig> routes) {
    Map<String, RouteConfig> fieldByTopic = new HashMap<>();
    for (RouteConfig route : routes) {
      StateConfig state = route.state();
      if (state == null) {
        continue;
      }
      if (route.idempotency().enabled()) {
        throw new ConfigException("route " + route.name() + " has a state block and idempotency: an event-driven route's retry"
            + " is answered from the entity's state already; turn idempotency off for it");
      }
      RouteConfig first = fieldByTopic.putIfAbsent(state.topic(), route);
      if (first != null && !first.state().field().equals(state.field())) {
        throw new ConfigException("routes " + first.name() + " and " + route.name() + " read the state of topic " + state.topic()
            + " from different places (" + first.state().field().text() + ", " + state.field().text() + "); they must agree");
      }
    }
  }
}
