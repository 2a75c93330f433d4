package io.courier.cli;

import io.courier.gateway.config.ConfigException;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.GatewayConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the configuration file of a command, saying what is wrong with it the way {@code courier gateway} does. */
final class ConfigFile {
  private ConfigFile() {}

  /** The configuration, or {@code null} after telling {@code err} why it cannot be read. */
  static GatewayConfig load(Path file, PrintStream err) {
    if (!Files.isReadable(file)) {
      err.println("courier: cannot read configuration file " + file);
      return null;
    }
    try {
      return ConfigLoader.load(file);
    } catch (ConfigException e) {
      err.println("courier: invalid configuration: " + e.getMessage());
      return null;
    }
  }
}
