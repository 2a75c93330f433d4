package io.courier.gateway.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.courier.gateway.metrics.GatewayMetrics;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.PendingRequest;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import io.courier.protocol.ReplyEnvelope;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which replies are matched, forwarded or dropped, on each of the two topics replies are read from. */
class ReplyDispatcherTest {
  private static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final PendingReplies pending = new PendingReplies("gw-a", Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofMinutes(5), 1000);
  private final GatewayMetrics metrics = new GatewayMetrics(registry, pending::size);
  private final MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
  private final RequestPublisher publisher = new RequestPublisher(producer, java.util.List.of(), 10, Duration.ofSeconds(5), java.time.Clock.systemUTC());
  private final ReplyDispatcher responses =
      ReplyDispatcher.forResponses(pending, metrics, new ReplyForwarder("replies.forwards", "gw-a", publisher, metrics));
  private final ReplyDispatcher forwards = ReplyDispatcher.forForwards(pending, metrics, bytes("gw-a"));
  private final List<Outcome> outcomes = new ArrayList<>();

  @AfterEach
  void closePublisher() {
    publisher.close();
  }

  @Test
  void aReplyForThisInstanceIsMatched() {
    pending.register(new PendingRequest("gw-a.1", "r", NOW.plusSeconds(5), outcomes::add));

    responses.accept(reply("gw-a.1", "ok"));

    assertThat(outcomes).singleElement().isInstanceOf(Outcome.Replied.class);
    assertThat(count("response-topic", "matched")).isEqualTo(1);
  }

  @Test
  void aReplyForAnotherInstanceIsForwardedKeyedByThatInstanceWithItsHeadersAndBody() {
    responses.accept(reply("gw-b.7", "for b"));

    await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
    ProducerRecord<byte[], byte[]> forward = producer.history().get(0);
    assertThat(forward.topic()).isEqualTo("replies.forwards");
    assertThat(new String(forward.key(), StandardCharsets.UTF_8)).isEqualTo("gw-b");
    assertThat(new String(forward.value(), StandardCharsets.UTF_8)).isEqualTo("for b");
    assertThat(forward.headers().lastHeader(HeaderNames.CORRELATION_ID).value()).isEqualTo(bytes("gw-b.7"));
    assertThat(forward.headers().lastHeader(HeaderNames.FORWARDED_BY).value()).isEqualTo(bytes("gw-a"));
    assertThat(count("response-topic", "foreign")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("courier.forwards").tag("result", "sent").counter().count() == 1);
  }

  @Test
  void aForwardReachesOnlyTheInstanceItIsKeyedTo() {
    pending.register(new PendingRequest("gw-a.2", "r", NOW.plusSeconds(5), outcomes::add));

    forwards.accept(forward("gw-c", reply("gw-a.2", "not for me")));
    assertThat(outcomes).isEmpty();

    forwards.accept(forward("gw-a", reply("gw-a.2", "mine")));
    assertThat(outcomes).singleElement().isInstanceOf(Outcome.Replied.class);
    assertThat(count("forward-topic", "matched")).isEqualTo(1);
  }

  @Test
  void aForwardIsNeverForwardedAgain() {
    forwards.accept(forward("gw-a", reply("gw-z.3", "stray")));

    assertThat(producer.history()).isEmpty();
    assertThat(count("forward-topic", "foreign")).isEqualTo(1);
  }

  @Test
  void aForwardArrivingAfterTheDeadlineIsLate() {
    pending.register(new PendingRequest("gw-a.4", "r", NOW.plusSeconds(1), outcomes::add));
    pending.expire("gw-a.4");

    forwards.accept(forward("gw-a", reply("gw-a.4", "too late")));

    assertThat(count("forward-topic", "late")).isEqualTo(1);
    assertThat(outcomes).hasSize(1); // only the timeout
  }

  private double count(String source, String outcome) {
    Counter counter = registry.get("courier.replies").tag("source", source).tag("outcome", outcome).counter();
    return counter.count();
  }

  private static ConsumerRecord<byte[], byte[]> reply(String correlationId, String body) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("replies", 0, 0L, null, bytes(body));
    new ReplyEnvelope(correlationId, 200, Map.of()).toHeaders(Profile.COURIER).forEach(record.headers()::add);
    return record;
  }

  private static ConsumerRecord<byte[], byte[]> forward(String to, ConsumerRecord<byte[], byte[]> reply) {
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("replies.forwards", 0, 0L, bytes(to), reply.value());
    reply.headers().forEach(record.headers()::add);
    return record;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
