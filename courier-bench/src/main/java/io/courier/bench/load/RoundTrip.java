package io.courier.bench.load;

/**
 * One way of making a request and getting its answer: over HTTP to a target, or straight through Kafka. The
 * load generator drives every target through this, so all see the same harness. Implementations are
 * thread-safe and never block in {@link #send}.
 */
public interface RoundTrip extends AutoCloseable {
  /** Called once per request, on any thread, when it is answered or has failed. */
  @FunctionalInterface
  interface Completion {
    void done(boolean ok);
  }

  void send(byte[] body, Completion completion);

  @Override
  void close();
}
