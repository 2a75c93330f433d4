package io.courier.gateway.testing;

import io.courier.responder.Reply;
import io.courier.responder.Responder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Echo services built on the responder library, answering after a fixed delay so that many requests are in
 * flight at once; also runnable as a child JVM: {@code EchoResponders <bootstrap> <topic> <group> <delayMs>}.
 */
public final class EchoResponders {
  private static final ScheduledExecutorService DELAY =
      Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "echo-delay");
        thread.setDaemon(true);
        return thread;
      });

  private EchoResponders() {}

  /** A started echo responder in group {@code group}, with a 6 s session timeout so a crash is noticed fast. */
  public static Responder start(String bootstrap, String topic, String group, long delayMillis) {
    Responder responder =
        Responder.builder()
            .bootstrapServers(bootstrap)
            .requestTopic(topic)
            .groupId(group)
            .kafkaProperty("session.timeout.ms", 6000)
            .kafkaProperty("heartbeat.interval.ms", 1000)
            .handler(
                request -> {
                  CompletableFuture<Reply> reply = new CompletableFuture<>();
                  Reply echo = Reply.status(200).body("text/plain", request.body());
                  DELAY.schedule(() -> reply.complete(echo), delayMillis, TimeUnit.MILLISECONDS);
                  return reply;
                })
            .build();
    return responder.start();
  }

  public static void main(String[] args) throws Exception {
    Responder responder = start(args[0], args[1], args[2], Long.parseLong(args[3]));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(responder::isRunning);
    System.out.println("READY responder");
    Thread.currentThread().join();
  }
}
