package io.courier.gateway.path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestTargetTest {

  /** A path as the HTTP server hands it over: one char per byte received. */
  private static String received(byte[] bytes) {
    return new String(bytes, StandardCharsets.ISO_8859_1);
  }

  @Test
  void segmentsArePercentDecodedAndThePathKeptAsReceived() {
    RequestTarget target = RequestTarget.parse("/customers/J%C3%BCrgen%20M/orders/");

    assertThat(target.path()).isEqualTo("/customers/J%C3%BCrgen%20M/orders/");
    assertThat(target.segmentCount()).isEqualTo(3);
    assertThat(target.segment(1)).isEqualTo("Jürgen M");
  }

  @Test
  void rawUtf8BytesInThePathAreReadAsUtf8() {
    RequestTarget target = RequestTarget.parse(received("/cities/東京".getBytes(StandardCharsets.UTF_8)));

    assertThat(target.path()).isEqualTo("/cities/東京");
    assertThat(target.segment(1)).isEqualTo("東京");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/customers/%ZZ", "/customers/%", "/customers/%2", "/customers/%G1", "/a/%%41", "/a%2"})
  void aBadPercentEscapeIsAMalformedRequest(String path) {
    assertMalformed(path, "percent-escape");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/customers/%E9", "/customers/%C3", "/a/%FF%FE", "/a/%C0%AF", "/a/%ED%A0%80"})
  void aSegmentThatDoesNotDecodeToUtf8IsAMalformedRequest(String path) {
    assertMalformed(path, "not UTF-8");
  }

  @Test
  void rawBytesThatAreNotUtf8AreAMalformedRequest() {
    assertMalformed(received(new byte[] {'/', 'r', (byte) 0xE9, 's'}), "not UTF-8");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a/..", "/a/./b", "/..", "/a/%2e%2e/b", "/a/%2E/b", "/a/.%2e/"})
  void dotSegmentsAreRefused(String path) {
    assertMalformed(path, "dot segment");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/a\u0000b", "/a\u001fb", "/a\u007fb"})
  void controlCharactersAreRefused(String path) {
    assertMalformed(path, "control character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "*", "orders", "http:"})
  void aTargetThatIsNotAPathIsRefused(String path) {
    assertMalformed(path, "starting with '/'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/customers/a%00b", "/customers/a%0Ab", "/customers/%7F", "/customers/%0d"})
  void aSegmentThatDecodesToAControlCharacterIsRefused(String path) {
    assertMalformed(path, "control character");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/customers/c-1#frag", "/customers/#"})
  void aFragmentIsRefused(String path) {
    assertMalformed(path, "'#'");
  }

  @Test
  void dotsInsideASegmentAreFine() {
    assertThat(RequestTarget.parse("/files/.profile/a..b").segment(1)).isEqualTo(".profile");
  }

  @Test
  void theQueryIsCheckedToBeUtf8Too() {
    assertThat(RequestTarget.utf8(received("q=東京".getBytes(StandardCharsets.UTF_8)))).isEqualTo("q=東京");
    assertThatThrownBy(() -> RequestTarget.utf8(received(new byte[] {'q', '=', (byte) 0xFF})))
        .isInstanceOf(GatewayException.class);
  }

  private static void assertMalformed(String path, String detail) {
    assertThatThrownBy(() -> RequestTarget.parse(path))
        .isInstanceOfSatisfying(
            GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_REQUEST))
        .hasMessageContaining(detail);
  }
}
