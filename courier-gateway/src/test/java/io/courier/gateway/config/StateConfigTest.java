package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A route's {@code state} block: read with its defaults, and every mistake named with its line and key path. */
class StateConfigTest {
  private static final String ROUTES =
      """
      kafka:
        bootstrap-servers: localhost:9092
      services:
        - name: orders
          request-topic: orders.requests
          routes:
            - method: POST
              path: /orders/validated
              state:
                topic: orders.state
                entity: body:/id
                field: value:/state
                answers: {VALIDATED: 201, FAILED: 409}
            - method: GET
              path: /orders/{id}
              state:
                mode: query
                topic: orders.state
                entity: path:id
                field: value:/state
                answers: {VALIDATED: 200, FAILED: 409}
                max-wait: 20s
      """;

  @Test
  void aCommandAndAQueryRouteLoadWithTheirDefaults() {
    GatewayConfig config = ConfigLoader.parse(ROUTES);

    StateConfig command = config.routes().get(0).state();
    assertThat(command.topic()).isEqualTo("orders.state");
    assertThat(command.mode()).isEqualTo(StateConfig.Mode.COMMAND);
    assertThat(command.entity()).isEqualTo(new KeySource.BodyPointer(JsonPointer.compile("/id")));
    assertThat(command.field()).isEqualTo(new StateConfig.StateField(null, JsonPointer.compile("/state")));
    assertThat(command.answers()).containsExactly(Map.entry("VALIDATED", 201), Map.entry("FAILED", 409));
    assertThat(command.body()).isNull();
    assertThat(command.maxEntities()).isEqualTo(StateConfig.DEFAULT_MAX_ENTITIES);
    StateConfig query = config.routes().get(1).state();
    assertThat(query.mode()).isEqualTo(StateConfig.Mode.QUERY);
    assertThat(query.entity()).isEqualTo(new KeySource.PathParam("id"));
    assertThat(query.maxWait()).isEqualTo(Duration.ofSeconds(20));
    assertThat(config.routes()).allSatisfy(route -> assertThat(route.state()).isNotNull());
  }

  @Test
  void aRouteWithoutAStateBlockHasNone() {
    assertThat(ConfigLoader.parse(ConfigLoaderTest.MINIMAL).routes().get(0).state()).isNull();
  }

  @Test
  void anEntityInTheReplyAndAHeaderStateAreRead() {
    StateConfig state = ConfigLoader.parse(ROUTES.replace("entity: body:/id", "entity: reply:/order/id")
        .replaceAll("field: value:/state", "field: header:order-state")).routes().get(0).state();

    assertThat(state.entity()).isNull();
    assertThat(state.entityInReply()).isEqualTo(JsonPointer.compile("/order/id"));
    assertThat(state.field()).isEqualTo(new StateConfig.StateField("order-state", null));
  }

