package io.courier.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.util.concurrent.SingleThreadEventExecutor;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The responses decided during one poll reach their event loop as one task, each still run on its own
 * request's context, and one that fails does not keep the others from their callers. A real Vert.x with one
 * event loop; the test thread plays the consumer thread.
 */
class ResponseBatchesTest {
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final ResponseBatches batches = new ResponseBatches();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  /** A request's context: as for HTTP requests, a duplicate of the event loop's. */
  private ContextInternal requestContext() {
    return ((ContextInternal) vertx.getOrCreateContext()).duplicate();
  }

  @Test
  void oneBatchIsOneTaskOnItsEventLoopAndEachResponseRunsOnItsOwnContext() throws Exception {
    List<ContextInternal> requests = List.of(requestContext(), requestContext(), requestContext());
    List<Context> ranOn = new CopyOnWriteArrayList<>();
    // the event loop is busy, so what the batch hands it waits in its queue, where it can be counted
    CountDownLatch busy = new CountDownLatch(1);
    requests.get(0).runOnContext(ignored -> waitFor(busy));
    SingleThreadEventExecutor loop = (SingleThreadEventExecutor) requests.get(0).nettyEventLoop();
    await().atMost(Duration.ofSeconds(5)).until(() -> loop.pendingTasks() == 0);

    batches.batchStarted();
    for (ContextInternal request : requests) {
      ResponseBatches.submit(request, () -> ranOn.add(Vertx.currentContext()));
    }
    batches.batchEnded();

    assertThat(loop.pendingTasks()).as("three responses, one task").isEqualTo(1);
    busy.countDown();
    await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.size() == 3);
    assertThat(ranOn).containsExactlyElementsOf(requests);
  }

  @Test
  void aResponseThatFailsDoesNotKeepTheRestOfItsBatch() {
    List<String> answered = new CopyOnWriteArrayList<>();

    batches.batchStarted();
    ResponseBatches.submit(requestContext(), () -> answered.add("first"));
    ResponseBatches.submit(requestContext(), () -> {
      throw new IllegalStateException("a response that cannot be written");
    });
    ResponseBatches.submit(requestContext(), () -> answered.add("third"));
    batches.batchEnded();

    await().atMost(Duration.ofSeconds(5)).until(() -> answered.size() == 2);
    assertThat(answered).containsExactly("first", "third");
  }

  @Test
  void outsideABatchAResponseIsHandedOverAtOnce() {
    List<Context> ranOn = new CopyOnWriteArrayList<>();
    ContextInternal request = requestContext();

    ResponseBatches.submit(request, () -> ranOn.add(Vertx.currentContext()));

    await().atMost(Duration.ofSeconds(5)).until(() -> ranOn.size() == 1);
    assertThat(ranOn).containsExactly(request);
  }

  private static void waitFor(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
