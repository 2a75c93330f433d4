package io.courier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RequestEnvelopeTest {
  private static final Instant DEADLINE = Instant.parse("2030-01-02T03:04:05.678Z");

  private static RequestEnvelope request(Profile profile) {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("customerId", "c 42/é");
    params.put("sku", "SKU-1");
    return RequestEnvelope.builder()
        .profile(profile)
        .correlationId("gw-1.AAAAAAAAAAAAAAAAAAAAAA")
        .replyTopic("courier.responses")
        .replyPartition(7)
        .deadline(DEADLINE)
        .route("basket.PUT /baskets/{customerId}/items/{sku}")
        .method("PUT")
        .path("/baskets/c%2042%2F%C3%A9/items/SKU-1")
        .query("dryRun=true&x=1")
        .pathParams(params)
        .headers(HeaderFields.of("content-type", "application/json", "x-request-id", "r-1"))
        .build();
  }

  private static String text(Headers headers, String name) {
    Header header = headers.lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private static List<String> names(Headers headers) {
    List<String> names = new ArrayList<>();
    headers.forEach(header -> names.add(header.key()));
    return names;
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void requestSurvivesARoundTripInEveryProfile(Profile profile) {
    // given
    RequestEnvelope sent = request(profile);

    // when
    RequestEnvelope received = RequestEnvelope.fromHeaders(sent.toHeaders());

    // then
    RequestEnvelope expected =
        profile == Profile.ZILLA
            ? sent.toBuilder().replyPartition(-1).build()
            : sent;
    assertThat(received).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void pathParamsAndForwardedHeadersKeepTheirOrder(Profile profile) {
    RequestEnvelope received = RequestEnvelope.fromHeaders(request(profile).toHeaders());

    assertThat(received.pathParams()).containsExactly(Map.entry("customerId", "c 42/é"), Map.entry("sku", "SKU-1"));
    assertThat(received.headers().toMap())
        .containsExactly(Map.entry("content-type", "application/json"), Map.entry("x-request-id", "r-1"));
  }

  @Test
  void theCallersIdentityTravelsAsProtocolHeadersAndComesBackWhole() {
    CallerIdentity alice = new CallerIdentity("jwt", "alice@example.com", java.util.Map.of("tenant", "acme"));
    Headers headers = request(Profile.COURIER).toBuilder().identity(alice).build().toHeaders();

    RequestEnvelope received = RequestEnvelope.fromHeaders(headers);

    assertThat(new String(headers.lastHeader("courier-identity").value(), StandardCharsets.UTF_8)).isEqualTo("alice@example.com");
    assertThat(new String(headers.lastHeader("courier-identity-kind").value(), StandardCharsets.UTF_8)).isEqualTo("jwt");
    assertThat(new String(headers.lastHeader("courier-identity-claim.tenant").value(), StandardCharsets.UTF_8)).isEqualTo("acme");
    assertThat(received.identity()).isEqualTo(alice);
    assertThat(received.headers().toMap()).as("never among the HTTP header fields").doesNotContainKeys(
        "courier-identity", "courier-identity-kind", "courier-identity-claim.tenant");
    assertThat(RequestEnvelope.fromHeaders(request(Profile.COURIER).toHeaders()).identity()).isNull();
  }

  @Test
  void repeatedHeadersTravelOncePerValueInOrderAndTheirBytesUnchanged() {
    // given two x-forwarded-for fields and values that are not ASCII: UTF-8, and a Latin-1 byte
    byte[] tokyo = "東京".getBytes(StandardCharsets.UTF_8);
    byte[] latin1 = {'r', (byte) 0xE9, 's'};
    HeaderFields fields =
        HeaderFields.builder()
            .add("x-forwarded-for", "10.0.0.1")
            .add("x-city", tokyo)
            .add("x-forwarded-for", "10.0.0.2")
            .add("x-name", latin1)
            .build();

    // when
    RequestEnvelope received = RequestEnvelope.fromHeaders(request(Profile.COURIER).toBuilder().headers(fields).build().toHeaders());

    // then
    assertThat(received.headers()).isEqualTo(fields);
    assertThat(received.headers().all("x-forwarded-for")).containsExactly("10.0.0.1", "10.0.0.2");
    assertThat(received.headers().firstBytes("x-city")).isEqualTo(tokyo);
    assertThat(received.headers().firstBytes("x-name")).isEqualTo(latin1);
  }

  @Test
  void courierRequestUsesCourierHeaderNamesAndADecimalPartition() {
    // when
    Headers headers = request(Profile.COURIER).toHeaders();

    // then
    assertThat(text(headers, "courier-protocol")).isEqualTo(HeaderNames.PROTOCOL_VERSION);
    assertThat(text(headers, "courier-correlation-id")).isEqualTo("gw-1.AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(text(headers, "courier-reply-topic")).isEqualTo("courier.responses");
    assertThat(text(headers, "courier-reply-partition")).isEqualTo("7");
    assertThat(text(headers, "courier-deadline")).isEqualTo(Long.toString(DEADLINE.toEpochMilli()));
    assertThat(text(headers, "courier-route")).isEqualTo("basket.PUT /baskets/{customerId}/items/{sku}");
    assertThat(text(headers, "courier-method")).isEqualTo("PUT");
    assertThat(text(headers, "courier-path")).isEqualTo("/baskets/c%2042%2F%C3%A9/items/SKU-1");
    assertThat(text(headers, "courier-query")).isEqualTo("dryRun=true&x=1");
    assertThat(text(headers, "courier-path-param.customerId")).isEqualTo("c 42/é");
    assertThat(text(headers, "courier-path-param.sku")).isEqualTo("SKU-1");
    assertThat(names(headers)).noneMatch(name -> name.startsWith("kafka_") || name.startsWith("zilla:") || name.startsWith(":"));
  }

  @Test
  void springRequestUsesKafkaHeaderNamesAndAFourByteBigEndianPartition() {
    // when
    Headers headers = request(Profile.SPRING).toHeaders();

    // then
    assertThat(text(headers, "kafka_correlationId")).isEqualTo("gw-1.AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(text(headers, "kafka_replyTopic")).isEqualTo("courier.responses");
    assertThat(headers.lastHeader("kafka_replyPartition").value()).containsExactly(0, 0, 0, 7);
    assertThat(headers.lastHeader("courier-correlation-id")).isNull();
    assertThat(headers.lastHeader("courier-reply-topic")).isNull();
    assertThat(headers.lastHeader("courier-reply-partition")).isNull();
    // the descriptive headers travel whatever the profile
    assertThat(text(headers, "courier-method")).isEqualTo("PUT");
    assertThat(text(headers, "courier-deadline")).isEqualTo(Long.toString(DEADLINE.toEpochMilli()));
  }

  @Test
  void springPartitionAboveOneByteIsBigEndian() {
    RequestEnvelope sent = withPartition(request(Profile.SPRING), 0x01020304);

    Headers headers = sent.toHeaders();

    assertThat(headers.lastHeader("kafka_replyPartition").value()).containsExactly(1, 2, 3, 4);
    assertThat(RequestEnvelope.fromHeaders(headers).replyPartition()).isEqualTo(0x01020304);
  }

  @Test
  void zillaRequestCarriesPseudoHeadersWithQueryAndNoPartition() {
    // when
    Headers headers = request(Profile.ZILLA).toHeaders();

    // then
    assertThat(text(headers, "zilla:correlation-id")).isEqualTo("gw-1.AAAAAAAAAAAAAAAAAAAAAA");
    assertThat(text(headers, "zilla:reply-to")).isEqualTo("courier.responses");
    assertThat(text(headers, ":method")).isEqualTo("PUT");
    assertThat(text(headers, ":path")).isEqualTo("/baskets/c%2042%2F%C3%A9/items/SKU-1?dryRun=true&x=1");
    assertThat(names(headers)).noneMatch(name -> name.contains("partition") || name.contains("Partition"));
  }

  @Test
  void zillaPathWithoutQueryHasNoQuestionMark() {
    RequestEnvelope sent = withQuery(request(Profile.ZILLA), null);

    Headers headers = sent.toHeaders();

    assertThat(text(headers, ":path")).isEqualTo("/baskets/c%2042%2F%C3%A9/items/SKU-1");
    assertThat(RequestEnvelope.fromHeaders(headers).query()).isNull();
  }

  @Test
  void zillaRequestWithOnlyPseudoHeadersYieldsMethodPathAndQuery() {
    // given: a request written by Zilla itself, without Courier's descriptive headers
    Headers headers = new RecordHeaders();
    headers.add("zilla:correlation-id", utf8("z-1"));
    headers.add("zilla:reply-to", utf8("replies"));
    headers.add(":method", utf8("GET"));
    headers.add(":path", utf8("/orders/17?expand=items"));

    // when
    RequestEnvelope received = RequestEnvelope.fromHeaders(headers);

    // then
    assertThat(received.profile()).isEqualTo(Profile.ZILLA);
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.path()).isEqualTo("/orders/17");
    assertThat(received.query()).isEqualTo("expand=items");
    assertThat(received.replyPartition()).isEqualTo(-1);
    assertThat(received.deadline()).isEqualTo(Instant.MAX);
    assertThat(received.headers().isEmpty()).isTrue();
  }

  @Test
  void noDeadlineIsNoHeaderAndReadsBackAsNoDeadline() {
    Headers headers = request(Profile.COURIER).toBuilder().deadline(Instant.MAX).build().toHeaders();

    assertThat(headers.lastHeader(HeaderNames.DEADLINE)).isNull();
    assertThat(RequestEnvelope.fromHeaders(headers).deadline()).isEqualTo(Instant.MAX);
  }

  @Test
  void negativePartitionIsNotSent() {
    Headers headers = withPartition(request(Profile.COURIER), -1).toHeaders();

    assertThat(headers.lastHeader("courier-reply-partition")).isNull();
    assertThat(RequestEnvelope.fromHeaders(headers).replyPartition()).isEqualTo(-1);
  }

  @Test
  void fourByteBinaryPartitionIsUnderstoodInTheCourierProfileToo() {
    Headers headers = new RecordHeaders();
    headers.add("courier-correlation-id", utf8("id"));
    headers.add("courier-reply-topic", utf8("replies"));
    headers.add("courier-reply-partition", ByteBuffer.allocate(4).putInt(3).array());

    assertThat(RequestEnvelope.fromHeaders(headers).replyPartition()).isEqualTo(3);
  }

  @Test
  void requestWithoutCorrelationIdIsRejected() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-correlation-id");

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("correlation id");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void requestWithoutReplyTopicIsRejected(Profile profile) {
    Headers headers = request(profile).toHeaders();
    headers.remove(profile.replyTopicHeader());

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(profile.replyTopicHeader());
  }

  @Test
  void requestWithEmptyReplyTopicIsRejected() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-reply-topic");
    headers.add("courier-reply-topic", new byte[0]);

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void deadlineThatIsNotANumberIsRejected() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-deadline");
    headers.add("courier-deadline", utf8("tomorrow"));

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("courier-deadline")
        .hasMessageContaining("tomorrow");
  }

  @Test
  void negativeDeadlineIsRejected() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-deadline");
    headers.add("courier-deadline", utf8("-5"));

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("out of range");
  }

  @Test
  void missingDeadlineMeansNone() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-deadline");

    assertThat(RequestEnvelope.fromHeaders(headers).deadline()).isEqualTo(Instant.MAX);
  }

  @Test
  void springPartitionOfWrongLengthIsRejected() {
    Headers headers = request(Profile.SPRING).toHeaders();
    headers.remove("kafka_replyPartition");
    headers.add("kafka_replyPartition", new byte[] {0, 7});

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("kafka_replyPartition");
  }

  @Test
  void courierPartitionThatIsNotANumberIsRejected() {
    Headers headers = request(Profile.COURIER).toHeaders();
    headers.remove("courier-reply-partition");
    headers.add("courier-reply-partition", utf8("seven"));

    assertThatThrownBy(() -> RequestEnvelope.fromHeaders(headers)).isInstanceOf(ProtocolException.class);
  }

  @Test
  void envelopeMapsCannotBeChangedAfterwards() {
    Map<String, String> params = new LinkedHashMap<>(Map.of("id", "1"));
    RequestEnvelope envelope =
        RequestEnvelope.builder().correlationId("id").replyTopic("t").method("GET").path("/x/1").pathParams(params).build();

    params.put("other", "2");

    assertThat(envelope.pathParams()).containsOnlyKeys("id");
    assertThatThrownBy(() -> envelope.pathParams().put("a", "b")).isInstanceOf(UnsupportedOperationException.class);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static RequestEnvelope withPartition(RequestEnvelope e, int partition) {
    return e.toBuilder().replyPartition(partition).build();
  }

  private static RequestEnvelope withQuery(RequestEnvelope e, String query) {
    return e.toBuilder().query(query).build();
  }
}
