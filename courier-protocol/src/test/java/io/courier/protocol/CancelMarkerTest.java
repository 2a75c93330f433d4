package io.courier.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class CancelMarkerTest {
  @Test
  void aMarkerNamesTheCancelledRequestAndCarriesNoCorrelationHeader() {
    Headers marker = CancelMarker.headers("gw-1.abc");

    assertThat(CancelMarker.cancelledId(marker)).isEqualTo("gw-1.abc");
    assertThat(new String(marker.lastHeader(HeaderNames.PROTOCOL).value(), StandardCharsets.UTF_8)).isEqualTo(HeaderNames.PROTOCOL_VERSION);
    for (Profile profile : Profile.values()) {
      assertThat(marker.lastHeader(profile.correlationHeader())).as(profile.name()).isNull();
    }
  }

  @Test
  void aRequestIsNotAMarker() {
    Headers request = TestEnvelopesLike.request();
    Headers empty = new RecordHeaders().add(HeaderNames.CANCEL, new byte[0]);

    assertThat(CancelMarker.cancelledId(request)).isNull();
    assertThat(CancelMarker.cancelledId(empty)).isNull();
  }

  /** A request's headers, without the test-support module. */
  private static final class TestEnvelopesLike {
    static Headers request() {
      return RequestEnvelope.builder()
          .profile(Profile.COURIER)
          .correlationId("gw-1.abc")
          .replyTopic("courier.responses")
          .replyPartition(0)
          .deadline(java.time.Instant.parse("2026-12-01T00:00:00Z"))
          .method("GET")
          .path("/x")
          .build()
          .toHeaders();
    }
  }
}
