package io.courier.bench.jmh;

import io.courier.protocol.HeaderFields;
import io.courier.gateway.pending.Outcome;
import io.courier.gateway.pending.PendingReplies;
import io.courier.gateway.pending.PendingRequest;
import io.courier.gateway.pending.ReplyOutcome;
import io.courier.protocol.CorrelationIds;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's life in the pending-reply registry, register then complete by the reply, against the floor of
 * the same work: a plain {@link ConcurrentHashMap} put and remove of the same request object. The difference
 * is what the registry's race handling and its memory of finished ids (for late/duplicate replies) cost.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PendingRepliesBenchmark {
  private static final int IDS = 1 << 18;
  private static final PendingRequest.Listener LISTENER = outcome -> {};

  private final String[] ids = new String[IDS];
  private final Outcome.Replied reply = new Outcome.Replied(200, HeaderFields.of("content-type", "application/json"), new byte[256]);
  private final Instant deadline = Instant.now().plusSeconds(3600);
  private PendingReplies registry;
  private Map<String, PendingRequest> baseline;
  private int next;

  @Setup
  public void setUp() {
    CorrelationIds correlationIds = new CorrelationIds("bench");
    for (int i = 0; i < IDS; i++) {
      ids[i] = correlationIds.next();
    }
    // As the gateway configures it: finished ids remembered 5 minutes, at most 100 000.
    registry = new PendingReplies("bench", Clock.systemUTC(), Duration.ofMinutes(5), 100_000);
    baseline = new ConcurrentHashMap<>();
  }

  @Benchmark
  public ReplyOutcome pendingRepliesRegisterComplete() {
    String id = ids[next++ & (IDS - 1)];
    registry.register(new PendingRequest(id, "echo", deadline, LISTENER));
    return registry.complete(id, reply);
  }

  @Benchmark
  public PendingRequest baselineConcurrentHashMapPutRemove() {
    String id = ids[next++ & (IDS - 1)];
    baseline.put(id, new PendingRequest(id, "echo", deadline, LISTENER));
    return baseline.remove(id);
  }
}
