package io.courier.cli;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code courier gateway --config courier.yaml}: the gateway alone, against an existing cluster. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = "Run the gateway against an existing Kafka cluster. Ctrl-C drains and stops it.")
final class GatewayCommand implements Callable<Integer> {
  static final int CONFIG_ERROR = 2;

  @Option(names = {"-c", "--config"}, required = true, description = "The configuration file (YAML).")
  Path config;

  @Option(names = "--instance-id", description = "Overrides instance-id from the file.")
  String instanceId;

  @Option(names = {"-p", "--port"}, description = "Overrides http.port from the file.")
  Integer port;

  @Option(names = "--bootstrap-servers", description = "Overrides kafka.bootstrap-servers from the file.")
  String bootstrapServers;

  @Override
  public Integer call() {
    GatewayConfig loaded = ConfigFile.load(config, System.err);
    if (loaded == null) {
      return CONFIG_ERROR;
    }
    try {
      if (instanceId != null) {
        loaded = loaded.withInstanceId(instanceId);
      }
      if (port != null) {
        loaded = loaded.withHttpPort(port);
      }
      if (bootstrapServers != null) {
        loaded = loaded.withBootstrapServers(bootstrapServers);
      }
    } catch (ConfigException e) {
      System.err.println("courier: invalid configuration: " + e.getMessage());
      return CONFIG_ERROR;
    }
    Gateway gateway;
    try {
      gateway = Gateway.start(loaded);
    } catch (ConfigException e) {
      // A setting Kafka refused when the gateway made its clients.
      System.err.println("courier: invalid configuration: " + e.getMessage());
      return CONFIG_ERROR;
    }
    System.out.println(
        "Courier gateway " + loaded.instanceId() + " listening on port " + gateway.httpPort() + " (Ctrl-C to stop)");
    exitOnRefusal(gateway);
    ShutdownSignal.awaitThenClose(gateway);
    return 0;
  }

  /**
   * A setup the cluster shows cannot work (e.g. static ownership with more instances than partitions) ends
   * the process with exit code 2 instead of leaving an instance that is never ready. Async: the refusal is
   * signalled on a consumer thread, which the shutdown hooks must be free to join.
   */
  private static void exitOnRefusal(Gateway gateway) {
    gateway
        .whenReady()
        .exceptionallyAsync(
            refused -> {
              System.err.println("courier: the gateway cannot start: " + gateway.refusal());
              System.exit(CONFIG_ERROR);
              return null;
            });
  }
}
