package io.courier.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonPointer;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The record key out of a JSON body: the value the service will read, or a 400. */
class JsonKeyTest {
  private static final JsonPointer CUSTOMER = JsonPointer.compile("/customerId");

  private static String find(String pointer, String body) {
    return JsonKey.find(JsonPointer.compile(pointer), body.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(String pointer, String body, GatewayError error, String detail) {
    assertThatThrownBy(() -> find(pointer, body))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(error))
        .hasMessageContaining(detail);
  }

  @Test
  void aStringIsItsDecodedValue() {
    assertThat(find("/customerId", "{\"customerId\":\"c-\\u0031\",\"x\":1}")).isEqualTo("c-1");
  }

  @ParameterizedTest
  @CsvSource({"1, 1", "1.0, 1.0", "1e3, 1e3", "-0, -0", "12345678901234567890123, 12345678901234567890123", "0.1, 0.1"})
  void aNumberKeepsTheTextItWasWrittenWith(String literal, String key) {
    assertThat(find("/n", "{\"n\":" + literal + "}")).isEqualTo(key);
  }

  @Test
  void booleansAndNestedPointersWork() {
    assertThat(find("/a/b/1", "{\"a\":{\"b\":[false,true]}}")).isEqualTo("true");
    assertThat(find("/a~1b", "{\"a/b\":\"slash\"}")).isEqualTo("slash");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{\"customerId\":\"a\",\"customerId\":\"b\"}",
        "{\"customerId\":\"a\",\"other\":{\"x\":1,\"x\":2}}",
        "[{\"customerId\":1},{\"y\":1,\"y\":1}]",
        "{\"customer\\u0049d\":\"a\",\"customerId\":\"b\"}"
      })
  void aMemberNamedTwiceAnywhereIsRefused(String body) {
    refused("/customerId", body, GatewayError.MALFORMED_BODY, "twice");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"customerId\":\"a\"} {\"customerId\":\"b\"}", "{\"customerId\":\"a\"}x", "{\"customerId\":\"a\"}]", "\"a\" 1"})
  void dataAfterTheJsonValueIsRefused(String body) {
    assertThatThrownBy(() -> find("/customerId", body))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_BODY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "{\"customerId\":}", "{'customerId':'a'}", "{\"customerId\":NaN}", "{\"customerId\":\"a\",}"})
  void aBodyThatIsNotJsonIsRefused(String body) {
    assertThatThrownBy(() -> find("/customerId", body))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_BODY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"customerId\":\"\\ud800x\"}", "{\"customerId\":\"\\udfffx\"}", "{\"customerId\":\"a\\ud83d\"}"})
  void aKeyWithAnUnpairedSurrogateIsRefusedRatherThanTurnedIntoAQuestionMark(String body) {
    refused("/customerId", body, GatewayError.MALFORMED_BODY, "not valid Unicode");
  }

  @Test
  void aBodyBeyondTheReadersLimitsIsRefusedAsSuchNotAsInvalidJson() {
    String deep = "{\"customerId\":\"a\",\"x\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}";
    String longNumber = "{\"customerId\":" + "9".repeat(5_000) + "}";

    refused("/customerId", deep, GatewayError.MALFORMED_BODY, "nesting deeper than");
    refused("/customerId", longNumber, GatewayError.MALFORMED_BODY, "a number longer than");
  }

  @Test
  void aPairedSurrogateEscapeIsItsCharacter() {
    assertThat(find("/customerId", "{\"customerId\":\"\\ud83d\\ude00\"}")).isEqualTo("\ud83d\ude00");
  }

  @Test
  void aBodyInUtf16OrUtf32IsRefused() {
    String json = "{\"customerId\":\"c-1\"}";
    for (java.nio.charset.Charset charset :
        List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, StandardCharsets.UTF_16, java.nio.charset.Charset.forName("UTF-32"))) {
      byte[] body = json.getBytes(charset);
      assertThatThrownBy(() -> JsonKey.find(CUSTOMER, body))
          .as(charset.name())
          .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_BODY))
          .hasMessageContaining("UTF-8");
    }
  }

  @Test
  void theDetailSaysWhereTheJsonBroke() {
    refused("/customerId", "{\n  \"customerId\": }", GatewayError.MALFORMED_BODY, "line 2");
  }

  @ParameterizedTest
  @ValueSource(strings = {"{}", "{\"customerId\":null}", "{\"customerId\":{}}", "{\"customerId\":[1]}", "[1,2]", "\"c-1\""})
  void nothingUsableAtThePointerIsAMissingKey(String body) {
    refused("/customerId", body, GatewayError.MISSING_KEY, "/customerId");
  }

  @Test
  void theWholeBodyIsValidatedEvenAfterTheKeyWasFound() {
    refused("/customerId", "{\"customerId\":\"a\",\"rest\":[1,2,}", GatewayError.MALFORMED_BODY, "not valid JSON");
    assertThat(CUSTOMER.toString()).isEqualTo("/customerId");
  }
}
