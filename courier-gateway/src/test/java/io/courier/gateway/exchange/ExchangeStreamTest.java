package io.courier.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.auth.Authentication;
import io.courier.gateway.config.Idempotency;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.config.StreamConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.exchange.ExchangeHarness.Caller;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.gateway.pending.StreamRecord;
import io.courier.gateway.routing.RouteMatch;
import io.courier.protocol.HeaderFields;
import io.courier.protocol.HeaderNames;
import io.courier.protocol.Profile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A streaming route's exchange with a fake clock (docs/protocol.md, "Streamed replies"): records reach the
 * front end's sink in order; the first record ends the first-record wait; the idle and overall limits, a gap, a
 * slow reader and a caller that leaves end the stream as documented, send the cancel marker and free the slot.
 */
class ExchangeStreamTest {
  private static final StreamConfig LIMITS = new StreamConfig(Duration.ofSeconds(2), Duration.ofSeconds(60), 64, 1024);
  private static final RouteConfig ROUTE =
      new RouteConfig("svc.GET /feed", "svc", "svc.requests", Profile.COURIER, "GET", "/feed", KeySource.NONE,
          ExchangeHarness.TIMEOUT, 10, 1024, List.of(), null, Idempotency.OFF, null, null, null, null, LIMITS);

  private final ExchangeHarness harness = new ExchangeHarness(ROUTE);
  private final Caller caller = harness.caller("GET", "/feed");
  private final Sink sink = new Sink();

  @Test
  void recordsReachTheSinkInOrderAndTheEndFreesTheSlot() {
    Exchange exchange = send(sink);

    offer(exchange, item(1));
    offer(exchange, item(0));
    offer(exchange, item(2));
    offer(exchange, end(3, 200));

    assertThat(sink.events).containsExactly("begin", "0 {\"n\":0}", "1 {\"n\":1}", "2 {\"n\":2}", "end 200 3");
    assertThat(harness.slotsHeld()).isZero();
    assertThat(harness.pending.size()).isZero();
    assertThat(cancelMarkers()).as("the service ended it: no marker").isZero();
    assertThat(harness.counter("courier.stream.ended", "outcome", "completed")).isEqualTo(1);
    assertThat(harness.counter("courier.stream.items")).isEqualTo(3);
  }

  @Test
  void theFirstRecordEndsTheRouteTimeoutThenTheIdleLimitEndsAQuietStream() {
    Exchange exchange = send(sink);
    harness.clock.advance(Duration.ofSeconds(4)); // within the route's 5 s timeout
    offer(exchange, item(0));
    harness.clock.advance(Duration.ofMillis(1_500));
    offer(exchange, item(1));

    harness.clock.advance(Duration.ofMillis(1_500)); // past the route timeout, within the idle limit
    assertThat(sink.events).containsExactly("begin", "0 {\"n\":0}", "1 {\"n\":1}");
    harness.clock.advance(Duration.ofMillis(500)); // 2 s without a record

    assertThat(sink.ends).singleElement().satisfies(end -> {
      assertThat(end.error()).isEqualTo(GatewayError.STREAM_IDLE_TIMEOUT);
      assertThat(end.items()).isEqualTo(2);
      assertThat(new String(end.toJson(), StandardCharsets.UTF_8))
          .startsWith("{\"status\":504,\"items\":2,\"problem\":{\"type\":\"urn:courier:problem:stream-idle-timeout\"");
    });
    assertThat(cancelMarkers()).isEqualTo(1);
    assertThat(harness.slotsHeld()).isZero();
    assertThat(offer(exchange, item(2))).as("after the gateway ended it").isEqualTo(ReplyOutcome.LATE);
  }

  @Test
  void aGapThatDoesNotFillWithinTheIdleLimitBreaksTheStream() {
    Exchange exchange = send(sink);
    offer(exchange, item(0));
    offer(exchange, item(2));

    harness.clock.advance(Duration.ofSeconds(2));

    assertThat(sink.ends).singleElement().satisfies(end -> assertThat(end.error()).isEqualTo(GatewayError.STREAM_BROKEN));
    assertThat(sink.events).containsExactly("begin", "0 {\"n\":0}", "end 502 1");
  }

