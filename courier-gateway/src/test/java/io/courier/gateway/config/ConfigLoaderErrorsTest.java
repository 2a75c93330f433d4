package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Locale;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every mistake fails start-up with {@code <source>:<line>: <key path>: <what is wrong>}, the line being the
 * one the mistake is on.
 */
class ConfigLoaderErrorsTest {

  /** A valid configuration; tests replace one line of it, or add one after {@code after}. */
  private static final String VALID = ConfigLoaderTest.MINIMAL;

  private static String replace(String line, String with) {
    if (!VALID.contains(line)) {
      throw new IllegalArgumentException(line);
    }
    return VALID.replace(line, with);
  }

  private static String append(String lines) {
    return VALID + lines;
  }

  /** The 1-based line of the first line containing {@code text}. */
  private static int lineOf(String yaml, String text) {
    String[] lines = yaml.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].contains(text)) {
        return i + 1;
      }
    }
    throw new IllegalArgumentException(text + " not in " + yaml);
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> loading(String yaml) {
    return assertThatThrownBy(() -> ConfigLoader.parse(yaml)).isInstanceOf(ConfigException.class);
  }

  /** Asserts the message starts with the source, the line holding {@code marker} and {@code path}. */
  private static AbstractThrowableAssert<?, ? extends Throwable> failsAt(String yaml, String marker, String path) {
    return loading(yaml).hasMessageStartingWith("<config>:" + lineOf(yaml, marker) + ": " + path + ": ");
  }

  @Test
  void validConfigurationLoads() {
    // guards the fixture the other tests break one line at a time
    ConfigLoader.parse(VALID);
  }

  @Test
  void unknownRouteKeyNamesLineAndPath() {
    String yaml = append("        timeot: 5s\n");

    failsAt(yaml, "timeot", "services[0].routes[0].timeot")
        .hasMessageContaining("unknown key")
        .hasMessageContaining("timeout");
  }

  @Test
  void unknownTopLevelKeyIsRejected() {
    String yaml = "servics: []\n" + VALID;

    failsAt(yaml, "servics", "servics").hasMessageContaining("unknown key");
  }

  @Test
  void unknownHttpKeyIsRejected() {
    String yaml = "http:\n  prot: 80\n" + VALID;

    failsAt(yaml, "prot", "http.prot").hasMessageContaining("unknown key").hasMessageContaining("port");
  }

  @Test
  void unknownServiceKeyIsRejected() {
    String yaml = replace("    request-topic: orders.requests", "    request-topic: orders.requests\n    topic: x");

    failsAt(yaml, "topic: x", "services[0].topic").hasMessageContaining("unknown key");
  }

  @Test
  void durationWithUnknownUnitIsRejected() {
    String yaml = append("        timeout: 5x\n");

    failsAt(yaml, "5x", "services[0].routes[0].timeout").hasMessageContaining("must be a duration").hasMessageContaining("\"5x\"");
  }

  @Test
  void timeoutAboveTenMinutesIsRejected() {
    String yaml = append("        timeout: 11m\n");

    failsAt(yaml, "11m", "services[0].routes[0].timeout").hasMessageContaining("between 1ms and 10m");
  }

  @Test
  void zeroTimeoutIsRejected() {
    String yaml = replace("    request-topic: orders.requests", "    request-topic: orders.requests\n    timeout: 0ms");

    failsAt(yaml, "0ms", "services[0].timeout").hasMessageContaining("between");
  }

  @Test
  void unknownMethodIsRejected() {
    String yaml = replace("- method: GET", "- method: FETCH");

    failsAt(yaml, "FETCH", "services[0].routes[0].method").hasMessageContaining("DELETE, GET, PATCH, POST, PUT");
  }

  @Test
  void pathWithoutLeadingSlashIsRejected() {
    String yaml = replace("path: /orders/{id}", "path: orders/{id}");

    failsAt(yaml, "orders/{id}", "services[0].routes[0].path").hasMessageContaining("must start with '/'");
  }

  @Test
  void badPathTemplateIsRejected() {
    String yaml = replace("path: /orders/{id}", "path: /orders/x{id}");

    failsAt(yaml, "x{id}", "services[0].routes[0].path").hasMessageContaining("whole segment");
  }

  @Test
  void reservedPathIsRejected() {
    String yaml = replace("path: /orders/{id}", "path: /health");

    failsAt(yaml, "/health", "services[0].routes[0].path").hasMessageContaining("reserved");
  }

  @Test
  void keyNamingAParameterNotInThePathIsRejected() {
    String yaml = append("        key: path:nope\n");

    failsAt(yaml, "path:nope", "services[0].routes[0].key")
        .hasMessageContaining("\"nope\"")
        .hasMessageContaining("/orders/{id}");
  }

  @Test
  void keyWithUnknownPrefixIsRejected() {
    String yaml = append("        key: query:id\n");

    failsAt(yaml, "query:id", "services[0].routes[0].key").hasMessageContaining("path:<param>, header:<name> or body:");
  }

  @Test
  void keyWithoutPrefixIsRejected() {
    String yaml = append("        key: id\n");

    failsAt(yaml, "key: id", "services[0].routes[0].key");
  }

  @Test
  void bodyKeyThatIsNotAJsonPointerIsRejected() {
    String yaml = append("        key: body:customerId\n");

    failsAt(yaml, "body:customerId", "services[0].routes[0].key").hasMessageContaining("JSON pointer");
  }

  @Test
  void twoRoutesForTheSameMethodAndTemplateAreRejected() {
    // given: the same endpoint, its parameter named differently
    String yaml = append("      - method: GET\n        path: /orders/{orderId}\n");

    // then: the error is on the second path and names the first route
    failsAt(yaml, "path: /orders/{orderId}", "services[0].routes[1].path")
        .hasMessageContaining("answers GET /orders/{}")
        .hasMessageContaining("like route orders.GET /orders/{id}");
  }

  @Test
  void aTrailingSlashDoesNotMakeAnotherRoute() {
    String yaml = append("      - method: GET\n        path: /orders/{id}/\n");

    failsAt(yaml, "path: /orders/{id}/", "services[0].routes[1].path").hasMessageContaining("answers GET /orders/{}");
  }

  @Test
  void twoTemplatesThatMatchOnePathWithNeitherMoreSpecificAreRejected() {
    // /orders/recent/items matches both, each with two literal segments
    String yaml =
        append(
            "      - method: GET\n        path: /orders/{id}/items\n"
                + "      - method: GET\n        path: /orders/recent/{part}\n");

    failsAt(yaml, "path: /orders/recent/{part}", "services[0].routes[2].path")
        .hasMessageContaining("both match GET /orders/recent/items")
        .hasMessageContaining("neither is more specific");
  }

  @Test
  void overlappingTemplatesOfDifferentMethodsOrSpecificityAreFine() {
    ConfigLoader.parse(
        append(
            "      - method: PUT\n        path: /orders/recent\n"
                + "      - method: GET\n        path: /orders/recent\n"
                + "      - method: POST\n        path: /orders/{id}\n"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"connection", "Transfer-Encoding", "content-length", "upgrade", "te", "keep-alive", "expect"})
  void hopByHopHeadersCannotBeForwarded(String header) {
    String yaml = append("        forward-headers: [" + header + "]\n");

    failsAt(yaml, "forward-headers: [" + header, "services[0].routes[0].forward-headers[0]")
        .hasMessageContaining("hop-by-hop or framing header");
  }

  @ParameterizedTest
  @ValueSource(strings = {"authorization", "Cookie", "proxy-authorization"})
  void forwardingCredentialsIsAcceptedWithAWarningThatSaysWhere(String header) {
    String yaml = append("        forward-headers: [" + header + "]\n");

    GatewayConfig config = ConfigLoader.parse(yaml);

    assertThat(config.warnings())
        .singleElement(InstanceOfAssertFactories.STRING)
        .startsWith("<config>:" + lineOf(yaml, "forward-headers: [" + header) + ": services[0].routes[0].forward-headers[0]: ")
        .contains("credentials");
    assertThat(config.routes().get(0).forwardHeaders()).contains(header.toLowerCase(Locale.ROOT));
  }

  @Test
  void listingContentTypeWarnsAndForwardsItOnce() {
    GatewayConfig config = ConfigLoader.parse(append("        forward-headers: [content-type, x-a]\n"));

    assertThat(config.warnings()).singleElement(InstanceOfAssertFactories.STRING).contains("always forwarded");
    assertThat(config.routes().get(0).forwardHeaders()).containsExactly("x-a");
  }

  @Test
  void aTemplateThatAlsoMatchesAManagementPathIsAcceptedWithAWarning() {
    String yaml = append("      - method: GET\n        path: /{anything}\n");

    assertThat(ConfigLoader.parse(yaml).warnings())
        .singleElement(InstanceOfAssertFactories.STRING)
        .contains("services[0].routes[1].path")
        .contains("also matches /asyncapi.json, /health, /metrics, /openapi.json, /ready, /status, /status.json");
  }

  @Test
  void aKeyWrittenTwiceInOneMappingIsRejected() {
    String yaml = append("        timeout: 5s\n        timeout: 50ms\n");

    failsAt(yaml, "timeout: 50ms", "services[0].routes[0].timeout").hasMessageContaining("appears twice");
  }

  @Test
  void aBodyLimitKafkaCannotCarryIsAcceptedWithAWarning() {
    String yaml = append("        max-body-bytes: 2000000\n");

    assertThat(ConfigLoader.parse(yaml).warnings())
        .singleElement(InstanceOfAssertFactories.STRING)
        .contains("max.request.size");
  }

  @Test
  void aMaxRequestSizeThatIsNotANumberIsRejected() {
    String yaml =
        VALID.replace("  bootstrap-servers: localhost:9092\n", "  bootstrap-servers: localhost:9092\n  producer: {max.request.size: big}\n");

    loading(yaml).hasMessageContaining("kafka.producer.max.request.size").hasMessageContaining("whole number");
  }

  @Test
  void twoRoutesWithTheSameNameAreRejected() {
    String yaml =
        append(
            """
                  - method: POST
                    path: /orders
                    name: orders.GET /orders/{id}
            """);

    failsAt(yaml, "name: orders.GET /orders/{id}", "services[0].routes[1].name")
        .hasMessageContaining("two routes are named \"orders.GET /orders/{id}\"");
  }

  @Test
  void duplicateServiceNameIsRejected() {
    String yaml =
        append(
            """
              - name: orders
                request-topic: other.requests
                routes:
                  - method: POST
                    path: /other
            """);

    loading(yaml)
        .hasMessageStartingWith("<config>:9: services[1].name: ")
        .hasMessageContaining("duplicate service name \"orders\"");
  }

  @Test
  void acksOtherThanAllIsRejected() {
    String yaml = replace("  bootstrap-servers: localhost:9092", "  bootstrap-servers: localhost:9092\n  producer:\n    acks: 1");

    failsAt(yaml, "acks: 1", "kafka.producer.acks").hasMessageContaining("must be all");
  }

  @Test
  void acksOtherThanAllInSharedClientSettingsIsRejected() {
    String yaml = replace("  bootstrap-servers: localhost:9092", "  bootstrap-servers: localhost:9092\n  client:\n    acks: 0");

    failsAt(yaml, "acks: 0", "kafka.client.acks").hasMessageContaining("must be all");
  }

  @Test
  void aMaxBlockThatIsNotAWholeNumberOfMillisecondsIsRejected() {
    // Kafka never sees it (the producer runs with 0; the lanes wait this long), so Courier checks it as Kafka would
    String yaml = replace("  bootstrap-servers: localhost:9092", "  bootstrap-servers: localhost:9092\n  producer:\n    max.block.ms: 5s");
    failsAt(yaml, "max.block.ms", "kafka.producer.max.block.ms").hasMessageContaining("must be a whole number of milliseconds, was 5s");

    String negative = replace("  bootstrap-servers: localhost:9092", "  bootstrap-servers: localhost:9092\n  client:\n    max.block.ms: -1");
    failsAt(negative, "max.block.ms", "kafka.client.max.block.ms").hasMessageContaining("must be 0 or more, was -1");
  }

  @Test
  void idempotenceSwitchedOffIsRejected() {
    String yaml =
        replace(
            "  bootstrap-servers: localhost:9092",
            "  bootstrap-servers: localhost:9092\n  producer:\n    enable.idempotence: false");

    failsAt(yaml, "enable.idempotence", "kafka.producer.enable.idempotence").hasMessageContaining("must be true");
  }

  @Test
  void badRequestTopicNameIsRejected() {
    String yaml = replace("request-topic: orders.requests", "request-topic: orders/requests");

    failsAt(yaml, "orders/requests", "services[0].request-topic").hasMessageContaining("not a valid Kafka topic name");
  }

  @Test
  void badResponseTopicNameIsRejected() {
    String yaml = replace("  bootstrap-servers: localhost:9092", "  bootstrap-servers: localhost:9092\n  response-topic: a b");

    failsAt(yaml, "a b", "kafka.response-topic").hasMessageContaining("not a valid Kafka topic name");
  }

  @Test
  void unknownProfileIsRejected() {
    String yaml = replace("request-topic: orders.requests", "request-topic: orders.requests\n    profile: grpc");

    failsAt(yaml, "grpc", "services[0].profile").hasMessageContaining("courier, spring or zilla");
  }

  @Test
  void badForwardedHeaderNameIsRejected() {
    String yaml = append("        forward-headers: [x-ok, \"bad header\"]\n");

    failsAt(yaml, "bad header", "services[0].routes[0].forward-headers[1]").hasMessageContaining("not an HTTP header name");
  }

  @Test
  void forwardingAProtocolHeaderIsRejectedSoCallersCannotRedirectReplies() {
    String yaml = append("        forward-headers: [courier-reply-topic]\n");

    failsAt(yaml, "courier-reply-topic", "services[0].routes[0].forward-headers[0]").hasMessageContaining("protocol header");
  }

  @Test
  void portOutOfRangeIsRejected() {
    String yaml = "http:\n  port: 70000\n" + VALID;

    failsAt(yaml, "70000", "http.port").hasMessageContaining("between 0 and 65535");
  }

  @Test
  void portThatIsNotANumberIsRejected() {
    String yaml = "http:\n  port: eighty\n" + VALID;

    failsAt(yaml, "eighty", "http.port").hasMessageContaining("whole number");
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes", "1", "epoll"})
  void nativeTransportThatIsNotTrueOrFalseIsRejected(String value) {
    String yaml = "http:\n  native-transport: " + value + "\n" + VALID;

    failsAt(yaml, "native-transport", "http.native-transport").hasMessageContaining("must be true or false");
  }

  @Test
  void badInstanceIdIsRejected() {
    String yaml = "instance-id: gw.1\n" + VALID;

    failsAt(yaml, "gw.1", "instance-id").hasMessageContaining("\"gw.1\"");
  }

  @Test
  void listWhereAValueBelongsIsRejected() {
    String yaml = replace("- method: GET", "- method: [GET, POST]");

    failsAt(yaml, "[GET, POST]", "services[0].routes[0].method").hasMessageContaining("single value");
  }

  @Test
  void invalidYamlReportsItsLine() {
    String yaml = "kafka:\n  bootstrap-servers: [localhost:9092\nservices: []\n";

    loading(yaml).hasMessageMatching("<config>:\\d+: not valid YAML: .*");
  }

  @Test
  void badIndentationReportsTheLineOfTheMistake() {
    String yaml = "kafka:\n  bootstrap-servers: localhost:9092\n response-topic: x\n";

    loading(yaml).hasMessageStartingWith("<config>:3: not valid YAML");
  }

  @Test
  void emptyFileIsRejected() {
    loading("").hasMessage("<config>: the file is empty");
  }

  @Test
  void fileOfOnlyCommentsIsEmpty() {
    loading("# nothing yet\n").hasMessage("<config>: the file is empty");
  }

  @Test
  void missingBootstrapServersIsRejected() {
    String yaml = replace("  bootstrap-servers: localhost:9092", "  response-topic: replies");

    failsAt(yaml, "response-topic", "kafka").hasMessageContaining("'bootstrap-servers' is required");
  }

  @Test
  void missingKafkaSectionIsRejected() {
    String yaml = VALID.substring(VALID.indexOf("services:"));

    loading(yaml).hasMessage("<config>:1: 'kafka' is required");
  }

  @Test
  void serviceWithoutRoutesIsRejected() {
    String yaml = VALID.substring(0, VALID.indexOf("    routes:"));

    failsAt(yaml, "- name: orders", "services[0]").hasMessageContaining("'routes' is required");
  }

  @Test
  void noServicesAtAllIsRejected() {
    String yaml = "kafka:\n  bootstrap-servers: localhost:9092\nservices: []\n";

    failsAt(yaml, "services", "services").hasMessageContaining("at least one service");
  }
}
