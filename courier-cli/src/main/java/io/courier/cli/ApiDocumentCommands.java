package io.courier.cli;

import io.courier.gateway.apidocs.AsyncApiDocument;
import io.courier.gateway.apidocs.OpenApiDocument;
import io.courier.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier openapi|asyncapi --config FILE}: the API documents a gateway with this configuration serves
 * at {@code /openapi.json} and {@code /asyncapi.json}, printed without starting it.
 */
final class ApiDocumentCommands {
  private ApiDocumentCommands() {}

  /** Prints one document of a configuration file; exit 2 when the file is invalid. */
  abstract static class Print implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "The configuration file (YAML).")
    Path config;

    private final Function<GatewayConfig, String> document;

    Print(Function<GatewayConfig, String> document) {
      this.document = document;
    }

    @Override
    public Integer call() {
      GatewayConfig loaded = ConfigFile.load(config, System.err);
      if (loaded == null) {
        return GatewayCommand.CONFIG_ERROR;
      }
      System.out.println(document.apply(loaded));
      return 0;
    }
  }

  @Command(name = "openapi", mixinStandardHelpOptions = true,
      description = "Print the OpenAPI 3.1 document of a configuration's routes (what GET /openapi.json serves).")
  static final class OpenApi extends Print {
    OpenApi() {
      super(OpenApiDocument::json);
    }
  }

  @Command(name = "asyncapi", mixinStandardHelpOptions = true,
      description = "Print the AsyncAPI 3 document of a configuration's topics (what GET /asyncapi.json serves).")
  static final class AsyncApi extends Print {
    AsyncApi() {
      super(AsyncApiDocument::json);
    }
  }
}