  @Test
  void recordsThatNeverGetTheirFirstOneEndTheRequestAsBrokenAtTheRouteTimeout() {
    Exchange exchange = send(sink);
    offer(exchange, item(1)); // record 0 never comes (a service that counts from 1, or a lost forward)
    offer(exchange, item(2));

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    assertThat(sink.events).as("nothing was written: the stream never began").isEmpty();
    assertThat(caller.onlyAnswer()).isInstanceOf(Outcome.Failed.class)
        .satisfies(o -> assertThat(((Outcome.Failed) o).error()).isEqualTo(GatewayError.STREAM_BROKEN));
    assertThat(harness.slotsHeld()).isZero();
    assertThat(harness.pending.size()).isZero();
    assertThat(cancelMarkers()).as("the service is told to stop").isEqualTo(1);
  }

  @Test
  void noFirstRecordWithinTheRouteTimeoutIsA504AndStopsTheService() {
    send(sink);

    harness.clock.advance(ExchangeHarness.TIMEOUT);

    assertThat(caller.onlyAnswer()).isInstanceOf(Outcome.Failed.class)
        .satisfies(o -> assertThat(((Outcome.Failed) o).error()).isEqualTo(GatewayError.TIMEOUT));
    assertThat(cancelMarkers()).as("its deadline is the stream's overall limit: it would stream to nobody").isEqualTo(1);
    assertThat(harness.slotsHeld()).isZero();
  }

  @Test
  void theStreamsHeadersAreThoseHttpCanCarryWithoutHopByHopFields() {
    Exchange exchange = send(sink);
    HeaderFields headers = HeaderFields.builder()
        .add("x-feed", "a".getBytes(StandardCharsets.UTF_8))
        .add("transfer-encoding", "gzip".getBytes(StandardCharsets.UTF_8))
        .add("connection", "close".getBytes(StandardCharsets.UTF_8))
        .add("x-split", "a\r\nset-cookie: x=1".getBytes(StandardCharsets.UTF_8))
        .add("content-type", "application/json".getBytes(StandardCharsets.UTF_8))
        .build();

    offer(exchange, new StreamRecord(0, -1, headers, "{}".getBytes(StandardCharsets.UTF_8)));

    assertThat(sink.begunWith.toMap()).containsOnlyKeys("x-feed");
  }

  @Test
  void theOverallLimitEndsAStreamThatKeepsGoing() {
    Exchange exchange = send(sink);
    for (int i = 0; i < 60; i++) {
      offer(exchange, item(i));
      harness.clock.advance(Duration.ofSeconds(1));
    }

    assertThat(sink.ends).singleElement().satisfies(end -> assertThat(end.error()).isEqualTo(GatewayError.STREAM_MAX_DURATION));
    assertThat(harness.counter("courier.stream.ended", "outcome", "stream-max-duration")).isEqualTo(1);
  }

  @Test
  void aSlowReaderEndsTheStreamAndIsCounted() {
    sink.roomFor = 2;
    Exchange exchange = send(sink);

    offer(exchange, item(0));
    offer(exchange, item(1));
    offer(exchange, item(2));

    assertThat(sink.ends).singleElement().satisfies(end -> assertThat(end.error()).isEqualTo(GatewayError.SLOW_READER));
    assertThat(harness.counter("courier.stream.ended", "outcome", "slow-reader")).isEqualTo(1);
    assertThat(cancelMarkers()).isEqualTo(1);
    assertThat(harness.pending.size()).isZero();
  }

  @Test
  void recordsWaitingForABusyFrontEndAreBoundedToo() {
    // Given a front end whose thread runs nothing until told (busy), and a buffer of 1024 bytes
    List<Runnable> later = new ArrayList<>();
    Caller busy = new Caller("GET", "/feed", later::add);
    Exchange exchange = send(busy, sink, later);

    // When 40 records of 40 bytes come before it runs anything
    for (int i = 0; i < 40; i++) {
      offer(exchange, new StreamRecord(i, -1, HeaderFields.EMPTY, "{\"pad\":\"0123456789012345678901234567\"}".getBytes(StandardCharsets.UTF_8)));
    }
    new ArrayList<>(later).forEach(Runnable::run);

    // Then what fitted went out, and the stream ended slow-reader without holding the rest
    assertThat(sink.ends).singleElement().satisfies(end -> assertThat(end.error()).isEqualTo(GatewayError.SLOW_READER));
    assertThat(sink.events.size() - 2).as("items written").isLessThan(40).isGreaterThan(0);
    assertThat(harness.pending.size()).isZero();
  }

