package io.courier.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class StreamMarkersTest {
  @Test
  void itemsAndTheEndReadBackAsWritten() {
    Headers item = new RecordHeaders();
    StreamMarkers.markItem(item, 7);
    Headers end = new RecordHeaders();
    StreamMarkers.markEnd(end, 8, 206);

    assertThat(StreamMarkers.positionOf(item)).isEqualTo(new StreamMarkers.Position(7, -1));
    assertThat(StreamMarkers.positionOf(item).isEnd()).isFalse();
    assertThat(StreamMarkers.positionOf(end)).isEqualTo(new StreamMarkers.Position(8, 206));
    assertThat(StreamMarkers.positionOf(end).isEnd()).isTrue();
  }

  @Test
  void anOrdinaryReplyHasNoPosition() {
    assertThat(StreamMarkers.positionOf(new RecordHeaders())).isNull();
  }

  @Test
  void badNumbersAndAnEndWithoutSequenceAreProtocolErrors() {
    assertThatThrownBy(() -> StreamMarkers.positionOf(headers(HeaderNames.STREAM_SEQ, "-1"))).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> StreamMarkers.positionOf(headers(HeaderNames.STREAM_SEQ, "x"))).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> StreamMarkers.positionOf(headers(HeaderNames.STREAM_END, "200"))).isInstanceOf(ProtocolException.class);
    Headers badStatus = headers(HeaderNames.STREAM_SEQ, "0").add(HeaderNames.STREAM_END, "99".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> StreamMarkers.positionOf(badStatus)).isInstanceOf(ProtocolException.class);
    assertThatThrownBy(() -> StreamMarkers.markEnd(new RecordHeaders(), 0, 600)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStreamingRequestNamesTheIdleLimit() {
    Headers request = new RecordHeaders();
    assertThat(StreamMarkers.idleTimeoutMillis(request)).isEqualTo(-1);

    StreamMarkers.markStreaming(request, 10_000);

    assertThat(StreamMarkers.idleTimeoutMillis(request)).isEqualTo(10_000);
    assertThat(HeaderNames.isProtocolHeader(HeaderNames.STREAM)).isTrue();
  }

  private static Headers headers(String name, String value) {
    return new RecordHeaders().add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
