package io.courier.gateway.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;

/** A failure to produce is answered by its type in Kafka's hierarchy; a time-out by its cause when that is final. */
class ProduceFailuresTest {
  @Test
  void aRecordTooLargeIs413() {
    assertThat(ProduceFailures.classify(new RecordTooLargeException("too large"))).isEqualTo(GatewayError.BODY_TOO_LARGE);
  }

  @Test
  void whatMaySucceedLaterIsARetryable503() {
    assertThat(ProduceFailures.classify(new NotEnoughReplicasException("1 of 2"))).isEqualTo(GatewayError.PRODUCE_FAILED);
    assertThat(ProduceFailures.classify(new BufferExhaustedException("full"))).isEqualTo(GatewayError.PRODUCE_FAILED);
    // a deleted topic: its metadata's error is retriable, so the time-out stands
    TimeoutException deleted = new TimeoutException("Topic t not present in metadata after 0 ms.", new UnknownTopicOrPartitionException("t"));
    assertThat(ProduceFailures.decisive(deleted)).isSameAs(deleted);
    assertThat(ProduceFailures.classify(deleted)).isEqualTo(GatewayError.PRODUCE_FAILED);
  }

  @Test
  void aTimeOutCausedByARefusalKafkaCallsFinalIsThatRefusal() {
    // what a producer that does not block reports for a topic it may not write to
    TimeoutException refused = new TimeoutException("Topic t not present in metadata after 0 ms.", new TopicAuthorizationException(Set.of("t")));

    assertThat(ProduceFailures.decisive(refused)).isInstanceOf(TopicAuthorizationException.class);
    assertThat(ProduceFailures.classify(refused)).isEqualTo(GatewayError.KAFKA_REFUSED);
  }
}
