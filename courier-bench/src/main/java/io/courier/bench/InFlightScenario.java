package io.courier.bench;

import io.courier.bench.load.HttpRoundTrip;
import io.courier.bench.process.ChildProcess;
import io.courier.bench.process.GatewayProbe;
import io.vertx.core.Vertx;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * N requests at once, each on its own connection, through a gateway (own JVM, {@code -Xmx128m}: issue 14's bound) to a service
 * that answers after a delay. While they are in flight the gateway's heap (JVM metrics on its
 * {@code /metrics}, {@code jvm_memory_used_bytes{area="heap"}} summed over pools) is sampled every 100 ms.
 */
final class InFlightScenario {
  /** The gateway's heap cap in this scenario: staying alive and answering under it is the target. */
  static final int HEAP_CAP_MB = 128;

  private InFlightScenario() {}

  record Result(int sent, long answered, long errors, double seconds, double p50Millis, double maxMillis,
      double maxHeapMb, double gatewayCpuSeconds) {}

  static Result run(ChildProcess gateway, Vertx clientVertx, int count, Duration delay) {
    Histogram latency = new ConcurrentHistogram(TimeUnit.MINUTES.toNanos(5), 3);
    LongAdder answered = new LongAdder();
    LongAdder errors = new LongAdder();
    CountDownLatch done = new CountDownLatch(count);
    AtomicLong maxHeap = new AtomicLong();
    GatewayProbe probe = new GatewayProbe(gateway.port());
    byte[] body = Payload.json256();
    double cpuBefore = gateway.cpuSeconds();
    long start = System.nanoTime();
    try (HttpRoundTrip client = new HttpRoundTrip(clientVertx, gateway.port(), count)) {
      for (int i = 0; i < count; i++) {
        long sentAt = System.nanoTime();
        client.send(
            body,
            ok -> {
              if (ok) {
                latency.recordValue(System.nanoTime() - sentAt);
                answered.increment();
              } else {
                errors.increment();
              }
              done.countDown();
            });
      }
      long deadline = System.nanoTime() + delay.multipliedBy(4).plusSeconds(60).toNanos();
      while (done.getCount() > 0 && System.nanoTime() < deadline) {
        maxHeap.accumulateAndGet(heapUsedBytes(probe), Math::max);
        done.await(100, TimeUnit.MILLISECONDS);
      }
      maxHeap.accumulateAndGet(heapUsedBytes(probe), Math::max);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return new Result(count, answered.sum(), errors.sum() + done.getCount(), seconds,
        latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(50) / 1e6,
        latency.getTotalCount() == 0 ? Double.NaN : latency.getMaxValue() / 1e6,
        maxHeap.get() / (1024.0 * 1024.0), gateway.cpuSeconds() - cpuBefore);
  }

  /** The gateway's heap in use now, from its Prometheus endpoint; 0 if it did not answer. */
  private static long heapUsedBytes(GatewayProbe gateway) {
    try {
      return (long) GatewayProbe.sum(gateway.metrics(), "jvm_memory_used_bytes", "area=\"heap\"");
    } catch (UncheckedIOException e) {
      return 0;
    }
  }
}
