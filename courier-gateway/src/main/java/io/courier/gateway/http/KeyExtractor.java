package io.courier.gateway.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.vertx.core.MultiMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Step 5 of the pipeline: the record key, from a path parameter, a header or the JSON body. */
final class KeyExtractor {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyExtractor() {}

  /**
   * @return the key bytes, or {@code null} for routes without a key
   * @throws GatewayException (400) when the header or JSON value is missing or the body is not JSON
   */
  static byte[] extract(KeySource source, Map<String, String> pathParams, MultiMap headers, byte[] body) {
    if (source instanceof KeySource.None) {
      return null;
    }
    if (source instanceof KeySource.PathParam param) {
      return utf8(pathParams.get(param.name()));
    }
    if (source instanceof KeySource.Header header) {
      String value = headers.get(header.name());
      if (value == null || value.isEmpty()) {
        throw new GatewayException(GatewayError.MISSING_KEY, "the route takes its key from header " + header.name() + ", which is missing");
      }
      return utf8(value);
    }
    KeySource.BodyPointer pointer = (KeySource.BodyPointer) source;
    JsonNode value;
    try {
      value = JSON.readTree(body).at(pointer.pointer());
    } catch (IOException e) {
      throw new GatewayException(GatewayError.MALFORMED_BODY, "the body is not valid JSON");
    }
    if (value == null || value.isMissingNode() || value.isNull() || value.isContainerNode()) {
      throw new GatewayException(
          GatewayError.MISSING_KEY, "the body has no text or number at " + pointer.pointer() + " for the record key");
    }
    return utf8(value.asText());
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }
}
