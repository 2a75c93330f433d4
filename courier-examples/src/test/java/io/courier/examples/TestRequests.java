package io.courier.examples;

import io.courier.protocol.HeaderFields;
import io.courier.testing.TestEnvelopes;
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
        TestEnvelopes.request()
            .route(null)
            .method(method)
            .path(path)
            .pathParams(pathParams)
            .headers(HeaderFields.of("content-type", "application/json"))
            .build();
    return new Request(envelope, null, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
  }

  public static Request request(String method, String path, Map<String, String> pathParams) {
    return request(method, path, pathParams, null);
  }
}
