package io.courier.gateway.apidocs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.RouteConfig;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AsyncAPI 3.0 document of a gateway's topics (https://www.asyncapi.com/docs/reference/specification/v3.0.0):
 * the contract a service author needs. One channel per request topic with a message per route (the request
 * record's headers, the body as payload), one channel for the response topic with the reply, and an operation
 * per route whose reply goes to the response topic, with the correlation id's location. The header names and
 * what they mean are docs/protocol.md's. Stateless.
 */
public final class AsyncApiDocument {
  private static final ObjectMapper JSON = Documents.JSON;
  private static final String RESPONSES = "responseTopic";

  private AsyncApiDocument() {}

  /** The document, as pretty-printed JSON. */
  public static String json(GatewayConfig config) {
    return Documents.pretty(of(config));
  }

  public static ObjectNode of(GatewayConfig config) {
    ObjectNode document = JSON.createObjectNode();
    document.put("asyncapi", "3.0.0");
    document.putObject("info")
        .put("title", "Courier gateway: the services' contract")
        .put("version", HeaderNames.PROTOCOL_VERSION)
        .put("description", "What each service reads from its request topic and writes to the response topic "
            + "(Courier protocol " + HeaderNames.PROTOCOL_VERSION + ", docs/protocol.md).");
    document.putObject("servers").putObject("kafka")
        .put("host", config.kafka().bootstrapServers().split(",")[0].trim())
        .put("protocol", "kafka");
    ObjectNode channels = document.putObject("channels");
    ObjectNode operations = document.putObject("operations");
    ObjectNode messages = document.putObject("components").putObject("messages");

    ObjectNode responses = channels.putObject(RESPONSES)
        .put("address", config.kafka().responseTopic())
        .put("description", "The gateway's response topic: every service replies here, to the partition the request names.");
    responses.putObject("messages").putObject("reply").put("$ref", "#/components/messages/reply");
    messages.set("reply", reply());

    Map<String, List<RouteConfig>> byTopic = new LinkedHashMap<>();
    // A state query (ADR 0004) produces nothing: it is no part of the services' contract.
    config.routes().stream().filter(AsyncApiDocument::produces)
        .forEach(route -> byTopic.computeIfAbsent(route.requestTopic(), topic -> new java.util.ArrayList<>()).add(route));
    byTopic.forEach((topic, routes) -> {
      String channelId = channelId(topic);
      ObjectNode channel = channels.putObject(channelId).put("address", topic)
          .put("description", "Requests of service " + routes.get(0).service() + "; cancel markers (protocol 2) for courier-profile services.");
      ObjectNode channelMessages = channel.putObject("messages");
      if (routes.get(0).profile() == Profile.COURIER) {
        String markerId = "cancelMarker." + channelId.substring("requests.".length());
        channelMessages.putObject("cancelMarker").put("$ref", "#/components/messages/" + markerId);
        messages.set(markerId, cancelMarker());
      }
      for (RouteConfig route : routes) {
        String messageId = messageId(route);
        channelMessages.putObject(messageId).put("$ref", "#/components/messages/" + messageId);
        messages.set(messageId, request(route));
        ObjectNode operation = operations.putObject(messageId).put("action", "receive")
            .put("summary", "The service answers " + route.method() + " " + route.path() + " (route " + route.name() + ")");
        operation.putObject("channel").put("$ref", "#/channels/" + channelId);
        operation.putArray("messages").addObject().put("$ref", "#/channels/" + channelId + "/messages/" + messageId);
        ObjectNode reply = operation.putObject("reply");
        reply.putObject("address").put("location", "$message.header#/" + route.profile().replyTopicHeader())
            .put("description", "The reply topic the request names (the response topic).");
        reply.putObject("channel").put("$ref", "#/channels/" + RESPONSES);
        reply.putArray("messages").addObject().put("$ref", "#/channels/" + RESPONSES + "/messages/reply");
      }
    });
    return document;
  }

  /** Whether the route produces a request record: every route but a state query. */
  static boolean produces(RouteConfig route) {
    return route.state() == null || route.state().mode() != io.courier.gateway.config.StateConfig.Mode.QUERY;
  }

  private static ObjectNode request(RouteConfig route) {
    Profile profile = route.profile();
    ObjectNode message = JSON.createObjectNode();
    message.put("name", route.name()).put("title", route.method() + " " + route.path())
        .put("summary", "The HTTP request as a record: the body is the value; key " + key(route) + ".")
        .put("contentType", "application/octet-stream");
    message.putObject("correlationId").put("location", "$message.header#/" + profile.correlationHeader())
        .put("description", "Echo it, byte for byte, in the reply.");
    ObjectNode headers = message.putObject("headers").put("type", "object");
    ArrayNode required = headers.putArray("required");
    ObjectNode properties = headers.putObject("properties");
    header(properties, required, HeaderNames.PROTOCOL, "Protocol version of the record.", true);
    header(properties, required, profile.correlationHeader(), "The correlation id the reply must echo.", true);
    header(properties, required, profile.replyTopicHeader(), "Where the reply goes.", true);
    if (profile.replyPartitionHeader() != null) {
      header(properties, required, profile.replyPartitionHeader(), "The partition the reply goes to.", false);
    }
    header(properties, required, HeaderNames.DEADLINE, "Epoch millis when the caller stops waiting: skip the work after it.", true);
    header(properties, required, HeaderNames.ROUTE, "The route: " + route.name() + ".", true);
    header(properties, required, HeaderNames.METHOD, "The HTTP method: " + route.method() + ".", true);
    header(properties, required, HeaderNames.PATH, "The HTTP path as received.", true);
    header(properties, required, HeaderNames.QUERY, "The raw query, when there is one.", false);
    for (String name : io.courier.gateway.path.PathTemplate.parse(route.path()).parameters()) {
      header(properties, required, HeaderNames.PATH_PARAM_PREFIX + name, "The path parameter " + name + ".", true);
    }
    header(properties, required, HeaderNames.CONTENT_TYPE, "The request's Content-Type.", false);
    for (String name : route.forwardHeaders()) {
      header(properties, required, name, "Forwarded HTTP header, every value as sent.", false);
    }
    if (route.idempotency().enabled()) {
      header(properties, required, HeaderNames.IDEMPOTENCY_KEY, "The caller's Idempotency-Key: run the command once per route and key.", false);
    }
    message.putObject("payload").put("description", "The HTTP request body, byte for byte (empty when none).");
    return message;
  }

  private static ObjectNode cancelMarker() {
    ObjectNode message = JSON.createObjectNode();
    message.put("name", "cancelMarker").put("title", "A cancel marker (protocol 2)")
        .put("summary", "The caller gave up on the request courier-cancel names: stop it and produce no reply. "
            + "No key, no value, no correlation header: never answer it.");
    ObjectNode headers = message.putObject("headers").put("type", "object");
    ArrayNode required = headers.putArray("required");
    ObjectNode properties = headers.putObject("properties");
    header(properties, required, HeaderNames.PROTOCOL, "2", true);
    header(properties, required, HeaderNames.CANCEL, "The correlation id of the cancelled request.", true);
    return message;
  }

  private static ObjectNode reply() {
    ObjectNode message = JSON.createObjectNode();
    message.put("name", "reply").put("title", "A service's reply")
        .put("summary", "The HTTP response as a record: the value is the body.")
        .put("contentType", "application/octet-stream");
    message.putObject("correlationId").put("location", "$message.header#/" + HeaderNames.CORRELATION_ID)
        .put("description", "The request's correlation id, under the request's profile's header name "
            + "(" + HeaderNames.SPRING_CORRELATION_ID + ", " + HeaderNames.ZILLA_CORRELATION_ID + " for the other profiles).");
    ObjectNode headers = message.putObject("headers").put("type", "object");
    ArrayNode required = headers.putArray("required");
    ObjectNode properties = headers.putObject("properties");
    header(properties, required, HeaderNames.CORRELATION_ID, "The request's correlation id, byte for byte.", true);
    header(properties, required, HeaderNames.STATUS, "The HTTP status, 100-599 (200 when absent).", false);
    headers.putObject("additionalProperties").put("type", "string")
        .put("description", "Every other non-protocol header is an HTTP response header.");
    message.putObject("payload").put("description", "The HTTP response body.");
    return message;
  }

  private static void header(ObjectNode properties, ArrayNode required, String name, String description, boolean mandatory) {
    properties.putObject(name).put("type", "string").put("description", description);
    if (mandatory) {
      required.add(name);
    }
  }

  private static String key(RouteConfig route) {
    return route.key().text();
  }

  /** AsyncAPI ids are map keys; topic and route names may hold characters keys allow: keep letters, digits, . _ -. */
  private static String channelId(String topic) {
    return "requests." + topic.replaceAll("[^A-Za-z0-9._-]", "_");
  }

  private static String messageId(RouteConfig route) {
    return route.name().replaceAll("[^A-Za-z0-9._-]", "_");
  }
}
