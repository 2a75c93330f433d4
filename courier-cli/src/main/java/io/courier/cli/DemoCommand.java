package io.courier.cli;

import io.courier.cli.demo.Demo;
import io.courier.cli.demo.DemoScript;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code courier demo}: broker, example services and gateway in one process. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = "Start an embedded Kafka broker, the example services (orders, customers, basket, order validation) and the"
        + " gateway, and print curl commands to try. Ctrl-C stops everything.")
final class DemoCommand implements Callable<Integer> {
  @Option(names = {"-p", "--port"}, defaultValue = "8080", description = "HTTP port of the gateway (default ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--tls", description = "Serve HTTPS with a self-signed certificate made for this run; the commands printed trust it with curl --cacert.")
  boolean tls;

  @Override
  public Integer call() {
    System.out.println("Starting Kafka, the example services and the gateway...");
    Demo demo = Demo.start(port, tls);
    System.out.println(DemoScript.banner(demo));
    ShutdownSignal.awaitThenClose(demo);
    System.out.println("Courier demo stopped.");
    return 0;
  }
}
