package io.courier.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;

/**
 * Requests whose framing or addressing HTTP/1.1 leaves ambiguous, refused before anything else looks at
 * them (RFC 9112): a server and a proxy in front of it could read such a request differently, which is how
 * requests are smuggled. Stateless.
 */
final class RequestFraming {
  private RequestFraming() {}

  /** Why the request must be refused with 400 and its connection closed, or {@code null}. */
  static String problem(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return null; // HTTP/2 frames its messages itself
    }
    List<String> codings = request.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    if (!codings.isEmpty()) {
      if (request.version() == HttpVersion.HTTP_1_0) {
        return "Transfer-Encoding is not defined for HTTP/1.0";
      }
      String all = String.join(",", codings);
      String last = all.substring(all.lastIndexOf(',') + 1).trim();
      if (!last.equalsIgnoreCase("chunked")) {
        // RFC 9112 section 6.3: without chunked last, the body's length cannot be known
        return "the last Transfer-Encoding must be chunked, was \"" + last + "\"";
      }
      // Content-Length beside a chunked Transfer-Encoding is dropped by Netty's decoder before this sees it;
      // the body is read as chunked, as RFC 9112 section 6.3 allows.
    }
    if (request.version() == HttpVersion.HTTP_1_1) {
      int hosts = request.headers().getAll(HttpHeaders.HOST).size();
      if (hosts != 1) {
        // RFC 9112 section 3.2
        return hosts == 0 ? "an HTTP/1.1 request needs a Host header" : "Host is sent " + hosts + " times";
      }
    }
    return null;
  }
}
