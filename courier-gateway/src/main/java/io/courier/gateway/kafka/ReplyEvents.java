package io.courier.gateway.kafka;

import io.courier.gateway.pending.ReplyOutcome;

/**
 * What the reply path reports as it goes, implemented by the gateway's metrics. Called on the consumer
 * threads and the producer's I/O thread: implementations must not block.
 */
public interface ReplyEvents {
  /** A reply was read from {@code source} and became {@code outcome}. */
  void reply(ReplySource source, ReplyOutcome outcome);

  /** A reply of another instance was put on the forward topic ({@code sent}), or dropped (queue full, produce failed). */
  void forward(boolean sent);
}
