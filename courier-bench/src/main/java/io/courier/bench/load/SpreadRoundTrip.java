package io.courier.bench.load;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Several instances of one target behind a round-robin balancer: each request goes to the next
 * {@link RoundTrip} in turn, whatever became of the previous ones (as a plain round-robin load balancer
 * does). Thread-safe if the round trips are; closing it closes them all.
 */
public final class SpreadRoundTrip implements RoundTrip {
  private final List<RoundTrip> instances;
  private final AtomicLong sent = new AtomicLong();

  /** @param instances at least one */
  public SpreadRoundTrip(List<? extends RoundTrip> instances) {
    if (instances.isEmpty()) {
      throw new IllegalArgumentException("no round trip to spread requests over");
    }
    this.instances = List.copyOf(instances);
  }

  @Override
  public void send(byte[] body, Completion completion) {
    instances.get((int) Math.floorMod(sent.getAndIncrement(), (long) instances.size())).send(body, completion);
  }

  @Override
  public void close() {
    instances.forEach(RoundTrip::close);
  }
}
