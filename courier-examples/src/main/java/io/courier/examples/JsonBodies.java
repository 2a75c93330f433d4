package io.courier.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.responder.Request;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/** Reading request bodies and path parameters, and writing JSON, with errors that name the field. */
public final class JsonBodies {
  private JsonBodies() {}

  /** The body as a JSON object. */
  public static JsonNode object(ObjectMapper mapper, Request request) throws InvalidRequestException {
    JsonNode body;
    try {
      body = mapper.readTree(request.body());
    } catch (IOException e) {
      throw new InvalidRequestException("body is not valid JSON");
    }
    if (body == null || !body.isObject()) {
      throw new InvalidRequestException("body must be a JSON object");
    }
    return body;
  }

  /** {@code parent.field} as non-blank text; {@code path} names the field in the error. */
  public static String requiredText(JsonNode parent, String field, String path) throws InvalidRequestException {
    JsonNode value = parent.get(field);
    if (value == null || !value.isTextual() || value.asText().isBlank()) {
      throw new InvalidRequestException(path + " is required and must be a non-blank string");
    }
    return value.asText();
  }

  /** {@code parent.field} as an integer of at least 1; {@code path} names the field in the error. */
  public static int positiveInt(JsonNode parent, String field, String path) throws InvalidRequestException {
    JsonNode value = parent.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
      throw new InvalidRequestException(path + " must be a positive integer");
    }
    return value.asInt();
  }

  /** A path template parameter, when present and not blank. */
  public static Optional<String> pathParam(Request request, String name) {
    return request.pathParam(name).filter(value -> !value.isBlank());
  }

  /** {@code value} as JSON; the example models always serialise. */
  public static String write(ObjectMapper mapper, Object value) {
    try {
      return mapper.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Stored JSON read back as {@code type}; stored JSON was written by the service, so it always reads. */
  public static <T> T read(ObjectMapper mapper, String json, Class<T> type) {
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("stored JSON is not a " + type.getSimpleName(), e);
    }
  }
}
