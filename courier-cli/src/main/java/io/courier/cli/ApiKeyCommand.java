package io.courier.cli;

import io.courier.gateway.config.AuthenticationConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code courier api-key [--name NAME]}: a new random API key (256 bits from {@link SecureRandom}) and the
 * entry that makes the gateway accept it, by its SHA-256 only; {@code --hash} reads a key from standard input
 * and prints its SHA-256, for keys made elsewhere.
 */
@Command(
    name = "api-key",
    mixinStandardHelpOptions = true,
    description = "Make a new API key and print the configuration entry (its SHA-256) that accepts it.")
final class ApiKeyCommand implements Callable<Integer> {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Option(names = "--name", defaultValue = "caller", description = "The caller's name, its identity at the services (default ${DEFAULT-VALUE}).")
  String name;

  @Option(names = "--hash", description = "Read a key from standard input and print its SHA-256 instead.")
  boolean hash;

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    if (hash) {
      // Read as the gateway reads a key file: all of it, surrounding white space dropped, one line.
      String key = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
      if (key.isEmpty()) {
        System.err.println("courier: no key on standard input");
        return GatewayCommand.CONFIG_ERROR;
      }
      if (key.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
        System.err.println("courier: the key on standard input has a line break, space or control character; one key, on one line");
        return GatewayCommand.CONFIG_ERROR;
      }
      out.println(HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash(key)));
      return 0;
    }
    if (!AuthenticationConfig.ApiKey.NAME.matcher(name).matches()) {
      System.err.println("courier: --name must be 1-128 characters of A-Z a-z 0-9 . _ @ : -, was \"" + name + "\"");
      return GatewayCommand.CONFIG_ERROR;
    }
    byte[] random = new byte[32];
    RANDOM.nextBytes(random);
    String key = "ck_" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    out.println("key:    " + key);
    out.println("        (give it to the caller, who sends it in the API key header; it is stored nowhere)");
    out.println("entry for authentication.api-keys.keys:");
    out.println("  - {name: " + name + ", sha256: " + HexFormat.of().formatHex(AuthenticationConfig.ApiKey.hash(key)) + "}");
    return 0;
  }
}
