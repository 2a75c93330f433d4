package io.courier.gateway.http;

import io.courier.gateway.kafka.RecordBatchListener;
import io.vertx.core.Context;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the responses decided while a consumer thread handles one poll's replies to their event loops in
 * one task per event loop, rather than one task (and possibly one wake-up of a sleeping loop) per reply.
 * Outside a batch, a response is handed over at once. Thread-confined: each consumer thread has its own batch.
 */
public final class ResponseBatches implements RecordBatchListener {
  private static final Logger LOGGER = LoggerFactory.getLogger(ResponseBatches.class);
  private static final ThreadLocal<Map<Context, List<Runnable>>> OPEN = new ThreadLocal<>();

  @Override
  public void batchStarted() {
    OPEN.set(new IdentityHashMap<>(4));
  }

  @Override
  public void batchEnded() {
    Map<Context, List<Runnable>> batch = OPEN.get();
    OPEN.remove();
    if (batch != null) {
      batch.forEach((context, tasks) -> context.runOnContext(ignored -> runAll(tasks)));
    }
  }

  /** Runs {@code task} on {@code context}: with the current batch if this thread has one open, else now. */
  static void submit(Context context, Runnable task) {
    Map<Context, List<Runnable>> batch = OPEN.get();
    if (batch == null) {
      context.runOnContext(ignored -> task.run());
    } else {
      batch.computeIfAbsent(context, loop -> new ArrayList<>()).add(task);
    }
  }

  private static void runAll(List<Runnable> tasks) {
    for (Runnable task : tasks) {
      try {
        task.run();
      } catch (RuntimeException e) {
        // One failed response must not keep the rest of the batch from their callers.
        LOGGER.warn("Writing a response failed", e);
      }
    }
  }
}
