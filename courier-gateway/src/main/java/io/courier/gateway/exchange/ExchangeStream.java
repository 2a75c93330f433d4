package io.courier.gateway.exchange;

import io.courier.gateway.config.StreamConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.Problem;
import io.courier.gateway.metrics.StreamMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.StreamRecord;
import io.courier.protocol.HeaderFields;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The caller's side of one streamed reply: takes the stream's records in order (queued by a consumer thread,
 * drained on the front end's thread, so their order survives the hop whichever thread queued them) and gives
 * them to the front end's {@link StreamSink}, or assembles them into one JSON array for a caller that takes
 * no stream ({@code docs/protocol.md}, "What the caller receives").
 *
 * <p>{@link #queue} is thread-safe; everything else runs on the front end's thread.
 */
final class ExchangeStream {
  private static final String JSON = "application/json";
  private static final byte[] EMPTY = new byte[0];
  private static final ObjectMapper READER =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private final Queue<StreamRecord> queued = new ConcurrentLinkedQueue<>();
  /** Bytes of item values queued and not drained yet: the hand-off to the front end's thread is bounded too. */
  private final AtomicLong queuedBytes = new AtomicLong();
  private final StreamConfig config;
  private final StreamMetrics metrics;
  private final FrontEnd frontEnd;
  private final String instance;
  private boolean begun;
  private StreamSink sink;
  private HeaderFields headers = HeaderFields.EMPTY;
  private ByteArrayOutputStream assembled;
  private long items;
  /** The detail of the gateway's own end, for a caller that takes the assembled answer. */
  private String endDetail;

  /** @param instance the request path, for the {@code instance} of the gateway's problems */
  ExchangeStream(StreamConfig config, StreamMetrics metrics, FrontEnd frontEnd, String instance) {
    this.config = config;
    this.metrics = metrics;
    this.frontEnd = frontEnd;
    this.instance = instance;
  }

  /**
   * A record in sequence order. Any thread; never blocks.
   *
   * @return {@code false}, and the record is not queued, when {@code stream.buffer-bytes} are queued already:
   *     the front end's thread is not keeping up (the caller's buffer is bounded the same way once written)
   */
  boolean queue(StreamRecord record) {
    if (queuedBytes.addAndGet(record.value().length) > config.bufferBytes() && !record.isEnd()) {
      queuedBytes.addAndGet(-record.value().length);
      return false;
    }
    queued.add(record);
    return true;
  }

  /** Whether the stream's first record has been given to the caller's side. */
  boolean begun() {
    return begun;
  }

  boolean hasQueued() {
    return !queued.isEmpty();
  }

  /**
   * Gives the queued records on, beginning the stream with the first.
   *
   * @return the end, when the end marker came, or the caller reads too slowly, or the array grew too large;
   *     {@code null} while the stream goes on
   */
  StreamEnd drain() {
    StreamRecord record;
    while ((record = queued.poll()) != null) {
      queuedBytes.addAndGet(-record.value().length);
      if (!begun) {
        begin(record);
      }
      if (record.isEnd()) {
        return serviceEnd(record);
      }
      StreamEnd refused = item(record);
      if (refused != null) {
        queued.clear();
        queuedBytes.set(0);
        return refused;
      }
    }
    return null;
  }

  private void begin(StreamRecord first) {
    begun = true;
    metrics.started();
    headers = forStream(first.headers());
    sink = frontEnd.streamSink();
    if (sink == null) {
      assembled = new ByteArrayOutputStream();
      assembled.write('[');
    } else {
      sink.begin(headers);
    }
  }

  private StreamEnd item(StreamRecord record) {
    byte[] item = oneLine(record.value());
    if (sink != null) {
      boolean room = sink.item(record.sequence(), item);
      items++;
      metrics.item();
      return room ? null : end(GatewayError.SLOW_READER, "the caller did not read the stream fast enough");
    }
    if (assembled.size() + item.length + 2 > config.maxAssembledBytes()) {
      return end(GatewayError.STREAM_TOO_LARGE,
          "the stream is larger than " + config.maxAssembledBytes() + " bytes; ask with Accept: application/x-ndjson or text/event-stream");
    }
    if (items > 0) {
      assembled.write(',');
    }
    assembled.writeBytes(item);
    items++;
    metrics.item();
    return null;
  }

  private StreamEnd serviceEnd(StreamRecord end) {
    byte[] problem = end.value().length == 0 || end.endStatus() < 400 ? null : asJsonObject(end.value());
    return new StreamEnd(end.endStatus(), items, problem, null);
  }

  /** The end the gateway decides, with {@code error}'s problem. */
  StreamEnd end(GatewayError error, String detail) {
    endDetail = detail;
    return StreamEnd.of(error, detail, items, instance);
  }

  /**
   * Writes the end to the sink, or, for a caller that takes the assembled array, makes the answer: the array
   * with a 2xx end's status, the end's problem with a 4xx/5xx one, the gateway's problem for its own end.
   *
   * @return the answer to give the caller through {@link FrontEnd#answer}, or {@code null} when the sink
   *     has it
   */
  Outcome finish(StreamEnd end) {
    metrics.ended(outcomeTag(end));
    if (sink != null) {
      sink.end(end);
      return null;
    }
    if (end.error() != null) {
      return new Outcome.Failed(end.error(), endDetail);
    }
    if (!end.ok()) {
      HeaderFields.Builder fields = HeaderFields.builder();
      if (end.problem() != null) {
        fields.add("content-type", Problem.CONTENT_TYPE.getBytes(StandardCharsets.US_ASCII));
      }
      return new Outcome.Replied(end.status(), fields.build(), end.problem() == null ? EMPTY : end.problem());
    }
    assembled.write(']');
    HeaderFields.Builder fields = HeaderFields.builder();
    for (int i = 0; i < headers.size(); i++) {
      fields.add(headers.name(i), headers.value(i));
    }
    fields.add("content-type", JSON.getBytes(StandardCharsets.US_ASCII));
    return new Outcome.Replied(end.status(), fields.build(), assembled.toByteArray());
  }

  /** The caller went away mid-stream. */
  void cancelled() {
    metrics.ended("cancelled");
  }

  private static String outcomeTag(StreamEnd end) {
    if (end.error() != null) {
      return end.error().slug();
    }
    return end.ok() ? "completed" : "failed";
  }

  /**
   * The first record's header fields as a stream's response can carry them: those HTTP can carry ({@link
   * HttpReplies#fits}), without hop-by-hop and framing fields (the connection's own) and without
   * {@code content-type} (the representation the caller asked for sets it).
   */
  private static HeaderFields forStream(HeaderFields fields) {
    HeaderFields.Builder kept = HeaderFields.builder();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.name(i);
      if (!name.equals("content-type") && !HttpReplies.NOT_FORWARDED.contains(name) && HttpReplies.fits(name, fields.value(i))) {
        kept.add(name, fields.value(i));
      }
    }
    return kept.build();
  }

  /**
   * The item with each raw CR and LF replaced by a space: in JSON they can only be whitespace between
   * tokens (RFC 8259 section 2; inside strings they must be escaped), so the value keeps its meaning and
   * fits on one NDJSON line or SSE {@code data:} line. Copies only when there is one.
   */
  static byte[] oneLine(byte[] item) {
    byte[] out = item;
    for (int i = 0; i < item.length; i++) {
      if (item[i] == '\n' || item[i] == '\r') {
        if (out == item) {
          out = item.clone();
        }
        out[i] = ' ';
      }
    }
    return out.length == 0 ? "null".getBytes(StandardCharsets.US_ASCII) : out;
  }

  /** The end marker's problem, if it is one JSON object (it goes into the end object as it is); else none. */
  private static byte[] asJsonObject(byte[] problem) {
    try {
      return READER.readTree(problem) instanceof ObjectNode ? oneLine(problem) : null;
    } catch (IOException e) {
      return null; // not JSON: the end object says the status without it
    }
  }
}
