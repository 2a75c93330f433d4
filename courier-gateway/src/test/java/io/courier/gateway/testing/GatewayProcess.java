package io.courier.gateway.testing;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import java.nio.file.Path;

/** A gateway in a child JVM ({@link ChildJvm}): {@code GatewayProcess <courier.yaml>}; prints {@code READY <port>}. */
public final class GatewayProcess {
  private GatewayProcess() {}

  public static void main(String[] args) throws Exception {
    Gateway gateway = Gateway.start(ConfigLoader.load(Path.of(args[0])));
    gateway.whenReady().get(60, java.util.concurrent.TimeUnit.SECONDS);
    System.out.println("READY " + gateway.httpPort());
    Thread.currentThread().join();
  }
}
