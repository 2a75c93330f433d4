package io.courier.examples;

import io.courier.protocol.Profile;
import io.courier.protocol.RequestEnvelope;
import io.courier.responder.Request;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Requests as the responder hands them to a handler, built without Kafka. */
public final class TestRequests {
  private TestRequests() {}

  public static Request request(String method, String path, Map<String, String> pathParams, String body) {
    RequestEnvelope envelope =
        new RequestEnvelope(
            Profile.COURIER,
            "correlation-1",
            "replies",
            0,
            Instant.MAX,
            null,
            method,
            path,
            null,
            pathParams,
            Map.of("content-type", "application/json"));
    return new Request(envelope, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  public static Request request(String method, String path, Map<String, String> pathParams) {
    return request(method, path, pathParams, null);
  }
}
