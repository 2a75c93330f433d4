package io.courier.cli;

import java.util.concurrent.CountDownLatch;

/** Blocks the main thread until Ctrl-C (or SIGTERM), then runs the given cleanup before the JVM exits. */
final class ShutdownSignal {
  private ShutdownSignal() {}

  static void awaitThenClose(AutoCloseable resource) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    resource.close();
                  } catch (Exception e) {
                    System.err.println("courier: error while stopping: " + e);
                  } finally {
                    stopped.countDown();
                  }
                },
                "courier-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
