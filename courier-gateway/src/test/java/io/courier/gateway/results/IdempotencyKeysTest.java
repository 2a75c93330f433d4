package io.courier.gateway.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.config.Idempotency;
import io.courier.gateway.config.KeySource;
import io.courier.gateway.config.RouteConfig;
import io.courier.gateway.error.GatewayError;
import io.courier.gateway.error.GatewayException;
import io.courier.protocol.Profile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IdempotencyKeysTest {
  private static final Idempotency OPTIONAL = new Idempotency(Idempotency.Mode.OPTIONAL, Idempotency.Duplicates.WAIT, List.of());
  private static final Idempotency REQUIRED = new Idempotency(Idempotency.Mode.REQUIRED, Idempotency.Duplicates.WAIT, List.of());

  private static RouteConfig route(String name, String method) {
    return new RouteConfig(name, "orders", "orders.requests", Profile.COURIER, method, "/orders", KeySource.NONE,
        Duration.ofSeconds(5), 10, 1000, List.of(), null, OPTIONAL);
  }

  @Test
  void aStructuredFieldStringIsUnquotedAndUnescaped() {
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of("\"8e03978e-40d5\""))).isEqualTo("8e03978e-40d5");
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of(" \"a\\\"b\\\\c\" "))).isEqualTo("a\"b\\c");
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of("\"with space\""))).isEqualTo("with space");
  }

  @Test
  void aBareTokenIsTakenAsTheKey() {
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of("key_123-abc"))).isEqualTo("key_123-abc");
  }

  @Test
  void noHeaderIsNoKeyUnlessRequired() {
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of())).isNull();
    assertThatThrownBy(() -> IdempotencyKeys.read(REQUIRED, List.of()))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_IDEMPOTENCY_KEY));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"\"", "\"open", "\"a\"b", "\"bad\\x\"", "two words", "a,b", "\"tab\there\"", "caf\u00e9", ""})
  void malformedKeysAreRefused(String value) {
    assertThatThrownBy(() -> IdempotencyKeys.read(OPTIONAL, List.of(value)))
        .isInstanceOfSatisfying(GatewayException.class, e -> assertThat(e.error()).isEqualTo(GatewayError.MALFORMED_IDEMPOTENCY_KEY));
  }

  @Test
  void keysUpTo255CharactersAreTakenAndLongerOnesRefused() {
    assertThat(IdempotencyKeys.read(OPTIONAL, List.of("k".repeat(255)))).hasSize(255);
    assertThatThrownBy(() -> IdempotencyKeys.read(OPTIONAL, List.of("\"" + "k".repeat(256) + "\"")))
        .isInstanceOf(GatewayException.class);
  }

  @Test
  void theHeaderTwiceIsRefused() {
    assertThatThrownBy(() -> IdempotencyKeys.read(OPTIONAL, List.of("\"a\"", "\"a\""))).isInstanceOf(GatewayException.class);
  }

  @Test
  void theFingerprintTellsBodiesHeadersAndRoutesApart() {
    RouteConfig orders = route("orders.POST /orders", "POST");
    byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
    String base = IdempotencyKeys.fingerprint(orders, List.of(List.of("application/json")), body);

    assertThat(IdempotencyKeys.fingerprint(orders, List.of(List.of("application/json")), body.clone())).isEqualTo(base);
    assertThat(IdempotencyKeys.fingerprint(orders, List.of(List.of("application/json")), "{\"a\":2}".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(base);
    assertThat(IdempotencyKeys.fingerprint(orders, List.of(List.of("text/plain")), body)).isNotEqualTo(base);
    assertThat(IdempotencyKeys.fingerprint(orders, List.of(List.of()), body)).isNotEqualTo(base);
    assertThat(IdempotencyKeys.fingerprint(route("orders.PUT /orders", "PUT"), List.of(List.of("application/json")), body))
        .isNotEqualTo(base);
    // length prefixes: moving bytes between a header value and the body is another request
    assertThat(IdempotencyKeys.fingerprint(orders, List.of(List.of("ab")), "c".getBytes(StandardCharsets.UTF_8)))
        .isNotEqualTo(IdempotencyKeys.fingerprint(orders, List.of(List.of("a")), "bc".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void keysAreScopedByRoute() {
    assertThat(IdempotencyKeys.scope(route("a", "POST"), null, "k")).isNotEqualTo(IdempotencyKeys.scope(route("b", "POST"), null, "k"));
  }
}
