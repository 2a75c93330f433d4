package io.courier.gateway.websocket;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.gateway.error.Problem;
import io.courier.gateway.path.RequestTarget;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.results.ResultDocument;
import io.courier.protocol.HeaderFields;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The WebSocket frame format (docs/protocol.md, "WebSocket"): reads a client's text frame into a {@link
 * FrameRequest} and writes the frame that answers it. No Vert.x here. Stateless and thread-safe.
 *
 * <p>Bodies: a JSON {@code body} that is a string is sent as its UTF-8 text; any other JSON value as JSON;
 * {@code bodyBase64} as the bytes it encodes. An answer's body is a JSON value when its content type is JSON
 * ({@code application/json}, {@code *+json}) and it parses, a string when it is UTF-8 text of any other
 * type, else {@code bodyBase64}.
 */
final class Frames {
  /** RFC 9110 section 5.1: a field name is a token. */
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
  private static final Set<String> MEMBERS = Set.of("id", "method", "path", "headers", "body", "bodyBase64");
  /** The longest id echoed; a longer one is refused, so an answer never costs more than its request. */
  static final int MAX_ID_CHARS = 256;
  /** As HTTP's request line (docs/protocol.md): a longer path gets 414. */
  static final int MAX_PATH_BYTES = 4096;
  private static final String CONTENT_TYPE = "content-type";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON_TYPE = "application/json";
  private static final ObjectMapper JSON = new ObjectMapper();

