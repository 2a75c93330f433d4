package io.courier.gateway.http;

import io.courier.gateway.cors.CorsPolicy;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.StreamEnd;
import io.courier.gateway.exchange.StreamSink;
import io.courier.protocol.HeaderFields;
import io.netty.util.AsciiString;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Writes a streamed reply to an HTTP caller as it comes ({@code docs/protocol.md}, "What the caller
 * receives"): chunked NDJSON, one item a line and a last line {@code {"courier-stream-end":{...}}}, or
 * Server-Sent Events (WHATWG HTML section 9.2), one event an item with {@code id:} its sequence and a last
 * event {@code end}. The response's write queue is bounded by the route's {@code stream.buffer-bytes}: an item
 * that finds it full tells the exchange, which ends the stream with {@code slow-reader}; the end is written and
 * the connection closed, so a caller that does not read never makes the gateway hold more.
 *
 * <p>Confined to the request's event loop.
 */
final class HttpStreamSink implements StreamSink {
  /** The two streamed representations, chosen by {@code Accept}. */
  enum Format {
    NDJSON("application/x-ndjson"),
    SSE("text/event-stream");

    final String mediaType;

    Format(String mediaType) {
      this.mediaType = mediaType;
    }

    /**
     * The format the caller asks for: the first of the two media types its {@code Accept} fields name
     * (parameters and case ignored), or {@code null} when it names neither (then it takes the assembled
     * array). A {@code HEAD} request takes the array's head too.
     */
    static Format accepted(HttpMethod method, List<String> accept) {
      if (method == HttpMethod.HEAD) {
        return null;
      }
      for (String field : accept) {
        for (String range : field.split(",")) {
          String type = range.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
          for (Format format : values()) {
            if (format.mediaType.equals(type)) {
              return format;
            }
          }
        }
      }
      return null;
    }
  }

  private static final byte[] NDJSON_END = "{\"courier-stream-end\":".getBytes(StandardCharsets.US_ASCII);

  private final HttpServerRequest request;
  private final Format format;
  private final int bufferBytes;
  private final ResponseWriter writer;
  private final CorsPolicy cors;

  HttpStreamSink(HttpServerRequest request, Format format, int bufferBytes, ResponseWriter writer, CorsPolicy cors) {
    this.request = request;
    this.format = format;
    this.bufferBytes = bufferBytes;
    this.writer = writer;
    this.cors = cors;
  }

  @Override
  public void begin(HeaderFields headers) {
    HttpServerResponse response = request.response();
    if (gone(response)) {
      return;
    }
    if (cors != null) {
      writer.cors(request, cors);
    }
    response.setStatusCode(200).setWriteQueueMaxSize(bufferBytes);
    for (int i = 0; i < headers.size(); i++) {
      response.headers().add(headers.name(i), new AsciiString(headers.value(i), false));
    }
    response.headers().remove(HttpHeaders.CONTENT_LENGTH);
    response.putHeader(HttpHeaders.CONTENT_TYPE, format.mediaType);
    if (format == Format.SSE) {
      response.putHeader(HttpHeaders.CACHE_CONTROL, "no-cache"); // WHATWG: events are not to be cached
    }
    if (request.version() == HttpVersion.HTTP_1_0) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE); // no chunks in 1.0: the close ends the body
    } else {
      response.setChunked(true);
    }
    response.writeHead(); // the caller sees the 200 now, not with the first item's chunk
  }

  @Override
  public boolean item(long sequence, byte[] item) {
    HttpServerResponse response = request.response();
    if (gone(response)) {
      return true; // the caller left: the exchange hears it from the close
    }
    Buffer frame = Buffer.buffer(item.length + 32);
    if (format == Format.NDJSON) {
      frame.appendBytes(item).appendByte((byte) '\n');
    } else {
      frame.appendString("id: " + sequence + "\ndata: ").appendBytes(item).appendString("\n\n");
    }
    response.write(frame);
    return !response.writeQueueFull();
  }

  @Override
  public void end(StreamEnd end) {
    HttpServerResponse response = request.response();
    if (gone(response)) {
      return;
    }
    byte[] json = end.toJson();
    Buffer frame = Buffer.buffer(json.length + 32);
    if (format == Format.NDJSON) {
      frame.appendBytes(NDJSON_END).appendBytes(json).appendString("}\n");
    } else {
      frame.appendString("event: end\nid: " + end.items() + "\ndata: ").appendBytes(json).appendString("\n\n");
    }
    response.end(frame);
    if (end.error() == GatewayError.SLOW_READER) {
      // Holding the connection would hold its unsent bytes; a caller this slow may never see the end line.
      if (request.version() == HttpVersion.HTTP_2) {
        response.reset();
      } else {
        request.connection().close();
      }
    }
  }

  private static boolean gone(HttpServerResponse response) {
    return response.closed() || response.ended();
  }
}
