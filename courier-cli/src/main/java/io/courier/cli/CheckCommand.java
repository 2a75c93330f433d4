package io.courier.cli;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.kafka.KafkaClients;
import io.courier.gateway.kafka.Preflight;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier check --config FILE [--kafka]}: the checks start-up makes, without starting. Exit codes: 0
 * valid, 1 the cluster lacks something the gateway needs, 2 the configuration is invalid, 3 the cluster
 * cannot be asked.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Check a configuration as start-up would: every key and value, and the Kafka clients' settings.",
      "With --kafka, also the cluster: every topic exists, static ownership has enough partitions, the results topic's settings.",
      "Exit codes: 0 valid, 1 the cluster lacks something, 2 invalid configuration, 3 the cluster cannot be reached."})
final class CheckCommand implements Callable<Integer> {
  static final int CLUSTER_PROBLEM = 1;
  static final int UNREACHABLE = 3;

  @Option(names = {"-c", "--config"}, required = true, description = "The configuration file (YAML).")
  Path config;

  @Option(names = "--kafka", description = "Also check the cluster the file names (or --bootstrap-servers).")
  boolean kafka;

  @Option(names = "--bootstrap-servers", description = "Overrides kafka.bootstrap-servers from the file.")
  String bootstrapServers;

  @Override
  public Integer call() {
    // The clients made to check their settings try to connect; their warnings would bury the verdict.
    System.setProperty("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    PrintStream out = System.out;
    PrintStream err = System.err;
    GatewayConfig loaded = ConfigFile.load(config, err);
    if (loaded == null) {
      return GatewayCommand.CONFIG_ERROR;
    }
    try {
      if (bootstrapServers != null) {
        loaded = loaded.withBootstrapServers(bootstrapServers);
      }
      Preflight.clients(loaded);
    } catch (ConfigException e) {
      err.println("courier: invalid configuration: " + e.getMessage());
      return GatewayCommand.CONFIG_ERROR;
    }
    loaded.warnings().forEach(warning -> err.println("courier: warning: " + warning));
    long services = loaded.routes().stream().map(route -> route.service()).distinct().count();
    String summary = config + " is valid: " + services + " services, " + loaded.routes().size() + " routes";
    if (!kafka) {
      out.println("courier: " + summary + " (the cluster was not asked; add --kafka)");
      return 0;
    }
    Preflight.Findings findings;
    try (Admin admin = Admin.create(KafkaClients.admin(loaded.kafka(), loaded.instanceId()))) {
      findings = Preflight.cluster(loaded, admin);
    } catch (KafkaException e) {
      err.println("courier: cannot ask Kafka at " + loaded.kafka().bootstrapServers() + ": " + e.getMessage());
      return UNREACHABLE;
    }
    findings.warnings().forEach(warning -> err.println("courier: warning: " + warning));
    if (!findings.problems().isEmpty()) {
      findings.problems().forEach(problem -> err.println("courier: " + problem));
      return CLUSTER_PROBLEM;
    }
    out.println("courier: " + summary + "; " + loaded.kafka().bootstrapServers() + " has its " + Preflight.topics(loaded).size()
        + " topics");
    return 0;
  }
}
