package io.courier.cli.verify;

import io.courier.cli.verify.CheckResult.Verdict;
import io.courier.protocol.CancelMarker;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.ProtocolException;
import io.courier.protocol.ReplyEnvelope;
import io.courier.protocol.RequestEnvelope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * The responder conformance kit: sends probe requests to a running service's request topic, in one profile's
 * header convention, and checks its replies against docs/protocol.md. Each check sends its own probe with its
 * own correlation id, so a slow or duplicated reply to one cannot pass another.
 *
 * <p>The checks: {@code correlation-echo} (the correlation id comes back byte for byte, under the profile's
 * header), {@code reply-partition} (the reply lands on the requested topic and partition), {@code
 * status-and-headers} (the status header is a valid HTTP status, in the profile's header, and no hop-by-hop
 * header is sent), {@code expired-not-answered} (a request whose {@code courier-deadline} has passed gets no
 * reply within the wait window), {@code cancel-stops-work} (a request whose cancel marker came first gets no
 * reply) and {@code idempotent-duplicate} (two requests with one {@code idempotency-key} get the same reply).
 * The last three are Courier protocol features: not applicable to the Spring and Zilla profiles.
 *
 * <p>Not thread-safe: one verification at a time. The clients are the caller's, and stay open.
 */
public final class ResponderVerifier {
  static final String CORRELATION_ECHO = "correlation-echo";
  static final String REPLY_PARTITION = "reply-partition";
  static final String STATUS_AND_HEADERS = "status-and-headers";
  static final String EXPIRED_NOT_ANSWERED = "expired-not-answered";
  static final String CANCEL_STOPS_WORK = "cancel-stops-work";
  static final String IDEMPOTENT_DUPLICATE = "idempotent-duplicate";

  /** Hop-by-hop and framing headers a reply must not carry (docs/protocol.md, "Reply headers"). */
  private static final List<String> HOP_BY_HOP = List.of(
      "connection", "keep-alive", "transfer-encoding", "content-length", "te", "trailer", "upgrade",
      "proxy-authenticate", "proxy-authorization");

  private final Producer<String, byte[]> producer;
  private final Consumer<String, byte[]> replies;
  private final String requestTopic;
  private final String replyTopic;
  private final int replyPartitions;
  private final Profile profile;
  private final Probe probe;
  private final Duration wait;
  private final Clock clock;
  private final List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();

  /**
   * @param producer writes the probes (and cancel markers) to {@code requestTopic}
   * @param replies reads {@code replyTopic}; assigned and positioned by this verifier
   * @param replyPartitions how many partitions {@code replyTopic} has
   * @param wait how long a check waits for a reply, or for the absence of one
   */
  public ResponderVerifier(
      Producer<String, byte[]> producer,
      Consumer<String, byte[]> replies,
      String requestTopic,
      String replyTopic,
      int replyPartitions,
      Profile profile,
      Probe probe,
      Duration wait,
      Clock clock) {
    this.producer = producer;
    this.replies = replies;
    this.requestTopic = requestTopic;
    this.replyTopic = replyTopic;
    this.replyPartitions = replyPartitions;
    this.profile = profile;
    this.probe = probe;
    this.wait = wait;
    this.clock = clock;
  }

  /** Runs every check, in order; a check that cannot send its probe fails with the reason. */
  public List<CheckResult> verify() {
    List<TopicPartition> partitions =
        IntStream.range(0, replyPartitions).mapToObj(p -> new TopicPartition(replyTopic, p)).toList();
    replies.assign(partitions);
    replies.seekToEnd(partitions);
    partitions.forEach(replies::position); // positioned now, before any probe is sent
    List<CheckResult> results = new ArrayList<>();
    ConsumerRecord<String, byte[]> answered = echoAndPartition(results);
    results.add(statusAndHeaders(answered));
    results.add(expiredNotAnswered());
    results.add(cancelStopsWork());
    results.add(idempotentDuplicate());
    return results;
  }

  /** Whether none of the results failed. */
  public static boolean conforms(List<CheckResult> results) {
    return results.stream().noneMatch(result -> result.verdict() == Verdict.FAILED);
  }

