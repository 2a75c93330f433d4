package io.courier.cli;

import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.RouteConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code courier routes --config FILE}: the route table the gateway would serve, one route a line. */
@Command(
    name = "routes",
    mixinStandardHelpOptions = true,
    description = "Print the routes a configuration defines, with each one's settings resolved.")
final class RoutesCommand implements Callable<Integer> {
  private static final String[] HEADINGS = {
    "METHOD", "PATH", "ROUTE", "REQUEST TOPIC", "PROFILE", "KEY", "TIMEOUT", "MAX-IN-FLIGHT", "MAX-BODY", "IDEMPOTENCY", "AUTHENTICATION"};

  @Option(names = {"-c", "--config"}, required = true, description = "The configuration file (YAML).")
  Path config;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    GatewayConfig loaded = ConfigFile.load(config, System.err);
    if (loaded == null) {
      return GatewayCommand.CONFIG_ERROR;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(HEADINGS);
    for (RouteConfig route : loaded.routes()) {
      rows.add(new String[] {
        route.method(), route.path(), route.name(), route.requestTopic(), route.profile().name().toLowerCase(java.util.Locale.ROOT),
        route.key().text().equals("none") ? "-" : route.key().text(), route.timeout().toMillis() + "ms", Integer.toString(route.maxInFlight()),
        Integer.toString(route.maxBodyBytes()), route.idempotency().mode().name().toLowerCase(java.util.Locale.ROOT),
        authentication(route)});
    }
    print(out, rows);
    out.println();
    out.println("Answered by the gateway itself: GET " + io.courier.gateway.config.ManagementPaths.LISTED
        + (loaded.results().enabled() ? "; GET, DELETE " + loaded.results().path() + "/{id}" : ""));
    return 0;
  }

  /** {@code none}, or the methods with {@code |} and the scopes required, e.g. {@code jwt[orders:write]|api-key}. */
  private static String authentication(RouteConfig route) {
    return String.join("|", route.access().methods().stream()
        .map(method -> method.slug() + (method == io.courier.gateway.config.AuthMethod.JWT && !route.access().scopes().isEmpty()
            ? "[" + String.join(" ", route.access().scopes()) + "]" : ""))
        .toList());
  }

  /** Columns padded to their widest cell, two spaces apart. */
  private static void print(PrintStream out, List<String[]> rows) {
    int[] widths = new int[HEADINGS.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
