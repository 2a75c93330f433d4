package io.courier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class CorrelationIdsTest {

  @Test
  void idIsInstanceDotTwentyTwoBase64UrlCharacters() {
    // given
    CorrelationIds ids = new CorrelationIds("gw-1");

    // when
    String id = ids.next();

    // then
    assertThat(id).matches("gw-1\\.[A-Za-z0-9_-]{22}");
  }

  @Test
  void idsDoNotRepeatOverAHundredThousand() {
    // given
    CorrelationIds ids = new CorrelationIds("gw");
    Set<String> seen = new HashSet<>();

    // when
    for (int i = 0; i < 100_000; i++) {
      seen.add(ids.next());
    }

    // then
    assertThat(seen).hasSize(100_000);
  }

  @Test
  void instanceOfAnIdIsTheInstanceThatMadeIt() {
    String id = new CorrelationIds("gateway_A-7").next();

    assertThat(CorrelationIds.instanceOf(id)).isEqualTo("gateway_A-7");
  }

  @Test
  void longestValidInstanceIdIsAcceptedAndRoundTrips() {
    String instance = "a".repeat(64);

    String id = new CorrelationIds(instance).next();

    assertThat(CorrelationIds.instanceOf(id)).isEqualTo(instance);
  }

  @Test
  void instanceOfAnotherGatewaysIdNamesThatGateway() {
    assertThat(CorrelationIds.instanceOf("other-gw.AAAAAAAAAAAAAAAAAAAAAA")).isEqualTo("other-gw");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"gw.1", "gw 1", "gw/1", "gw:1", "gwé", "gw\n"})
  void invalidInstanceIdIsRejected(String instanceId) {
    assertThat(CorrelationIds.isValidInstanceId(instanceId)).isFalse();
    assertThatIllegalArgumentException()
        .isThrownBy(() -> new CorrelationIds(instanceId))
        .withMessageContaining("instance id");
  }

  @Test
  void instanceIdLongerThanSixtyFourCharactersIsRejected() {
    assertThatIllegalArgumentException().isThrownBy(() -> new CorrelationIds("a".repeat(65)));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "no-separator-at-all",
        ".leading-separator",
        "bad instance.AAAA",
        "bad/instance.AAAA",
        "9b2f6d1e-uuid-without-dot",
      })
  void instanceOfGarbageIsNull(String correlationId) {
    assertThat(CorrelationIds.instanceOf(correlationId)).isNull();
  }

  @Test
  void instanceOfUsesTheLastSeparator() {
    // a Spring responder's own id, say, "a.b.c": the part before the last dot is not a valid instance id
    assertThat(CorrelationIds.instanceOf("a.b.c")).isNull();
    assertThat(CorrelationIds.instanceOf("a.b")).isEqualTo("a");
  }
}