  private ConsumerRecord<String, byte[]> echoAndPartition(List<CheckResult> results) {
    int partition = replyPartitions - 1; // the last: a responder that ignores the header rarely lands there
    String id = correlationId("echo");
    send(envelope(id, partition, deadline()));
    ConsumerRecord<String, byte[]> reply = awaitReply(id);
    if (reply == null) {
      results.add(CheckResult.failed(CORRELATION_ECHO, "no reply carrying correlation id " + id + " within " + wait.toMillis() + " ms"));
      results.add(CheckResult.failed(REPLY_PARTITION, "no reply to check"));
      return null;
    }
    Header echoed = reply.headers().lastHeader(profile.correlationHeader());
    if (echoed != null && Arrays.equals(echoed.value(), bytes(id))) {
      results.add(CheckResult.passed(CORRELATION_ECHO, profile.correlationHeader() + " = " + id + " (" + bytes(id).length + " bytes)"));
    } else {
      results.add(CheckResult.failed(CORRELATION_ECHO, "sent " + profile.correlationHeader() + " = " + id + ", the reply carries "
          + (echoed == null ? "no " + profile.correlationHeader() + " header (found it under another profile's name)"
              : "\"" + new String(echoed.value(), java.nio.charset.StandardCharsets.UTF_8) + "\"")));
    }
    if (profile.replyPartitionHeader() == null) {
      results.add(CheckResult.notApplicable(REPLY_PARTITION, "the " + profile.name().toLowerCase() + " profile names no reply partition; the reply came on "
          + reply.topic() + "-" + reply.partition()));
    } else if (reply.partition() == partition) {
      results.add(CheckResult.passed(REPLY_PARTITION, "asked for " + replyTopic + "-" + partition + ", got " + reply.topic() + "-" + reply.partition()));
    } else {
      results.add(CheckResult.failed(REPLY_PARTITION, "asked for " + replyTopic + "-" + partition + ", got " + reply.topic() + "-" + reply.partition()));
    }
    return reply;
  }

  private CheckResult statusAndHeaders(ConsumerRecord<String, byte[]> reply) {
    if (reply == null) {
      return CheckResult.failed(STATUS_AND_HEADERS, "no reply to check");
    }
    ReplyEnvelope envelope;
    try {
      envelope = ReplyEnvelope.fromHeaders(reply.headers());
    } catch (ProtocolException e) {
      return CheckResult.failed(STATUS_AND_HEADERS, e.getMessage());
    }
    String statusHeader = profile == Profile.ZILLA ? HeaderNames.ZILLA_STATUS : HeaderNames.STATUS;
    boolean named = reply.headers().lastHeader(statusHeader) != null || reply.headers().lastHeader(HeaderNames.STATUS) != null;
    List<String> hopByHop = HOP_BY_HOP.stream().filter(name -> envelope.headers().first(name).isPresent()).toList();
    String seenHeaders = "status " + envelope.status() + (named ? "" : " (no status header: 200 by default)")
        + ", HTTP headers " + envelope.headers().toMap().keySet();
    if (!hopByHop.isEmpty()) {
      return CheckResult.failed(STATUS_AND_HEADERS, seenHeaders + "; hop-by-hop headers the gateway drops: " + hopByHop);
    }
    return CheckResult.passed(STATUS_AND_HEADERS, seenHeaders);
  }

  private CheckResult expiredNotAnswered() {
    if (profile != Profile.COURIER) {
      return CheckResult.notApplicable(EXPIRED_NOT_ANSWERED, "courier-deadline is advisory in the " + profile.name().toLowerCase() + " convention");
    }
    String id = correlationId("expired");
    send(envelope(id, 0, clock.instant().minusSeconds(1)));
    ConsumerRecord<String, byte[]> reply = awaitReply(id);
    return reply == null
        ? CheckResult.passed(EXPIRED_NOT_ANSWERED, "no reply within " + wait.toMillis() + " ms to a request 1 s past its deadline")
        : CheckResult.failed(EXPIRED_NOT_ANSWERED, "a request 1 s past its deadline was answered (status " + status(reply) + ")");
  }

  private CheckResult cancelStopsWork() {
    if (profile != Profile.COURIER) {
      return CheckResult.notApplicable(CANCEL_STOPS_WORK, "cancel markers are sent to courier-profile services only");
    }
    // The marker before its request, in the same partition: no race with a fast handler.
    String id = correlationId("cancel");
    String key = "courier-verify-" + id;
    sendRecord(new ProducerRecord<>(requestTopic, null, key, null, CancelMarker.headers(id)));
    send(envelope(id, 0, deadline()), key);
    ConsumerRecord<String, byte[]> reply = awaitReply(id);
    return reply == null
        ? CheckResult.passed(CANCEL_STOPS_WORK, "no reply within " + wait.toMillis() + " ms to a request cancelled by a marker")
        : CheckResult.failed(CANCEL_STOPS_WORK, "a cancelled request was answered (status " + status(reply) + ")");
  }

