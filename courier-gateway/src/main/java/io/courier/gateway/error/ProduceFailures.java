package io.courier.gateway.error;

import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Which {@link GatewayError} a failure to produce a request record is answered with, decided by the
 * exception's type in Kafka's hierarchy, never by its message:
 *
 * <ul>
 *   <li>{@link RecordTooLargeException}, {@link RecordBatchTooLargeException}: {@link
 *       GatewayError#BODY_TOO_LARGE} (413): the same request will never fit, so no {@code Retry-After};
 *   <li>any {@link RetriableException} (timeouts, leader moves, not enough replicas, unknown partition):
 *       {@link GatewayError#PRODUCE_FAILED} (503 + {@code Retry-After});
 *   <li>everything else (authorization and authentication errors, invalid records, unsupported versions,
 *       a closed producer): {@link GatewayError#KAFKA_REFUSED} (500), not retryable.
 * </ul>
 *
 * <p>A Kafka {@link TimeoutException} whose cause is an {@link ApiException} Kafka does not call retriable is
 * classed by that cause ({@link #decisive}): a producer that does not block ({@code max.block.ms=0}) reports a
 * topic it may not write to as "not present in metadata", caused by the {@code TopicAuthorizationException} a
 * blocking send would have thrown.
 *
 * <p>The detail given to callers is fixed per error: exception text names topics and brokers, which callers
 * must not see; the gateway logs it instead.
 */
public final class ProduceFailures {
  private ProduceFailures() {}

  public static GatewayError classify(Throwable failure) {
    failure = decisive(failure);
    if (failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException) {
      return GatewayError.BODY_TOO_LARGE;
    }
    if (failure instanceof RetriableException) {
      return GatewayError.PRODUCE_FAILED;
    }
    return GatewayError.KAFKA_REFUSED;
  }

  /**
   * The failure that decides: the cause of a Kafka {@link TimeoutException} when that cause is an {@link
   * ApiException} that is not a {@link RetriableException} (waiting longer cannot mend it), else {@code failure}.
   */
  public static Throwable decisive(Throwable failure) {
    if (failure instanceof TimeoutException && failure.getCause() instanceof ApiException cause && !(cause instanceof RetriableException)) {
      return cause;
    }
    return failure;
  }

  /** What the caller is told for a failure of this class. */
  public static String detail(GatewayError error) {
    return switch (error) {
      case BODY_TOO_LARGE -> "the request is larger than Kafka accepts";
      case PRODUCE_FAILED -> "Kafka could not take the request now; it may succeed if tried again";
      default -> "Kafka refused the request; the gateway's log says why";
    };
  }
}