  @Test
  void aCallerThatLeavesMidStreamCancelsItAndIsWrittenNothingMore() {
    Exchange exchange = send(sink);
    offer(exchange, item(0));

    exchange.callerGone();
    offer(exchange, item(1));

    assertThat(sink.events).containsExactly("begin", "0 {\"n\":0}");
    assertThat(cancelMarkers()).isEqualTo(1);
    assertThat(harness.counter("courier.stream.ended", "outcome", "cancelled")).isEqualTo(1);
    assertThat(harness.slotsHeld()).isZero();
  }

  @Test
  void aCallerWithoutASinkGetsTheArrayOrAProblemPastTheSizeLimit() {
    Exchange small = send(null);
    offer(small, item(0));
    offer(small, item(1));
    offer(small, end(2, 200));
    Outcome.Replied array = (Outcome.Replied) caller.onlyAnswer();
    assertThat(new String(array.body(), StandardCharsets.UTF_8)).isEqualTo("[{\"n\":0},{\"n\":1}]");
    assertThat(array.headers().first("content-type")).hasValue("application/json");

    Caller second = harness.caller("GET", "/feed");
    Exchange large = send(second, null);
    for (int i = 0; i < 10; i++) {
      offer(large, item(i));
    }
    assertThat(((Outcome.Failed) second.onlyAnswer()).error()).isEqualTo(GatewayError.STREAM_TOO_LARGE);
    assertThat(cancelMarkers()).isEqualTo(1);
  }

  private Exchange send(StreamSink streamSink) {
    return send(caller, streamSink);
  }

  /** Opens and publishes a request whose front end streams to {@code streamSink} ({@code null}: the array). */
  private Exchange send(Caller request, StreamSink streamSink) {
    return send(request, streamSink, new ArrayList<>());
  }

  /** As above; {@code pending} holds the front end's tasks when its thread is busy, run to publish. */
  private Exchange send(Caller request, StreamSink streamSink, List<Runnable> pending) {
    FrontEnd frontEnd = new FrontEnd() {
      @Override
      public void execute(Runnable task) {
        request.execute(task);
      }

      @Override
      public void answer(Outcome outcome) {
        request.answer(outcome);
      }

      @Override
      public StreamSink streamSink() {
        return streamSink;
      }
    };
    RouteMatch.Found match = (RouteMatch.Found) harness.routes.match("GET", request.target());
    Exchange exchange = harness.exchanges.open(match, request, frontEnd, Authentication.Allowed.ANONYMOUS);
    exchange.publish(request, new byte[0]);
    new ArrayList<>(pending).forEach(Runnable::run);
    pending.clear();
    harness.takePublished().acknowledge();
    return exchange;
  }

  private ReplyOutcome offer(Exchange exchange, StreamRecord record) {
    return harness.pending.stream(exchange.correlationId(), record);
  }

  private long cancelMarkers() {
    return harness.published.stream().filter(p -> p.record().headers().lastHeader(HeaderNames.CANCEL) != null).count();
  }

  private static StreamRecord item(long sequence) {
    return new StreamRecord(sequence, -1, HeaderFields.EMPTY, ("{\"n\":" + sequence + "}").getBytes(StandardCharsets.UTF_8));
  }

  private static StreamRecord end(long sequence, int status) {
    return new StreamRecord(sequence, status, HeaderFields.EMPTY, new byte[0]);
  }

  /** Records what it is given; has room for {@code roomFor} items. */
  private static final class Sink implements StreamSink {
    final List<String> events = new ArrayList<>();
    final List<StreamEnd> ends = new ArrayList<>();
    int roomFor = Integer.MAX_VALUE;
    HeaderFields begunWith;

    @Override
    public void begin(HeaderFields headers) {
      events.add("begin");
      begunWith = headers;
    }

    @Override
    public boolean item(long sequence, byte[] item) {
      events.add(sequence + " " + new String(item, StandardCharsets.UTF_8));
      return --roomFor > 0;
    }

    @Override
    public void end(StreamEnd end) {
      events.add("end " + end.status() + " " + end.items());
      ends.add(end);
    }
  }
}
