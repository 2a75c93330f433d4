package io.courier.gateway.error;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An RFC 9457 {@code application/problem+json} body for a {@link GatewayError}.
 *
 * @param error what went wrong, which fixes type, title and status
 * @param detail what went wrong this time, for the caller; never secrets or payloads
 * @param instance the request path, or {@code null} when it cannot be read (then left out)
 */
public record Problem(GatewayError error, String detail, String instance) {
  public static final String CONTENT_TYPE = "application/problem+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  @JsonInclude(JsonInclude.Include.NON_NULL)
  private record Body(String type, String title, int status, String detail, String instance) {}

  public byte[] toJson() {
    try {
      return JSON.writeValueAsBytes(new Body(error.type(), error.title(), error.status(), detail, instance));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a problem record always serialises", e);
    }
  }
}
