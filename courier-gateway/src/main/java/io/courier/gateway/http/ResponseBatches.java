package io.courier.gateway.http;

import io.courier.gateway.kafka.RecordBatchListener;
import io.netty.channel.EventLoop;
import io.vertx.core.Context;
import io.vertx.core.internal.ContextInternal;
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
 *
 * <p>Each request runs on its own duplicated context of its event loop (Vert.x gives every HTTP request one),
 * so a batch is grouped by the event loop itself ({@link ContextInternal#nettyEventLoop()}, Vert.x
 * internals) and each response is then run on its own request's context ({@link ContextInternal#dispatch}),
 * as {@code runOnContext} would have run it.
 */
public final class ResponseBatches implements RecordBatchListener {
  private static final Logger LOGGER = LoggerFactory.getLogger(ResponseBatches.class);
  private static final ThreadLocal<Map<EventLoop, List<Task>>> OPEN = new ThreadLocal<>();

  private record Task(ContextInternal context, Runnable run) {}

  @Override
  public void batchStarted() {
    OPEN.set(new IdentityHashMap<>(4));
  }

  @Override
  public void batchEnded() {
    Map<EventLoop, List<Task>> batch = OPEN.get();
    OPEN.remove();
    if (batch == null) {
      return;
    }
    batch.forEach(
        (loop, tasks) -> {
          try {
            loop.execute(() -> runAll(tasks));
          } catch (RuntimeException e) {
            // A loop shutting down refuses tasks; the other loops still get theirs.
            LOGGER.warn("An event loop refused {} responses: {}", tasks.size(), e.toString());
          }
        });
  }

  /** Runs {@code task} on {@code context}: with the current batch if this thread has one open, else now. */
  public static void submit(Context context, Runnable task) {
    Map<EventLoop, List<Task>> batch = OPEN.get();
    if (batch == null || !(context instanceof ContextInternal internal) || !context.isEventLoopContext()) {
      context.runOnContext(ignored -> task.run());
    } else {
      batch.computeIfAbsent(internal.nettyEventLoop(), loop -> new ArrayList<>()).add(new Task(internal, task));
    }
  }

  private static void runAll(List<Task> tasks) {
    for (Task task : tasks) {
      try {
        task.context().dispatch(task.run());
      } catch (RuntimeException e) {
        // One failed response must not keep the rest of the batch from their callers.
        LOGGER.warn("Writing a response failed", e);
      }
    }
  }
}