  static {
    // A member named twice would leave it to chance which one the service gets.
    JSON.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(1000).maxNumberLength(1000).build());
  }

  private Frames() {}

  /**
   * Reads one text frame.
   *
   * @param maxHeaderBytes the most bytes the header names and values may take together ({@code http.max-header-bytes})
   * @throws FrameException when it is not a request: with its id when that could be read
   */
  static FrameRequest read(String text, int maxHeaderBytes) throws FrameException {
    JsonNode frame;
    try {
      frame = JSON.readTree(text);
    } catch (IOException e) {
      throw new FrameException(null, GatewayError.MALFORMED_REQUEST, "the frame is not one JSON object: " + firstLine(e.getMessage()));
    }
    if (frame == null || !frame.isObject()) {
      throw new FrameException(null, GatewayError.MALFORMED_REQUEST, "the frame is not one JSON object");
    }
    JsonNode idNode = frame.get("id");
    if (idNode == null || !idNode.isTextual() || idNode.textValue().isEmpty() || idNode.textValue().length() > MAX_ID_CHARS) {
      throw new FrameException(null, GatewayError.MALFORMED_REQUEST, "the frame needs an \"id\": a string of 1 to " + MAX_ID_CHARS + " characters");
    }
    String id = idNode.textValue();
    for (Iterator<String> names = frame.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!MEMBERS.contains(name)) {
        throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "unknown member \"" + name + "\"; a request frame has " + String.join(", ", MEMBERS.stream().sorted().toList()));
      }
    }
    String method = text(frame, id, "method");
    if (!METHOD.matcher(method).matches()) {
      throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "\"method\" must be an HTTP method in upper case, such as GET or POST");
    }
    String path = text(frame, id, "path");
    // As an HTTP server hands a request line over: one char per byte of the UTF-8 encoding.
    String received = latin1(path);
    if (received.length() > MAX_PATH_BYTES) {
      throw new FrameException(id, GatewayError.URI_TOO_LONG, "\"path\" is longer than " + MAX_PATH_BYTES + " bytes");
    }
    int question = received.indexOf('?');
    RequestTarget target;
    String query;
    try {
      target = RequestTarget.parse(question < 0 ? received : received.substring(0, question));
      query = question < 0 ? null : RequestTarget.utf8(received.substring(question + 1));
    } catch (GatewayException e) {
      throw new FrameException(id, e.error(), e.getMessage());
    }
    Map<String, List<String>> headers = headers(frame.get("headers"), id, maxHeaderBytes);
    byte[] body = body(frame, id, headers);
    return new FrameRequest(id, method, target, query, headers, body);
  }

  private static String text(JsonNode frame, String id, String name) throws FrameException {
    JsonNode node = frame.get(name);
    if (node == null || !node.isTextual() || node.textValue().isEmpty()) {
      throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "the frame needs \"" + name + "\": a non-empty string");
    }
    return node.textValue();
  }

  private static Map<String, List<String>> headers(JsonNode node, String id, int maxHeaderBytes) throws FrameException {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return headers;
    }
    if (!node.isObject()) {
      throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "\"headers\" must be an object of names to a string or a list of strings");
    }
    int bytes = 0;
    for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (!TOKEN.matcher(field.getKey()).matches()) {
        throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "header name \"" + field.getKey() + "\" is not an HTTP field name");
      }
      String name = field.getKey().toLowerCase(Locale.ROOT);
      List<String> values = headers.computeIfAbsent(name, ignored -> new ArrayList<>());
      JsonNode value = field.getValue();
      List<JsonNode> items = new ArrayList<>();
      if (value.isArray()) {
        value.forEach(items::add);
      } else {
        items.add(value);
      }
      for (JsonNode item : items) {
        if (!item.isTextual()) {
          throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "header \"" + name + "\" must be a string or a list of strings");
        }
        String received = latin1(item.textValue());
        for (int i = 0; i < received.length(); i++) {
          char c = received.charAt(i);
          if (c == '\r' || c == '\n' || c == 0) {
            throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "header \"" + name + "\" holds CR, LF or NUL");
          }
        }
        bytes += name.length() + received.length();
        values.add(received);
      }
    }
    if (bytes > maxHeaderBytes) {
      throw new FrameException(id, GatewayError.HEADERS_TOO_LARGE, "the header fields take more than http.max-header-bytes (" + maxHeaderBytes + ")");
    }
    return headers;
  }

  /** The body's bytes; sets the content type a JSON or text body implies when the frame gives none. */
  private static byte[] body(JsonNode frame, String id, Map<String, List<String>> headers) throws FrameException {
    JsonNode body = frame.get("body");
    JsonNode base64 = frame.get("bodyBase64");
    boolean hasBody = body != null && !body.isNull();
    if (hasBody && base64 != null) {
      throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "a frame has \"body\" or \"bodyBase64\", not both");
    }
    if (base64 != null) {
      if (!base64.isTextual()) {
        throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "\"bodyBase64\" must be a string");
      }
      try {
        return Base64.getDecoder().decode(base64.textValue());
      } catch (IllegalArgumentException e) {
        throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "\"bodyBase64\" is not base64 (RFC 4648 section 4)");
      }
    }
    if (!hasBody) {
      return new byte[0];
    }
    if (body.getNodeType() == JsonNodeType.STRING) {
      headers.putIfAbsent(CONTENT_TYPE, List.of(TEXT));
      return body.textValue().getBytes(StandardCharsets.UTF_8);
    }
    headers.putIfAbsent(CONTENT_TYPE, List.of(JSON_TYPE));
    try {
      return JSON.writeValueAsBytes(body);
    } catch (IOException e) {
      throw new FrameException(id, GatewayError.MALFORMED_REQUEST, "\"body\" cannot be written as JSON");
    }
  }

  /** The frame answering request {@code id} ({@code null}: a frame whose id could not be read). */
  static byte[] answer(String id, Outcome outcome, boolean head, Answer extras) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", id);
      if (outcome instanceof Outcome.Replied replied) {
        json.writeNumberField("status", replied.status());
        Map<String, String> headers = headers(replied.headers());
        writeHeaders(json, headers);
        if (!head) {
          writeBody(json, headers.get(CONTENT_TYPE), replied.body());
        }
      } else if (outcome instanceof Outcome.Accepted accepted) {
        json.writeNumberField("status", 202);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CONTENT_TYPE, ResultDocument.CONTENT_TYPE);
        headers.put("location", extras.location(accepted.resultId()));
        headers.put("preference-applied", accepted.preferenceApplied());
        writeHeaders(json, headers);
        writeBody(json, ResultDocument.CONTENT_TYPE, accepted.statusDocument());
      } else {
        Outcome.Failed failed = (Outcome.Failed) outcome;
        json.writeNumberField("status", failed.error().status());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(CONTENT_TYPE, Problem.CONTENT_TYPE);
        if (failed.resultId() != null) {
          headers.put("location", extras.location(failed.resultId()));
        }
        extras.problemHeaders().forEach(headers::putIfAbsent);
        if (failed.error().retryable()) {
          headers.putIfAbsent("retry-after", extras.retryAfterSeconds());
        }
        writeHeaders(json, headers);
        writeBody(json, Problem.CONTENT_TYPE, new Problem(failed.error(), failed.detail(), extras.instance()).toJson());
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    return out.toByteArray();
  }

  /**
   * One item of a streamed reply (docs/protocol.md, "WebSocket"): {@code {"id":..,"seq":n,"item":..}}, the
   * first frame of the stream also with its {@code headers}. An item that is not JSON goes as a string.
   *
   * @param headers the stream's header fields, or {@code null} on every frame but its first
   */
  static byte[] item(String id, long sequence, HeaderFields headers, byte[] item) {
    return frame(id, headers, json -> {
      json.writeNumberField("seq", sequence);
      json.writeFieldName("item");
      JsonNode value = jsonOrNull(item);
      if (value != null) {
        json.writeTree(value);
      } else {
        json.writeString(new String(item, StandardCharsets.UTF_8));
      }
    });
  }

  /**
   * The last frame of a streamed reply: {@code {"id":..,"status":s,"end":{"status":s,"items":n[,"problem":..]}}},
   * with the stream's {@code headers} when no item came before it.
   */
  static byte[] end(String id, HeaderFields headers, io.courier.gateway.exchange.StreamEnd end) {
    return frame(id, headers, json -> {
      json.writeNumberField("status", end.status());
      json.writeFieldName("end");
      json.writeTree(JSON.readTree(end.toJson()));
    });
  }

  private interface Members {
    void write(JsonGenerator json) throws IOException;
  }

  private static byte[] frame(String id, HeaderFields headers, Members members) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    try (JsonGenerator json = JSON.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", id);
      members.write(json);
      if (headers != null) {
        writeHeaders(json, headers(headers));
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    return out.toByteArray();
  }

  private static JsonNode jsonOrNull(byte[] bytes) {
    try {
      JsonNode value = JSON.readTree(bytes);
      return value == null || value.isMissingNode() ? null : value;
    } catch (IOException notJson) {
      return null;
    }
  }

  /**
   * What a problem frame says beyond the error: the same as an HTTP problem response would.
   *
   * @param resultsPath the prefix of result {@code Location}s
   * @param retryAfterSeconds the {@code Retry-After} of retryable errors ({@code http.retry-after})
   * @param problemHeaders fields a step put on a refusal ({@code www-authenticate}, a 429's {@code retry-after})
   * @param instance the request path for the problem's {@code instance}, or {@code null}
   */
  record Answer(String resultsPath, String retryAfterSeconds, Map<String, String> problemHeaders, String instance) {
    String location(String resultId) {
      return resultsPath + "/" + resultId;
    }
  }

  /** The reply's fields by lower-case name; a repeated field's values joined with ", " (RFC 9110 section 5.3). */
  private static Map<String, String> headers(HeaderFields fields) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String value = new String(fields.value(i), StandardCharsets.UTF_8);
      headers.merge(fields.name(i).toLowerCase(Locale.ROOT), value, (first, next) -> first + ", " + next);
    }
    return headers;
  }

  private static void writeHeaders(JsonGenerator json, Map<String, String> headers) throws IOException {
    json.writeObjectFieldStart("headers");
    for (Map.Entry<String, String> header : headers.entrySet()) {
      json.writeStringField(header.getKey(), header.getValue());
    }
    json.writeEndObject();
  }

  private static void writeBody(JsonGenerator json, String contentType, byte[] body) throws IOException {
    if (body.length == 0) {
      return;
    }
    JsonNode value = isJson(contentType) ? jsonOrNull(body) : null;
    if (value != null) {
      json.writeFieldName("body");
      json.writeTree(value);
      return;
    } // labelled JSON but is not: sent as text or bytes below, as it came
    String text = utf8(body);
    if (text != null) {
      json.writeStringField("body", text);
    } else {
      json.writeStringField("bodyBase64", Base64.getEncoder().encodeToString(body));
    }
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals(JSON_TYPE) || type.endsWith("+json");
  }

  /** The bytes as UTF-8 text, or {@code null} when they are not UTF-8. */
  private static String utf8(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String latin1(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int end = message.indexOf('\n');
    return end < 0 ? message : message.substring(0, end);
  }
}
