package io.courier.gateway.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.pending.Outcome;
import io.courier.protocol.HeaderFields;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frame format of docs/protocol.md, "WebSocket": what a client's frame becomes, and what an answer looks like. */
class FramesTest {
  private static final Frames.Answer NO_EXTRAS = new Frames.Answer("/results", "1", Map.of(), "/orders");

  @Test
  void aJsonBodyIsSentAsJsonAndHeaderNamesAreLowerCased() throws Exception {
    FrameRequest request =
        Frames.read("{\"id\":\"1\",\"method\":\"POST\",\"path\":\"/orders/a%20b?x=%C3%A9\",\"headers\":{\"X-Trace\":[\"a\",\"b\"]},\"body\":{\"n\":1}}", 8192);

    assertThat(request.id()).isEqualTo("1");
    assertThat(request.target().segment(1)).isEqualTo("a b");
    assertThat(request.query()).isEqualTo("x=%C3%A9");
    assertThat(request.headers()).containsEntry("x-trace", List.of("a", "b")).containsEntry("content-type", List.of("application/json"));
    assertThat(new String(request.body(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":1}");
  }

  @Test
  void aStringBodyIsItsUtf8TextAndBodyBase64ItsBytes() throws Exception {
    FrameRequest text = Frames.read("{\"id\":\"1\",\"method\":\"POST\",\"path\":\"/a\",\"body\":\"é\"}", 8192);
    FrameRequest bytes = Frames.read("{\"id\":\"2\",\"method\":\"POST\",\"path\":\"/a\",\"bodyBase64\":\"AP8=\"}", 8192);

    assertThat(text.body()).isEqualTo("é".getBytes(StandardCharsets.UTF_8));
    assertThat(text.headers()).containsEntry("content-type", List.of("text/plain; charset=utf-8"));
    assertThat(bytes.body()).containsExactly(0, 255);
    assertThat(bytes.headers()).doesNotContainKey("content-type");
  }

  @Test
  void aFrameThatIsNotARequestIsRefusedWithItsIdWhenItHasOne() {
    assertRefused("[1]", null, GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":7,\"method\":\"GET\",\"path\":\"/a\"}", null, GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"id\":\"y\",\"method\":\"GET\",\"path\":\"/a\"}", null, GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"get\",\"path\":\"/a\"}", "x", GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/a/../b\"}", "x", GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/a\",\"header\":{}}", "x", GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/a\",\"headers\":{\"a\":\"1\\r\\nb: 2\"}}", "x", GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/a\",\"body\":1,\"bodyBase64\":\"AA==\"}", "x", GatewayError.MALFORMED_REQUEST);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/" + "a".repeat(5000) + "\"}", "x", GatewayError.URI_TOO_LONG);
    assertRefused("{\"id\":\"x\",\"method\":\"GET\",\"path\":\"/a\",\"headers\":{\"a\":\"" + "v".repeat(9000) + "\"}}", "x",
        GatewayError.HEADERS_TOO_LARGE);
  }

  @Test
  void aReplyIsAnsweredWithItsStatusLowerCaseHeadersAndABodyAsItsContentTypeSays() {
    String json = answer(new Outcome.Replied(201, HeaderFields.of("Content-Type", "application/json", "X-A", "1"), bytes("{\"ok\":true}")));
    String text = answer(new Outcome.Replied(200, HeaderFields.of("content-type", "text/plain"), bytes("hi")));
    String binary = answer(new Outcome.Replied(200, HeaderFields.of("content-type", "image/png"), new byte[] {(byte) 0x89, 'P'}));
    String empty = answer(new Outcome.Replied(204, HeaderFields.EMPTY, new byte[0]));

    assertThat(json).isEqualTo("{\"id\":\"r\",\"status\":201,\"headers\":{\"content-type\":\"application/json\",\"x-a\":\"1\"},\"body\":{\"ok\":true}}");
    assertThat(text).endsWith("\"body\":\"hi\"}");
    assertThat(binary).endsWith("\"bodyBase64\":\"iVA=\"}");
    assertThat(empty).isEqualTo("{\"id\":\"r\",\"status\":204,\"headers\":{}}");
  }

  @Test
  void aProblemFrameCarriesTheGatewaysStatusAndRetryAfterWhenItMayPass() {
    String overloaded = answer(new Outcome.Failed(GatewayError.OVERLOADED, "busy"));
    String timeout = answer(new Outcome.Failed(GatewayError.TIMEOUT, "late", "gw.abc"));

    assertThat(overloaded).contains("\"status\":503", "\"retry-after\":\"1\"", "\"type\":\"urn:courier:problem:overloaded\"", "\"instance\":\"/orders\"");
    assertThat(timeout).contains("\"status\":504", "\"location\":\"/results/gw.abc\"").doesNotContain("retry-after");
  }

  @Test
  void aStreamIsItemFramesBySeqWithTheHeadersOnTheFirstThenAnEndFrameWithTheFinalStatus() {
    String first = new String(Frames.item("s", 0, HeaderFields.of("x-feed", "a"), bytes("{\"n\":0}")), StandardCharsets.UTF_8);
    String notJson = new String(Frames.item("s", 1, null, bytes("n=1")), StandardCharsets.UTF_8);
    String end = new String(Frames.end("s", null, io.courier.gateway.exchange.StreamEnd.of(GatewayError.SLOW_READER, "slow", 2, "/feed")),
        StandardCharsets.UTF_8);

    assertThat(first).isEqualTo("{\"id\":\"s\",\"seq\":0,\"item\":{\"n\":0},\"headers\":{\"x-feed\":\"a\"}}");
    assertThat(notJson).isEqualTo("{\"id\":\"s\",\"seq\":1,\"item\":\"n=1\"}");
    assertThat(end).startsWith("{\"id\":\"s\",\"status\":" + GatewayError.SLOW_READER.status() + ",\"end\":{\"status\":")
        .contains("\"items\":2", "urn:courier:problem:slow-reader");
  }

  private static String answer(Outcome outcome) {
    return new String(Frames.answer("r", outcome, false, NO_EXTRAS), StandardCharsets.UTF_8);
  }

  private static void assertRefused(String frame, String id, GatewayError error) {
    assertThatThrownBy(() -> Frames.read(frame, 8192))
        .isInstanceOfSatisfying(FrameException.class, refused -> {
          assertThat(refused.id()).as(frame).isEqualTo(id);
          assertThat(refused.error()).as(frame).isEqualTo(error);
        });
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
