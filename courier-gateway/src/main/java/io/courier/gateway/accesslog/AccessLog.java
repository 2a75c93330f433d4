package io.courier.gateway.accesslog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.courier.gateway.config.AccessLogConfig;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log: one JSON line per request, with the fields {@code access-log.fields} names. The front end
 * hands each finished request's figures to {@link #record} (never blocks: a bounded queue, and a full queue
 * drops the line and counts it); thread {@code courier-access-log} formats the lines and writes them to the
 * file, or to the SLF4J logger {@code courier.access} at INFO. No body, query string, credential or header
 * value is ever logged, only the trace id taken from {@code traceparent}.
 *
 * <p>Thread-safe.
 */
public final class AccessLog implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(AccessLog.class);
  private static final Logger ACCESS = LoggerFactory.getLogger("courier.access");
  private static final JsonFactory JSON = new JsonFactory();
  static final int QUEUE = 10_000;

  /**
   * One request, as the front end saw it.
   *
   * @param path the route's template, or the raw path when no route matched
   * @param route the route's name, or {@code null}
   * @param status the status sent, or 0 when the caller left first
   * @param correlationId the request's correlation id, or {@code null} when it was never produced
   * @param traceparent the caller's {@code traceparent} value, or {@code null}
   */
  public record Request(
      Instant time, String method, String path, String route, int status, long durationNanos, long bytesIn,
      long bytesOut, String correlationId, String traceparent) {}

  private final AccessLogConfig config;
  private final String instanceId;
  private final BlockingQueue<Request> queue = new ArrayBlockingQueue<>(QUEUE);
  private final AtomicLong dropped = new AtomicLong();
  private final Consumer<String> sink;
  private final BufferedWriter file;
  private final Thread writer;
  private volatile boolean closing;

  public AccessLog(AccessLogConfig config, String instanceId) {
    this(config, instanceId, null);
  }

  /** @param sink where lines go instead of the configured file or logger (tests); {@code null}: as configured */
  AccessLog(AccessLogConfig config, String instanceId, Consumer<String> sink) {
    this.config = config;
    this.instanceId = instanceId;
    if (sink != null) {
      this.file = null;
      this.sink = sink;
    } else if (config.file() == null) {
      this.file = null;
      this.sink = ACCESS::info;
    } else {
      try {
        this.file = Files.newBufferedWriter(config.file(), StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open access-log.file " + config.file(), e);
      }
      this.sink = line -> {
        try {
          file.write(line);
          file.newLine();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      };
    }
    this.writer = new Thread(this::drain, "courier-access-log");
    this.writer.setDaemon(true);
    this.writer.start();
  }

  /** Whether this request is to be logged: on, and picked by the sample. Any thread. */
  public boolean sampled() {
    return config.sample() >= 1.0 || (config.sample() > 0 && ThreadLocalRandom.current().nextDouble() < config.sample());
  }

  /** Queues a request's line; never blocks. Any thread. */
  public void record(Request request) {
    if (!queue.offer(request)) {
      dropped.incrementAndGet();
    }
  }

  /** Lines dropped because the writer fell behind. */
  public long dropped() {
    return dropped.get();
  }

  private void drain() {
    while (!closing || !queue.isEmpty()) {
      try {
        Request next = queue.poll(200, TimeUnit.MILLISECONDS);
        if (next != null) {
          sink.accept(line(next));
        }
        if (file != null && (next == null || queue.isEmpty())) {
          file.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (IOException | RuntimeException e) {
        LOGGER.warn("Access log line not written error={}", e.toString());
      }
    }
  }

  /** The JSON line of a request, with the configured fields in order. */
  String line(Request request) {
    StringWriter out = new StringWriter(256);
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      for (String field : config.fields()) {
        switch (field) {
          case "time" -> json.writeStringField(field, request.time().toString());
          case "instance" -> json.writeStringField(field, instanceId);
          case "method" -> json.writeStringField(field, request.method());
          case "path" -> json.writeStringField(field, request.path());
          case "route" -> json.writeStringField(field, request.route());
          case "status" -> json.writeNumberField(field, request.status());
          case "duration_ms" -> json.writeNumberField(field, request.durationNanos() / 1_000_000.0);
          case "bytes_in" -> json.writeNumberField(field, request.bytesIn());
          case "bytes_out" -> json.writeNumberField(field, request.bytesOut());
          case "correlation_id" -> json.writeStringField(field, request.correlationId());
          case "trace_id" -> json.writeStringField(field, traceId(request.traceparent()));
          default -> throw new IllegalStateException("unknown access log field " + field);
        }
      }
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing to a string", e);
    }
    return out.toString();
  }

  /**
   * The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or {@code null} when
   * there is none or it is not well-formed (then nothing of it is logged).
   */
  static String traceId(String traceparent) {
    if (traceparent == null) {
      return null;
    }
    String value = traceparent.strip();
    if (value.length() < 55 || value.charAt(2) != '-' || value.charAt(35) != '-') {
      return null;
    }
    String id = value.substring(3, 35);
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return null;
      }
    }
    return id.equals("00000000000000000000000000000000") ? null : id;
  }

  /** Writes what is queued (up to 5 s), then closes the file. */
  @Override
  public void close() {
    closing = true;
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (file != null) {
      try {
        file.close();
      } catch (IOException e) {
        LOGGER.warn("Closing access-log.file failed error={}", e.toString());
      }
    }
  }
}