  private CheckResult idempotentDuplicate() {
    if (profile != Profile.COURIER) {
      return CheckResult.notApplicable(IDEMPOTENT_DUPLICATE, "idempotency-key is sent to courier-profile services only");
    }
    String key = "courier-verify-" + UUID.randomUUID();
    String first = correlationId("idem-1");
    String second = correlationId("idem-2");
    HeaderFields headers = HeaderFields.builder().add(HeaderNames.IDEMPOTENCY_KEY, key).build();
    send(envelope(first, 0, deadline()).toBuilder().headers(merge(probe.headers(), headers)).build());
    ConsumerRecord<String, byte[]> one = awaitReply(first);
    send(envelope(second, 0, deadline()).toBuilder().headers(merge(probe.headers(), headers)).build());
    ConsumerRecord<String, byte[]> two = awaitReply(second);
    if (one == null || two == null) {
      return CheckResult.failed(IDEMPOTENT_DUPLICATE, "no reply to the " + (one == null ? "first" : "second") + " request with idempotency-key " + key);
    }
    boolean same = status(one) == status(two) && Arrays.equals(value(one), value(two));
    String evidence = "statuses " + status(one) + " and " + status(two) + ", bodies of " + value(one).length + " and " + value(two).length + " bytes";
    return same
        // Identical replies show no harm, not a guard: a handler that answers every probe alike passes too.
        ? CheckResult.passed(IDEMPOTENT_DUPLICATE, evidence + ", identical (also what a handler without a guard gives"
            + " when its answer does not change between two runs)")
        : CheckResult.failed(IDEMPOTENT_DUPLICATE, evidence + ", different");
  }

  private RequestEnvelope envelope(String correlationId, int replyPartition, Instant deadline) {
    return RequestEnvelope.builder()
        .profile(profile)
        .correlationId(correlationId)
        .replyTopic(replyTopic)
        .replyPartition(replyPartition)
        .deadline(deadline)
        .route("courier-verify")
        .method(probe.method())
        .path(probe.path())
        .pathParams(probe.pathParams())
        .headers(probe.headers())
        .build();
  }

  private Instant deadline() {
    return clock.instant().plus(wait).plusSeconds(5);
  }

  private void send(RequestEnvelope envelope) {
    send(envelope, "courier-verify-" + envelope.correlationId());
  }

  private void send(RequestEnvelope envelope, String key) {
    sendRecord(new ProducerRecord<>(requestTopic, null, key, probe.bodyBytes(), envelope.toHeaders()));
  }

  private void sendRecord(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending a probe", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot write a probe to " + requestTopic + ": " + e.getCause(), e.getCause());
    }
  }

  /** The reply with this correlation id (in any profile's header), or {@code null} after the wait window. */
  private ConsumerRecord<String, byte[]> awaitReply(String correlationId) {
    long end = System.nanoTime() + wait.toNanos();
    do {
      for (ConsumerRecord<String, byte[]> record : seen) {
        if (correlationId.equals(Profile.correlationIdOf(record.headers()))) {
          return record;
        }
      }
      replies.poll(Duration.ofMillis(100)).forEach(seen::add);
    } while (System.nanoTime() < end);
    return null;
  }

  private String correlationId(String check) {
    return "courier-verify." + check + "." + UUID.randomUUID();
  }

  private static HeaderFields merge(HeaderFields first, HeaderFields second) {
    HeaderFields.Builder merged = HeaderFields.builder();
    first.forEach(merged::add);
    second.forEach(merged::add);
    return merged.build();
  }

  private static int status(ConsumerRecord<String, byte[]> reply) {
    try {
      return ReplyEnvelope.fromHeaders(reply.headers()).status();
    } catch (ProtocolException e) {
      return -1;
    }
  }

  private static byte[] value(ConsumerRecord<String, byte[]> reply) {
    return reply.value() == null ? new byte[0] : reply.value();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** The results as a table: check, verdict, evidence. */
  public static String table(List<CheckResult> results) {
    int width = results.stream().mapToInt(result -> result.check().length()).max().orElse(5);
    StringBuilder out = new StringBuilder(String.format("%-" + width + "s  %-7s  %s%n", "check", "verdict", "evidence"));
    for (CheckResult result : results) {
      out.append(String.format("%-" + width + "s  %-7s  %s%n", result.check(), result.verdict().label(), result.evidence()));
    }
    long failed = results.stream().filter(result -> result.verdict() == Verdict.FAILED).count();
    long passed = results.stream().filter(result -> result.verdict() == Verdict.PASSED).count();
    return out.append("checks passed: ").append(passed).append(", failed: ").append(failed)
        .append(", not applicable: ").append(results.size() - passed - failed).append(System.lineSeparator()).toString();
  }
}
