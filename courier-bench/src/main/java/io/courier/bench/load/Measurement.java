package io.courier.bench.load;

/**
 * What one measurement window of one target in one mode gave. Latencies in milliseconds; CPU in seconds used
 * during the window by the target's own process (for the Kafka floor, its client's threads; {@code NaN} when not
 * measurable) and by the bench JVM (broker,
 * echo responder, the Java load generator, and the Kafka floor's client). {@code generator} says what made the
 * load: {@code java} ({@link LoadRunner}, inside the bench JVM) or {@code wrk} ({@link WrkRunner}, a process of
 * its own).
 */
public record Measurement(
    String target,
    String mode,
    String generator,
    long answered,
    long errors,
    double seconds,
    double p50Millis,
    double p99Millis,
    double p999Millis,
    double targetCpuSeconds,
    double benchCpuSeconds) {

  /** The same figures under another mode's name (a scenario's own, say). */
  public Measurement withMode(String newMode) {
    return new Measurement(target, newMode, generator, answered, errors, seconds, p50Millis, p99Millis, p999Millis,
        targetCpuSeconds, benchCpuSeconds);
  }

  public double requestsPerSecond() {
    return seconds > 0 ? answered / seconds : 0;
  }

  /** CPU microseconds the target's own process spent per answered request. */
  public double targetCpuMicrosPerRequest() {
    return answered > 0 ? targetCpuSeconds * 1e6 / answered : Double.NaN;
  }
}
