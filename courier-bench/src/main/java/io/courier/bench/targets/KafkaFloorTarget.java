package io.courier.bench.targets;

import io.courier.bench.load.KafkaRoundTrip;
import io.courier.bench.load.RoundTrip;

/**
 * The Kafka floor, run inside the bench JVM: one {@link KafkaRoundTrip} (one producer, one reply consumer)
 * shared by every run, as the gateway shares one producer and one consumer among its connections.
 */
public final class KafkaFloorTarget implements Target {
  public static final String NAME = "kafka-floor";

  private final KafkaRoundTrip client;

  public KafkaFloorTarget(String bootstrap, String requestTopic, String replyTopic) {
    this.client = new KafkaRoundTrip(bootstrap, requestTopic, replyTopic);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public RoundTrip roundTrip(int connections) {
    return new RoundTrip() {
      @Override
      public void send(byte[] body, Completion completion) {
        client.send(body, completion);
      }

      @Override
      public void close() {
        // the client lives as long as the target
      }
    };
  }

  /** The client threads' CPU ({@link KafkaRoundTrip#clientCpuSeconds()}): the floor has no process of its own. */
  @Override
  public double cpuSeconds() {
    return client.clientCpuSeconds();
  }

  @Override
  public void close() {
    client.close();
  }
}
