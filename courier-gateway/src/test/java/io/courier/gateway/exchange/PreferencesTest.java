package io.courier.gateway.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferencesTest {
  @Test
  void respondAsyncAndWaitAreReadFromAnyPreferField() {
    assertThat(Preferences.parse(List.of("respond-async"))).isEqualTo(new Preferences(true, null));
    assertThat(Preferences.parse(List.of("respond-async, wait=5"))).isEqualTo(new Preferences(true, Duration.ofSeconds(5)));
    assertThat(Preferences.parse(List.of("wait=3", "RESPOND-ASYNC"))).isEqualTo(new Preferences(true, Duration.ofSeconds(3)));
    assertThat(Preferences.parse(List.of("respond-async; foo=bar, wait=\"7\""))).isEqualTo(new Preferences(true, Duration.ofSeconds(7)));
  }

  @Test
  void unknownPreferencesAndMalformedWaitsAreIgnored() {
    assertThat(Preferences.parse(List.of())).isSameAs(Preferences.NONE);
    assertThat(Preferences.parse(List.of("return=minimal, handling=strict"))).isSameAs(Preferences.NONE);
    assertThat(Preferences.parse(List.of("wait=-1, wait=abc, wait=1.5, wait="))).isSameAs(Preferences.NONE);
    assertThat(Preferences.parse(List.of("wait=99999999999999999999")).waitAtMost(Duration.ofSeconds(30)))
        .as("too large to hold: the largest, then capped").isEqualTo(Duration.ofSeconds(30));
    assertThat(Preferences.parse(List.of("respond-asyncx"))).isSameAs(Preferences.NONE);
  }

  @Test
  void theFirstWaitCountsAndIsCappedByTheGateway() {
    Preferences preferences = Preferences.parse(List.of("wait=100, wait=1"));

    assertThat(preferences.waitFor()).isEqualTo(Duration.ofSeconds(100));
    assertThat(preferences.waitAtMost(Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
    assertThat(Preferences.NONE.waitAtMost(Duration.ofSeconds(30))).isZero();
  }
}
