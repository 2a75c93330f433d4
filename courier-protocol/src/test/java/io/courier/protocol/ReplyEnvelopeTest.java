package io.courier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyEnvelopeTest {
  private static final String ID = "gw-1.AAAAAAAAAAAAAAAAAAAAAA";

  @ParameterizedTest
  @EnumSource(Profile.class)
  void replyInEveryProfileDecodes(Profile profile) {
    // given
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("content-type", "application/json");
    headers.put("location", "/orders/17");
    ReplyEnvelope sent = new ReplyEnvelope(ID, 201, headers);

    // when
    ReplyEnvelope received = ReplyEnvelope.fromHeaders(sent.toHeaders(profile));

    // then
    assertThat(received).isEqualTo(sent);
    assertThat(received.headers().toMap())
        .containsExactly(Map.entry("content-type", "application/json"), Map.entry("location", "/orders/17"));
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void replyEchoesTheCorrelationIdUnderTheProfilesHeader(Profile profile) {
    Headers headers = new ReplyEnvelope(ID, 200, Map.of()).toHeaders(profile);

    assertThat(new String(headers.lastHeader(profile.correlationHeader()).value(), StandardCharsets.UTF_8))
        .isEqualTo(ID);
    assertThat(new String(headers.lastHeader("courier-status").value(), StandardCharsets.UTF_8)).isEqualTo("200");
  }

  @Test
  void zillaReplyCarriesPseudoStatusToo() {
    Headers headers = new ReplyEnvelope(ID, 404, Map.of()).toHeaders(Profile.ZILLA);

    assertThat(new String(headers.lastHeader(":status").value(), StandardCharsets.UTF_8)).isEqualTo("404");
  }

  @Test
  void replyWithoutStatusIsOk() {
    // given: a Spring @SendTo reply names no status
    Headers headers = new RecordHeaders();
    headers.add("kafka_correlationId", utf8(ID));

    // when
    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(headers);

    // then
    assertThat(reply.status()).isEqualTo(ReplyEnvelope.DEFAULT_STATUS).isEqualTo(200);
    assertThat(reply.correlationId()).isEqualTo(ID);
  }

  @Test
  void pseudoStatusAloneIsAccepted() {
    Headers headers = new RecordHeaders();
    headers.add("zilla:correlation-id", utf8(ID));
    headers.add(":status", utf8("409"));

    assertThat(ReplyEnvelope.fromHeaders(headers).status()).isEqualTo(409);
  }

  @Test
  void courierStatusWinsOverPseudoStatus() {
    Headers headers = new RecordHeaders();
    headers.add("zilla:correlation-id", utf8(ID));
    headers.add(":status", utf8("409"));
    headers.add("courier-status", utf8("202"));

    assertThat(ReplyEnvelope.fromHeaders(headers).status()).isEqualTo(202);
  }

  @Test
  void statusWithSurroundingSpacesIsAccepted() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("courier-status", utf8(" 204 "));

    assertThat(ReplyEnvelope.fromHeaders(headers).status()).isEqualTo(204);
  }

  @ParameterizedTest
  @ValueSource(strings = {"99", "600", "0", "-200", "99999999999999999999"})
  void statusOutOfRangeIsRejected(String status) {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("courier-status", utf8(status));

    assertThatThrownBy(() -> ReplyEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("courier-status");
  }

  @ParameterizedTest
  @ValueSource(strings = {"OK", "", "2OO", "200.0"})
  void statusThatIsNotANumberIsRejected(String status) {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("courier-status", utf8(status));

    assertThatThrownBy(() -> ReplyEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("courier-status");
  }

  @Test
  void pseudoStatusOutOfRangeIsRejected() {
    Headers headers = new RecordHeaders();
    headers.add("zilla:correlation-id", utf8(ID));
    headers.add(":status", utf8("700"));

    assertThatThrownBy(() -> ReplyEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(":status");
  }

  @ParameterizedTest
  @ValueSource(ints = {99, 600, -1})
  void envelopeWithStatusOutOfRangeCannotBeMade(int status) {
    assertThatThrownBy(() -> new ReplyEnvelope(ID, status, Map.of())).isInstanceOf(ProtocolException.class);
  }

  @Test
  void replyWithoutCorrelationIdIsRejected() {
    Headers headers = new RecordHeaders();
    headers.add("courier-status", utf8("200"));
    headers.add("content-type", utf8("text/plain"));

    assertThatThrownBy(() -> ReplyEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("correlation id");
  }

  @Test
  void protocolHeadersNeverReachTheHttpHeaders() {
    // given: a reply carrying every convention's bookkeeping headers
    Headers headers = new RecordHeaders();
    headers.add("kafka_correlationId", utf8(ID));
    headers.add("kafka_replyTopic", utf8("x"));
    headers.add("kafka_replyPartition", new byte[] {0, 0, 0, 1});
    headers.add("spring_json_header_types", utf8("{\"a\":\"java.lang.String\"}"));
    headers.add("__TypeId__", utf8("com.example.Order"));
    headers.add("zilla:correlation-id", utf8(ID));
    headers.add("zilla:identity", utf8("someone"));
    headers.add(":status", utf8("200"));
    headers.add("courier-status", utf8("200"));
    headers.add("courier-protocol", utf8("1"));
    headers.add("courier-path-param.id", utf8("17"));
    headers.add("content-type", utf8("application/json"));
    headers.add("etag", utf8("\"v3\""));

    // when
    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(headers);

    // then
    assertThat(reply.headers().toMap()).containsOnlyKeys("content-type", "etag");
  }

  @Test
  void protocolHeadersWrittenInUpperCaseNeverReachTheHttpHeadersEither() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("Courier-Trace", utf8("t"));
    headers.add("KAFKA_offset", utf8("1"));
    headers.add("Zilla:identity", utf8("someone"));
    headers.add("Content-Type", utf8("text/plain"));

    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(headers);

    assertThat(reply.headers().toMap()).containsOnlyKeys("content-type");
  }

  @Test
  void traceContextOfTheReplyRecordNeverReachesTheHttpHeaders() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("traceparent", utf8("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
    headers.add("TraceState", utf8("vendor=1"));
    headers.add("content-type", utf8("text/plain"));
    headers.add("x-trace-note", utf8("kept: not trace context"));

    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(headers);

    assertThat(reply.headers().toMap()).containsOnlyKeys("content-type", "x-trace-note");
  }

  @Test
  void headerNamesAreLowerCased() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("Content-Type", utf8("text/plain"));
    headers.add("X-Request-ID", utf8("abc"));

    ReplyEnvelope reply = ReplyEnvelope.fromHeaders(headers);

    assertThat(reply.headers().toMap()).containsExactly(Map.entry("content-type", "text/plain"), Map.entry("x-request-id", "abc"));
  }

  @Test
  void headerWithoutValueIsLeftOut() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("x-empty", null);

    assertThat(ReplyEnvelope.fromHeaders(headers).headers().isEmpty()).isTrue();
  }

  @Test
  void headersCannotBeChangedAfterwards() {
    Map<String, String> given = new LinkedHashMap<>(Map.of("a", "b"));
    ReplyEnvelope reply = new ReplyEnvelope(ID, 200, given);

    given.put("c", "d");

    assertThat(reply.headers().toMap()).containsOnlyKeys("a");
    assertThatThrownBy(() -> reply.headers().toMap().put("c", "d")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void repeatedHeadersAreKeptOncePerValueInOrderWithTheirBytes() {
    // given two set-cookie fields, a UTF-8 value and a Latin-1 byte, as a service may write them
    byte[] tokyo = "東京".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = {'r', (byte) 0xE9, 's', 'u', 'm', (byte) 0xE9};
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("Set-Cookie", utf8("a=1"));
    headers.add("x-city", tokyo);
    headers.add("set-cookie", utf8("b=2"));
    headers.add("content-disposition", latin1);

    // when
    HeaderFields fields = ReplyEnvelope.fromHeaders(headers).headers();

    // then
    assertThat(fields.size()).isEqualTo(4);
    assertThat(fields.all("set-cookie")).containsExactly("a=1", "b=2");
    assertThat(fields.name(0)).isEqualTo("set-cookie");
    assertThat(fields.firstBytes("x-city")).isEqualTo(tokyo);
    assertThat(fields.firstBytes("content-disposition")).isEqualTo(latin1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "", "20", "2000", "099", "600", "+20", "2O0", "٢٠٠", "200 OK"})
  void aStatusThatIsNotThreeDigitsIn100To599IsRefused(String status) {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("courier-status", utf8(status));

    assertThatThrownBy(() -> ReplyEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("not an HTTP status code");
  }

  @ParameterizedTest
  @ValueSource(strings = {"100", "204", " 404 ", "599"})
  void aStatusOfThreeDigitsIsRead(String status) {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8(ID));
    headers.add("courier-status", utf8(status));

    assertThat(ReplyEnvelope.fromHeaders(headers).status()).isEqualTo(Integer.parseInt(status.trim()));
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
