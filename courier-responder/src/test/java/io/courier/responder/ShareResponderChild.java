package io.courier.responder;

import io.courier.testing.ChildJvm;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Share-group responders in a process of their own, for a test to kill: they take requests and never finish
 * them, printing {@code TOOK <correlationId>} for each, so the test knows which records they hold when they
 * die. Arguments: bootstrap servers, request topic, group id, how many responders (members of the group).
 */
public final class ShareResponderChild {
  private ShareResponderChild() {}

  public static void main(String[] args) throws InterruptedException {
    for (int i = Integer.parseInt(args[3]); i > 0; i--) {
      start(args);
    }
    System.out.println(ChildJvm.READY + "share responders");
    System.out.flush();
    Thread.currentThread().join();
  }

  private static void start(String[] args) {
    Responder responder = Responder.builder()
        .bootstrapServers(args[0])
        .requestTopic(args[1])
        .groupId(args[2])
        .groupType(GroupType.SHARE)
        .maxInFlight(1)
        .handler(request -> {
          System.out.println("TOOK " + request.correlationId());
          System.out.flush();
          return new CompletableFuture<>(); // busy until it dies
        })
        .shutdownTimeout(Duration.ofSeconds(1))
        .build()
        .start();
    // The child runs on the test's class path; the parent waits for READY, printed once all are running.
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(responder::isRunning);
  }
}
