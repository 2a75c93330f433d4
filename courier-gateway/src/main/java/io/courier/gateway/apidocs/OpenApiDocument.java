package io.courier.gateway.apidocs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.gateway.config.AuthMethod;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.Idempotency;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StateConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.courier.gateway.path.PathTemplate;
import io.courier.protocol.HeaderNames;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI 3.1 document of a gateway (https://spec.openapis.org/oas/v3.1.0), made from its routes: every
 * path and method, its path parameters, the headers the gateway reads ({@code Prefer}, {@code
 * Idempotency-Key}), the service's reply as the default response, and every problem the gateway itself may
 * answer on that route (docs/protocol.md, "Errors the gateway answers itself"), plus the results and
 * management endpoints. Stateless.
 */
public final class OpenApiDocument {
  private static final ObjectMapper JSON = Documents.JSON;
  private static final String PROBLEM_REF = "#/components/schemas/Problem";
  private static final String STATUS_REF = "#/components/schemas/ResultStatus";
  private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

  private OpenApiDocument() {}

  /** The document, as pretty-printed JSON. */
  public static String json(GatewayConfig config) {
    return Documents.pretty(of(config));
  }

  public static ObjectNode of(GatewayConfig config) {
    ObjectNode document = JSON.createObjectNode();
    document.put("openapi", "3.1.0");
    document.putObject("info")
        .put("title", "Courier gateway")
        .put("version", HeaderNames.PROTOCOL_VERSION)
        .put("description", "HTTP routes to Kafka services. Each route's request is produced to its request topic; the "
            + "service's reply is the response. Errors of the gateway's own are RFC 9457 problems (docs/protocol.md).");
    ObjectNode paths = document.putObject("paths");
    Map<String, List<RouteConfig>> byPath = new TreeMap<>();
    config.routes().forEach(route -> byPath.computeIfAbsent(route.path(), path -> new ArrayList<>()).add(route));
    byPath.forEach((path, routes) -> {
      ObjectNode item = paths.putObject(path);
      routes.forEach(route -> item.set(route.method().toLowerCase(Locale.ROOT), operation(route, config)));
    });
    if (config.results().enabled()) {
      results(paths.putObject(config.results().path() + "/{id}"));
    }
    management(paths);
    ObjectNode components = document.putObject("components");
    components(components);
    securitySchemes(components, config);
    return document;
  }

  private static ObjectNode operation(RouteConfig route, GatewayConfig config) {
    ObjectNode operation = JSON.createObjectNode();
    // operationIds are identifiers for code generators: the route's name with other characters as '_'
    operation.put("operationId", route.name().replaceAll("[^A-Za-z0-9._-]", "_"));
    operation.put("x-courier-route", route.name());
    operation.putArray("tags").add(route.service());
    operation.put("summary", route.method() + " " + route.path() + " → " + route.requestTopic());
    ArrayNode parameters = operation.putArray("parameters");
    for (String name : PathTemplate.parse(route.path()).parameters()) {
      parameters.addObject().put("name", name).put("in", "path").put("required", true).putObject("schema").put("type", "string");
    }
    if (route.key() instanceof KeySource.Header header) {
      parameters.addObject().put("name", header.name()).put("in", "header").put("required", true)
          .put("description", "The record key.").putObject("schema").put("type", "string");
    }
    if (route.idempotency().enabled()) {
      parameters.addObject().put("name", "Idempotency-Key").put("in", "header")
          .put("required", route.idempotency().mode() == Idempotency.Mode.REQUIRED)
          .put("description", "IETF draft-ietf-httpapi-idempotency-key-header: a retry with the same key gets the first "
              + "request's result; 1-255 characters.")
          .putObject("schema").put("type", "string");
    }
    boolean keepsResults = config.results().enabled() && route.state() == null; // a state route answers with its entity's state
    if (keepsResults) {
      parameters.addObject().put("name", "Prefer").put("in", "header").put("required", false)
          .put("description", "RFC 7240: respond-async for 202 and a Location; wait=N to wait up to N seconds first.")
          .putObject("schema").put("type", "string");
    }
    if (WITH_BODY.contains(route.method())) {
      operation.putObject("requestBody").put("required", false).put("description",
              "Produced as the record value, byte for byte; at most " + route.maxBodyBytes() + " bytes.")
          .putObject("content").putObject("*/*").putObject("schema");
    }
    ObjectNode responses = operation.putObject("responses");
    if (route.state() == null) {
      responses.putObject("default").put("description",
          "The service's reply: its status, headers and body, passed through. Timeout " + route.timeout().toMillis() + " ms.");
    }
    if (keepsResults) {
      accepted(responses.putObject("202"));
    }
    problems(responses, errorsOf(route, config));
    if (route.state() != null) {
      stateAnswers(parameters, responses, route); // after the problems: a status both have is described as both
    }
    security(operation, route);
    if (keepsResults) {
      // A 504 points to where a late reply will be kept.
      ((ObjectNode) responses.path("504")).putObject("headers").putObject("Location")
          .put("description", "Where the reply will be kept if it comes late.").putObject("schema").put("type", "string");
    }
    return operation;
  }

  /** An event-driven route's answers (docs/protocol.md, "State topics"): the states it ends on, and a query's parameters. */
  private static void stateAnswers(ArrayNode parameters, ObjectNode responses, RouteConfig route) {
    StateConfig state = route.state();
    if (state.mode() == StateConfig.Mode.QUERY) {
      parameters.addObject().put("name", "state").put("in", "query").put("required", false)
          .put("description", "Wait (up to " + state.maxWait().toSeconds() + " s) until the entity is in this state; repeatable.")
          .putObject("schema").put("type", "string");
      parameters.addObject().put("name", "Prefer").put("in", "header").put("required", false)
          .put("description", "RFC 7240 wait=N: wait up to N seconds (at most " + state.maxWait().toSeconds() + ") for a final state.")
          .putObject("schema").put("type", "string");
      responses.putObject("200").put("description", "The entity's state record from " + state.topic() + ".");
    }
    state.answers().forEach((name, status) -> {
      ObjectNode response = (ObjectNode) responses.get(Integer.toString(status));
      String line = "State " + name + " on " + state.topic() + (status >= 400 ? ": a problem whose detail is the state record." : ": the state record.");
      if (response == null) {
        responses.putObject(Integer.toString(status)).put("description", line);
      } else {
        response.put("description", response.path("description").asText() + " " + line);
      }
    });
  }

  /** The problems the gateway itself may answer on this route. */
  static Set<GatewayError> errorsOf(RouteConfig route, GatewayConfig config) {
    Set<GatewayError> errors = EnumSet.of(
        GatewayError.MALFORMED_REQUEST, GatewayError.REQUEST_TIMEOUT, GatewayError.HEADERS_TOO_LARGE,
        GatewayError.INTERNAL_ERROR, GatewayError.KAFKA_REFUSED, GatewayError.BAD_REPLY, GatewayError.OVERLOADED,
        GatewayError.NOT_READY, GatewayError.KAFKA_UNAVAILABLE, GatewayError.PRODUCE_FAILED, GatewayError.SHUTTING_DOWN,
        GatewayError.TIMEOUT, GatewayError.URI_TOO_LONG);
    if (WITH_BODY.contains(route.method())) {
      errors.add(GatewayError.BODY_TOO_LARGE);
      errors.add(GatewayError.EXPECTATION_FAILED);
    }
    if (route.key() instanceof KeySource.BodyPointer) {
      errors.add(GatewayError.MALFORMED_BODY);
    }
    if (!(route.key() instanceof KeySource.None)) {
      errors.add(GatewayError.MISSING_KEY);
    }
    if (route.responderGroup() != null) {
      errors.add(GatewayError.NO_RESPONDERS);
    }
    if (route.access().protectedRoute()) {
      errors.add(GatewayError.UNAUTHORIZED);
      if (route.access().methods().contains(AuthMethod.JWT)) {
        errors.add(GatewayError.FORBIDDEN);
        errors.add(GatewayError.AUTHENTICATION_UNAVAILABLE);
      }
    }
    if (route.rateLimit() != null) {
      errors.add(GatewayError.RATE_LIMITED);
    }
    if (route.state() != null) {
      errors.add(GatewayError.STATE_TIMEOUT);
      if (route.state().mode() == StateConfig.Mode.QUERY) {
        errors.add(GatewayError.ENTITY_NOT_FOUND);
      }
    }
    if (route.idempotency().enabled()) {
      errors.addAll(List.of(GatewayError.MALFORMED_IDEMPOTENCY_KEY, GatewayError.IDEMPOTENCY_KEY_REUSED,
          GatewayError.CANCELLED, GatewayError.RESULTS_UNAVAILABLE));
      if (route.idempotency().duplicates() == Idempotency.Duplicates.CONFLICT) {
        errors.add(GatewayError.IDEMPOTENCY_IN_PROGRESS);
      }
    }
    return errors;
  }

  private static void problems(ObjectNode responses, Set<GatewayError> errors) {
    Map<Integer, List<GatewayError>> byStatus = new TreeMap<>();
    errors.forEach(error -> byStatus.computeIfAbsent(error.status(), status -> new ArrayList<>()).add(error));
    byStatus.forEach((status, list) -> {
      StringBuilder description = new StringBuilder("A problem of the gateway's own:");
      list.forEach(error -> description.append(' ').append(error.slug()).append(" (").append(error.title()).append(")."));
      ObjectNode response = responses.putObject(Integer.toString(status)).put("description", description.toString());
      if (list.stream().anyMatch(GatewayError::retryable)) {
        response.putObject("headers").putObject("Retry-After").put("description", "Seconds until a retry may succeed.")
            .putObject("schema").put("type", "integer");
      }
      if (list.contains(GatewayError.UNAUTHORIZED)) {
        response.putObject("headers").putObject("WWW-Authenticate")
            .put("description", "One challenge per method the route accepts (RFC 9110 section 11.6.1; Bearer per RFC 6750).")
            .putObject("schema").put("type", "string");
      }
      response.putObject("content").putObject(Problem.CONTENT_TYPE).putObject("schema").put("$ref", PROBLEM_REF);
    });
  }

  private static void accepted(ObjectNode response) {
    response.put("description", "Prefer: respond-async: the command is in Kafka; its result will be at the Location.");
    ObjectNode headers = response.putObject("headers");
    headers.putObject("Location").put("description", "Where the result is: GET it, or DELETE to cancel.")
        .putObject("schema").put("type", "string");
    headers.putObject("Preference-Applied").putObject("schema").put("type", "string");
    response.putObject("content").putObject("application/json").putObject("schema").put("$ref", STATUS_REF);
  }

  private static void results(ObjectNode item) {
    ObjectNode id = JSON.createObjectNode().put("name", "id").put("in", "path").put("required", true);
    id.putObject("schema").put("type", "string");
    ObjectNode get = item.putObject("get").put("operationId", "courier.results.get");
    get.putArray("tags").add("courier");
    get.put("summary", "The result of a command: the service's reply once there is one, else its status.");
    get.putArray("parameters").add(id.deepCopy()).addObject().put("name", "Prefer").put("in", "header")
        .put("description", "wait=N: wait up to N seconds for the reply (RFC 7240).").putObject("schema").put("type", "string");
    ObjectNode getResponses = get.putObject("responses");
    getResponses.putObject("default").put("description", "The service's reply, as a synchronous caller would have had it.");
    getResponses.putObject("200").put("description", "No reply yet: the status document.")
        .putObject("content").putObject("application/json").putObject("schema").put("$ref", STATUS_REF);
    problems(getResponses, EnumSet.of(GatewayError.RESULT_NOT_FOUND, GatewayError.RESULTS_UNAVAILABLE));
    ObjectNode delete = item.putObject("delete").put("operationId", "courier.results.cancel");
    delete.putArray("tags").add("courier");
    delete.put("summary", "Cancels a pending command: a cancel marker to its request's partition.");
    delete.putArray("parameters").add(id);
    ObjectNode deleteResponses = delete.putObject("responses");
    deleteResponses.putObject("202").put("description", "Cancelled: the status document.")
        .putObject("content").putObject("application/json").putObject("schema").put("$ref", STATUS_REF);
    problems(deleteResponses, EnumSet.of(GatewayError.RESULT_NOT_FOUND, GatewayError.NOT_CANCELLABLE, GatewayError.RESULTS_UNAVAILABLE));
  }

  private static void management(ObjectNode paths) {
    Map<String, String> endpoints = new LinkedHashMap<>();
    endpoints.put("/health", "Liveness: 200 unless a consumer keeps crashing (503 unhealthy).");
    endpoints.put("/ready", "Readiness: 200 once the consumers are positioned; 503 not-ready or shutting-down.");
    endpoints.put("/metrics", "Prometheus text format.");
    endpoints.put("/openapi.json", "This document.");
    endpoints.put("/asyncapi.json", "The AsyncAPI 3 document of the routes' topics: the contract of the services.");
    endpoints.put("/status", "The live status page (HTML): routes, reply path, partitions and instances, Kafka.");
    endpoints.put("/status.json", "The status page's numbers (docs/operations.md describes each field).");
    endpoints.forEach((path, summary) -> {
      ObjectNode get = paths.putObject(path).putObject("get").put("operationId", "courier" + path.replace('/', '.'));
      get.putArray("tags").add("courier");
      get.put("summary", summary);
      ObjectNode responses = get.putObject("responses");
      responses.putObject("200").put("description", "OK");
      if (path.equals("/health")) {
        problems(responses, EnumSet.of(GatewayError.UNHEALTHY));
      } else if (path.equals("/ready")) {
        problems(responses, EnumSet.of(GatewayError.NOT_READY, GatewayError.SHUTTING_DOWN));
      }
    });
  }

  /** The route's security requirements: any one of its methods (OpenAPI: one requirement object each). */
  private static void security(ObjectNode operation, RouteConfig route) {
    ArrayNode security = operation.putArray("security");
    if (!route.access().protectedRoute()) {
      security.addObject(); // {}: no credentials needed, stated rather than left to a global default
      return;
    }
    for (AuthMethod method : route.access().methods()) {
      ArrayNode scopes = security.addObject().putArray(scheme(method));
      if (method == AuthMethod.JWT) {
        route.access().scopes().forEach(scopes::add);
      }
    }
  }

  private static String scheme(AuthMethod method) {
    return switch (method) {
      case API_KEY -> "apiKey";
      case JWT -> "bearer";
      case MTLS -> "clientCertificate";
      case NONE -> throw new IllegalArgumentException("none is no scheme");
    };
  }

  /** One scheme per credential the gateway accepts; mutual TLS whenever a route names it. */
  private static void securitySchemes(ObjectNode components, GatewayConfig config) {
    ObjectNode schemes = JSON.createObjectNode();
    if (config.authentication().apiKeys() != null) {
      schemes.putObject("apiKey").put("type", "apiKey").put("in", "header").put("name", config.authentication().apiKeys().header())
          .put("description", "An API key; its name is the caller's identity.");
    }
    if (config.authentication().jwt() != null) {
      schemes.putObject("bearer").put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
          .put("description", "A JWT from " + config.authentication().jwt().issuer() + " for audience "
              + config.authentication().jwt().audience() + "; its sub is the caller's identity.");
    }
    if (config.routes().stream().anyMatch(route -> route.access().methods().contains(AuthMethod.MTLS))) {
      schemes.putObject("clientCertificate").put("type", "mutualTLS")
          .put("description", "A TLS client certificate the listener trusts; its subject is the caller's identity.");
    }
    if (!schemes.isEmpty()) {
      components.set("securitySchemes", schemes);
    }
  }

  private static void components(ObjectNode components) {
    ObjectNode schemas = components.putObject("schemas");
    ObjectNode problem = schemas.putObject("Problem").put("type", "object").put("description", "RFC 9457 problem details");
    problem.putArray("required").add("type").add("title").add("status");
    ObjectNode properties = problem.putObject("properties");
    properties.putObject("type").put("type", "string").put("format", "uri");
    properties.putObject("title").put("type", "string");
    properties.putObject("status").put("type", "integer");
    properties.putObject("detail").put("type", "string");
    properties.putObject("instance").put("type", "string");
    ObjectNode status = schemas.putObject("ResultStatus").put("type", "object")
        .put("description", "The status document of a result without a reply (docs/protocol.md)");
    status.putArray("required").add("id").add("status").add("route").add("created").add("deadline");
    ObjectNode statusProperties = status.putObject("properties");
    statusProperties.putObject("id").put("type", "string");
    statusProperties.putObject("status").put("type", "string").putArray("enum").add("pending").add("timed-out").add("cancelled").add("done");
    statusProperties.putObject("route").put("type", "string");
    statusProperties.putObject("created").put("type", "string").put("format", "date-time");
    statusProperties.putObject("deadline").put("type", "string").put("format", "date-time");
  }
}
