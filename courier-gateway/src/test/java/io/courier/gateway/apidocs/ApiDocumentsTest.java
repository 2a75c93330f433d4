package io.courier.gateway.apidocs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.RouteConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OpenAPI and AsyncAPI documents validate against their published schemas (vendored in {@code
 * src/test/resources/schemas}) and describe every route, for the example configuration and for one with
 * results off and other profiles.
 */
class ApiDocumentsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static GatewayConfig config(String which) throws IOException {
    if (which.equals("example")) {
      return ConfigLoader.load(Path.of("..", "courier.yaml"));
    }
    if (which.equals("secured")) {
      return secured();
    }
    return ConfigLoader.parse("""
        kafka: {bootstrap-servers: "k1:9092,k2:9092", response-topic: gw.replies}
        results: {enabled: false}
        services:
          - name: spring-orders
            request-topic: spring.orders
            profile: spring
            responder-group: spring-orders
            routes:
              - {method: PATCH, path: "/orders/{id}/items/{item}", key: "header:X-Tenant", forward-headers: [x-request-id]}
          - name: zilla
            request-topic: "zilla requests?"
            profile: zilla
            routes:
              - {method: DELETE, path: /things}
        """.replace("zilla requests?", "zilla.requests"));
  }

  /** Routes of every authentication method; mtls needs a listener that asks for certificates, so real files. */
  private static GatewayConfig secured() throws IOException {
    Path dir = java.nio.file.Files.createTempDirectory("courier-apidocs");
    io.courier.gateway.testing.TestCertificates.Authority ca = io.courier.gateway.testing.TestCertificates.authority("Docs CA");
    io.courier.gateway.testing.TestCertificates.PemFiles server = ca.server().writePem(dir, "server");
    return ConfigLoader.parse(SECURED.formatted(server.certificate(), server.key(), ca.writePem(dir.resolve("ca.pem"))));
  }

  private static final String SECURED = """
      http: {tls: {certificate: "%s", key: "%s", client-auth: request, trust: "%s"}}
      kafka: {bootstrap-servers: "k1:9092"}
      authentication:
        api-keys: {header: x-key, keys: [{name: billing, sha256: "SHA"}]}
        jwt: {jwks-file: /etc/courier/jwks.json, issuer: "https://idp.example.com/", audience: courier}
      services:
        - name: orders
          request-topic: orders.requests
          authentication: [jwt, api-key]
          routes:
            - {method: POST, path: /orders}
            - {method: DELETE, path: "/orders/{id}", authentication: jwt, scopes: [orders:admin]}
            - {method: GET, path: "/orders/{id}", authentication: mtls}
            - {method: GET, path: /ping, authentication: none}
      """.replace("SHA", "0".repeat(64));

  private static JsonSchema schema(String file, SpecVersion.VersionFlag version) throws IOException {
    try (InputStream in = ApiDocumentsTest.class.getResourceAsStream("/schemas/" + file)) {
      return JsonSchemaFactory.getInstance(version).getSchema(JSON.readTree(in));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"example", "other", "secured"})
  void theOpenApiDocumentIsValidOpenApi31AndListsEveryRoute(String which) throws IOException {
    GatewayConfig config = config(which);
    JsonNode document = JSON.readTree(OpenApiDocument.json(config));

    Set<ValidationMessage> errors = schema("openapi-3.1.json", SpecVersion.VersionFlag.V202012).validate(document);

    assertThat(errors).isEmpty();
    for (RouteConfig route : config.routes()) {
      JsonNode operation = document.path("paths").path(route.path()).path(route.method().toLowerCase(Locale.ROOT));
      assertThat(operation.path("x-courier-route").asText()).as(route.name()).isEqualTo(route.name());
      assertThat(operation.path("operationId").asText()).matches("[A-Za-z0-9._-]+");
      assertThat(operation.path("responses").path("504").path("headers").has("Location"))
          .isEqualTo(config.results().enabled() && route.state() == null); // a state route keeps no result
      assertThat(operation.path("responses").has("504")).as("the gateway's own timeout is listed").isTrue();
      assertThat(operation.path("responses").path("503").path("headers").has("Retry-After")).isTrue();
    }
    assertThat(document.path("paths").has("/results/{id}")).isEqualTo(config.results().enabled());
  }

  @ParameterizedTest
  @ValueSource(strings = {"example", "other"})
  void theAsyncApiDocumentIsValidAsyncApi3AndHasAnOperationPerRoute(String which) throws IOException {
    GatewayConfig config = config(which);
    JsonNode document = JSON.readTree(AsyncApiDocument.json(config));

    Set<ValidationMessage> errors = schema("asyncapi-3.0.0.json", SpecVersion.VersionFlag.V7).validate(document);

    assertThat(errors).isEmpty();
    List<RouteConfig> producing = config.routes().stream().filter(AsyncApiDocument::produces).toList();
    assertThat(document.path("operations").size()).isEqualTo(producing.size());
    assertThat(producing.size()).as("state queries produce nothing")
        .isEqualTo(config.routes().size() - (which.equals("example") ? 1 : 0));
    assertThat(document.path("channels").path("responseTopic").path("address").asText()).isEqualTo(config.kafka().responseTopic());
    for (RouteConfig route : producing) {
      JsonNode message = document.path("components").path("messages").path(route.name().replaceAll("[^A-Za-z0-9._-]", "_"));
      assertThat(message.path("correlationId").path("location").asText())
          .isEqualTo("$message.header#/" + route.profile().correlationHeader());
      assertThat(message.path("headers").path("required").toString()).contains("courier-deadline");
    }
  }

  @org.junit.jupiter.api.Test
  void eachRouteStatesItsSecurityAndTheDocumentItsSchemes() throws IOException {
    JsonNode document = JSON.readTree(OpenApiDocument.json(secured()));

    JsonNode schemes = document.path("components").path("securitySchemes");
    assertThat(schemes.path("apiKey").path("name").asText()).isEqualTo("x-key");
    assertThat(schemes.path("bearer").path("bearerFormat").asText()).isEqualTo("JWT");
    assertThat(schemes.path("clientCertificate").path("type").asText()).isEqualTo("mutualTLS");
    JsonNode create = document.path("paths").path("/orders").path("post");
    assertThat(create.path("security").toString()).isEqualTo("[{\"bearer\":[]},{\"apiKey\":[]}]");
    assertThat(create.path("responses").has("401")).isTrue();
    JsonNode remove = document.path("paths").path("/orders/{id}").path("delete");
    assertThat(remove.path("security").toString()).isEqualTo("[{\"bearer\":[\"orders:admin\"]}]");
    assertThat(remove.path("responses").has("403")).isTrue();
    JsonNode ping = document.path("paths").path("/ping").path("get");
    assertThat(ping.path("security").toString()).isEqualTo("[{}]");
    assertThat(ping.path("responses").has("401")).isFalse();
    assertThat(JSON.readTree(OpenApiDocument.json(config("other"))).path("components").has("securitySchemes")).isFalse();
  }

  @org.junit.jupiter.api.Test
  void theSchemasCatchABrokenDocument() throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode openApi = OpenApiDocument.of(config("example"));
    openApi.remove("info");
    com.fasterxml.jackson.databind.node.ObjectNode asyncApi = AsyncApiDocument.of(config("example"));
    ((com.fasterxml.jackson.databind.node.ObjectNode) asyncApi.path("operations").elements().next()).put("action", "publish");

    assertThat(schema("openapi-3.1.json", SpecVersion.VersionFlag.V202012).validate(openApi)).isNotEmpty();
    assertThat(schema("asyncapi-3.0.0.json", SpecVersion.VersionFlag.V7).validate(asyncApi)).isNotEmpty();
  }

  @org.junit.jupiter.api.Test
  void anEventDrivenRouteListsTheStatesItAnswersWithAndAQueryItsParameters() throws IOException {
    JsonNode paths = JSON.readTree(OpenApiDocument.json(config("example"))).path("paths");

    JsonNode command = paths.path("/orders/validated").path("post").path("responses");
    assertThat(command.path("201").path("description").asText()).contains("State VALIDATED on orders.state");
    assertThat(command.path("409").path("description").asText()).contains("State FAILED").contains("problem");
    assertThat(command.path("504").path("description").asText()).contains("state-timeout");
    assertThat(command.has("202")).as("never a 202").isFalse();
    assertThat(command.has("default")).as("the service's reply is not the answer").isFalse();
    JsonNode query = paths.path("/orders/{id}/state").path("get");
    assertThat(query.path("parameters").findValuesAsText("name")).contains("state", "Prefer");
    assertThat(query.path("responses").path("404").path("description").asText()).contains("entity-not-found");
  }

  @org.junit.jupiter.api.Test
  void theRoutesErrorsFollowWhatTheRouteCanMeet() throws IOException {
    GatewayConfig example = config("example");
    RouteConfig create = example.routes().stream().filter(route -> route.method().equals("POST")).findFirst().orElseThrow();
    RouteConfig get = example.routes().stream().filter(route -> route.method().equals("GET")).findFirst().orElseThrow();

    assertThat(OpenApiDocument.errorsOf(create, example))
        .contains(io.courier.gateway.error.GatewayError.MALFORMED_BODY, io.courier.gateway.error.GatewayError.BODY_TOO_LARGE,
            io.courier.gateway.error.GatewayError.IDEMPOTENCY_KEY_REUSED);
    assertThat(OpenApiDocument.errorsOf(get, example))
        .doesNotContain(io.courier.gateway.error.GatewayError.BODY_TOO_LARGE, io.courier.gateway.error.GatewayError.MALFORMED_BODY);
  }
}
