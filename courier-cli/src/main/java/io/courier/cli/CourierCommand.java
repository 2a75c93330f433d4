package io.courier.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code courier} command line: {@code courier gateway}, {@code check}, {@code routes}, {@code demo}, {@code bench}. */
@Command(
    name = "courier",
    mixinStandardHelpOptions = true,
    versionProvider = CourierCommand.Version.class,
    description = "HTTP request-response gateway for Apache Kafka.",
    subcommands = {
      GatewayCommand.class, CheckCommand.class, RoutesCommand.class, ApiKeyCommand.class, ApiDocumentCommands.OpenApi.class,
      ApiDocumentCommands.AsyncApi.class, DemoCommand.class, BenchCommand.class, WsCommand.class,
      VerifyResponderCommand.class})
public final class CourierCommand implements Runnable {
  @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CourierCommand()).execute(args));
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = CourierCommand.class.getPackage().getImplementationVersion();
      return new String[] {"courier " + (version == null ? "development build" : version)};
    }
  }
}
