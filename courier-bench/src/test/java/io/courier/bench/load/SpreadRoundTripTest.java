package io.courier.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The round-robin balancer of the instances scenario, over recording fakes. */
class SpreadRoundTripTest {

  /** Remembers what was sent to it and answers at once. */
  private static final class Recording implements RoundTrip {
    int sent;
    boolean closed;

    @Override
    public void send(byte[] body, Completion completion) {
      sent++;
      completion.done(true);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void requestsGoToEachInstanceInTurnAndEveryAnswerReachesItsCaller() {
    // Given three instances behind the spread
    List<Recording> instances = List.of(new Recording(), new Recording(), new Recording());
    List<Boolean> answers = new ArrayList<>();

    // When seven requests are sent
    try (SpreadRoundTrip spread = new SpreadRoundTrip(instances)) {
      for (int i = 0; i < 7; i++) {
        spread.send(new byte[0], answers::add);
      }
    }

    // Then they went round robin (3, 2, 2), each was answered, and closing the spread closed every instance
    assertThat(instances).extracting(r -> r.sent).containsExactly(3, 2, 2);
    assertThat(answers).hasSize(7).containsOnly(true);
    assertThat(instances).allMatch(r -> r.closed);
  }

  @Test
  void noInstanceIsRefused() {
    assertThatThrownBy(() -> new SpreadRoundTrip(List.of())).isInstanceOf(IllegalArgumentException.class);
  }
}
