package io.courier.gateway.exchange;

import io.courier.gateway.config.KeySource;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Step 5 of the pipeline: the record key, from a path parameter (its decoded UTF-8 text), a header (the
 * bytes the caller sent) or the JSON body ({@link JsonKey}). Where the request could name two keys (a header
 * sent twice), it is refused rather than one picked that the service might not pick. Stateless.
 */
final class KeyExtractor {
  private KeyExtractor() {}

  /**
   * @return the key bytes, or {@code null} for routes without a key
   * @throws GatewayException (400) when the value is missing, repeated, or the body is not JSON
   */
  static byte[] extract(KeySource source, Map<String, String> pathParams, CallerRequest request, byte[] body) {
    if (source instanceof KeySource.None) {
      return null;
    }
    if (source instanceof KeySource.PathParam param) {
      return pathParams.get(param.name()).getBytes(StandardCharsets.UTF_8);
    }
    if (source instanceof KeySource.Header header) {
      List<String> values = request.headerValues(header.name());
      if (values.size() > 1) {
        throw new GatewayException(
            GatewayError.MALFORMED_REQUEST,
            "the route takes its record key from header " + header.name() + ", which the request sends " + values.size() + " times");
      }
      if (values.isEmpty() || values.get(0).isEmpty()) {
        throw new GatewayException(
            GatewayError.MISSING_KEY, "the route takes its record key from header " + header.name() + ", which is missing");
      }
      return values.get(0).getBytes(StandardCharsets.ISO_8859_1); // the bytes as sent
    }
    KeySource.BodyPointer pointer = (KeySource.BodyPointer) source;
    return JsonKey.find(pointer.pointer(), body).getBytes(StandardCharsets.UTF_8);
  }
}
