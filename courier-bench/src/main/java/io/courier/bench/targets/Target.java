package io.courier.bench.targets;

import io.courier.bench.load.RoundTrip;

/** Something the load generator measures: Courier, the Spring peer, or a floor. */
public interface Target extends AutoCloseable {
  String name();

  /** A way to send requests with up to {@code connections} connections; the caller closes it. */
  RoundTrip roundTrip(int connections);

  /**
   * CPU seconds used so far by the target's own process; for a target inside the bench JVM (the Kafka floor), by
   * its own threads; {@code NaN} when not measurable.
   */
  double cpuSeconds();

  /** Stops the target's process, if it has one. */
  @Override
  void close();
}
