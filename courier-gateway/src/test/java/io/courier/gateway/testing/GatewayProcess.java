package io.courier.gateway.testing;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import java.nio.file.Path;

/** A gateway in a child JVM ({@link ChildJvm}): {@code GatewayProcess <courier.yaml>}; prints {@code READY <port>}. */
public final class GatewayProcess {
  private GatewayProcess() {}

  public static void main(String[] args) throws Exception {
    Gateway gateway = Gateway.start(ConfigLoader.load(Path.of(args[0])));
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(gateway::isReady);
    System.out.println("READY " + gateway.httpPort());
    Thread.currentThread().join();
  }
}
