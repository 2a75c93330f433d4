package io.courier.gateway.http;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpMessage;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.VertxHttpRequestDecoder;

/**
 * Vert.x's HTTP/1.1 request decoder, except that a request with both {@code Content-Length} and a chunked
 * {@code Transfer-Encoding} is marked invalid instead of being read as chunked with the length dropped
 * (Netty's default). RFC 9112 section 6.1 lets a server read it as chunked but requires it to close the
 * connection afterwards: a proxy in front that trusted the length would see one request where the gateway
 * saw two ("request smuggling"). Marked invalid, it reaches the server's invalid-request handler, which
 * answers 400 and closes. One per connection, on its event loop.
 */
final class StrictRequestDecoder extends VertxHttpRequestDecoder {
  /** Why a request was marked invalid here; the invalid-request handler names it to the caller. */
  static final class AmbiguousLengthException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    AmbiguousLengthException() {
      super("Content-Length and Transfer-Encoding together");
    }
  }

  StrictRequestDecoder(HttpServerOptions options) {
    super(options);
  }

  @Override
  protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
    super.handleTransferEncodingChunkedWithContentLength(message);
    message.setDecoderResult(DecoderResult.failure(new AmbiguousLengthException()));
  }
}
