package io.courier.cli.verify;

import io.courier.protocol.HeaderFields;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * The request the conformance kit sends: one the service under test can handle (a route it serves), as the
 * gateway would write it. Immutable.
 *
 * @param method the HTTP method, e.g. {@code GET}
 * @param path the path, e.g. {@code /customers/c-1001}
 * @param body the request body, UTF-8; empty for none
 * @param headers forwarded HTTP header fields, e.g. {@code content-type}
 * @param pathParams the route's path parameters, as the gateway sends them ({@code id} of {@code /orders/{id}})
 */
public record Probe(String method, String path, String body, HeaderFields headers, Map<String, String> pathParams) {

  /** A probe without path parameters. */
  public Probe(String method, String path, String body, HeaderFields headers) {
    this(method, path, body, headers, Map.of());
  }

  public Probe {
    Objects.requireNonNull(method, "method");
    if (path == null || !path.startsWith("/")) {
      throw new IllegalArgumentException("the probe's path must start with /: " + path);
    }
    body = body == null ? "" : body;
    headers = headers == null ? HeaderFields.EMPTY : headers;
    pathParams = pathParams == null ? Map.of() : Map.copyOf(pathParams);
  }

  byte[] bodyBytes() {
    return body.getBytes(StandardCharsets.UTF_8);
  }
}