  private static void failsAt(String yaml, int line, String path, String message) {
    assertThatThrownBy(() -> ConfigLoader.parse(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("<config>:" + line + ": " + path + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void mistakesNameTheirLineAndKey() {
    String routes = "services[0].routes[0].state";
    failsAt(ROUTES.replace("topic: orders.state\n          entity: body", "topic: orders state\n          entity: body"),
        10, routes + ".topic", "not a valid Kafka topic name");
    failsAt(ROUTES.replace("entity: body:/id", "entity: query:id"), 11, routes + ".entity", "must be path:<param>, header:<name>");
    failsAt(ROUTES.replace("entity: body:/id", "entity: path:nope"), 11, routes + ".entity", "\"nope\" is not in the path");
    failsAt(ROUTES.replace("entity: path:id", "entity: reply:/id"), 19, "services[0].routes[1].state.entity", "a query produces nothing");
    failsAt(ROUTES.replaceFirst("field: value:/state", "field: state"), 12, routes + ".field", "must be value:<JSON pointer> or header:<name>");
    failsAt(ROUTES.replace("{VALIDATED: 201, FAILED: 409}", "{VALIDATED: 201, FAILED: 99}"), 13, routes + ".answers.FAILED", "between 200 and 599");
    failsAt(ROUTES.replace("          answers: {VALIDATED: 201, FAILED: 409}\n", ""), 10, routes, "'answers' is required in command mode");
    failsAt(ROUTES.replace("mode: query", "mode: poll"), 17, "services[0].routes[1].state.mode", "must be command or query");
    failsAt(ROUTES.replace("method: GET", "method: PUT"), 17, "services[0].routes[1].state.mode", "query answers GET only");
    failsAt(ROUTES.replace("field: value:/state\n          answers: {VALIDATED: 201", "field: value:/state\n          max-wait: 5s\n          answers: {VALIDATED: 201"),
        13, routes + ".max-wait", "only applies with mode: query");
    failsAt(ROUTES.replace("answers: {VALIDATED: 201, FAILED: 409}", "answers: {VALIDATED: 201}\n          timeout: 5s"), 14, routes + ".timeout", "unknown key");
  }

  @Test
  void routesOfOneTopicMustReadTheStateInOnePlace() {
    assertThatThrownBy(() -> ConfigLoader.parse(ROUTES.replace("field: value:/state\n          answers: {VALIDATED: 200", "field: header:s\n          answers: {VALIDATED: 200")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("read the state of topic orders.state from different places");
  }

  @Test
  void aStateTopicCannotBeOneOfTheGatewaysOwnTopics() {
    // The gateway reads its response, forward and results topics for itself; a service's state needs its own.
    for (String[] own : new String[][] {
        {"courier.responses", "response topic (kafka.response-topic)"},
        {"courier.responses.forwards", "forward topic (kafka.replies.forward-topic)"},
        {"courier.responses.results", "results topic (results.topic)"}}) {
      failsAt(ROUTES.replace("topic: orders.state", "topic: " + own[0]), 10, "services[0].routes[0].state.topic",
          "is also the gateway's " + own[1] + "; a state topic must differ from the gateway's response, forward and results topics");
    }
    // The results topic's name is free when results are off.
    assertThat(ConfigLoader.parse(ROUTES.replace("topic: orders.state", "topic: courier.responses.results") + "results: {enabled: false}\n")
        .routes().get(0).state().topic()).isEqualTo("courier.responses.results");
  }

  @Test
  void aStateTopicCannotBeARequestTopic() {
    // Its own service's: the gateway would read the requests it sends as the states of entities.
    failsAt(ROUTES.replace("topic: orders.state\n          entity: body", "topic: orders.requests\n          entity: body"),
        10, "services[0].routes[0].state.topic", "is also the request topic of service orders; a state topic holds the states");
    // Another service's, listed after it.
    String twoServices = ROUTES + """
          - name: basket
            request-topic: basket.requests
            routes:
              - method: GET
                path: /baskets/{id}
        """;
    failsAt(twoServices.replace("topic: orders.state\n          entity: path", "topic: basket.requests\n          entity: path"),
        18, "services[0].routes[1].state.topic", "is also the request topic of service basket");
    // A service of queries only sends nothing to its request topic: naming its state topic there is harmless.
    String onTheStateTopic = ROUTES.replace("request-topic: orders.requests", "request-topic: orders.state");
    String queriesOnly = onTheStateTopic.substring(0, onTheStateTopic.indexOf("- method: POST"))
        + onTheStateTopic.substring(onTheStateTopic.indexOf("- method: GET"));
    assertThat(ConfigLoader.parse(queriesOnly).routes()).singleElement()
        .satisfies(route -> assertThat(route.state().topic()).isEqualTo(route.requestTopic()));
  }

  @Test
  void aStateRouteCannotAlsoClaimIdempotencyKeys() {
    assertThatThrownBy(() -> ConfigLoader.parse(ROUTES.replace("path: /orders/validated", "path: /orders/validated\n        idempotency: optional")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("has a state block and idempotency");
  }
}
