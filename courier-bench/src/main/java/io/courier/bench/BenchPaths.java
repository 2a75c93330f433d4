package io.courier.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where results and child-process logs go: {@code courier-bench/target/bench/} of the project checkout. */
final class BenchPaths {
  private BenchPaths() {}

  static Path defaultOutputDir() {
    Path dir = codeLocation();
    for (int level = 0; dir != null && level < 6; level++, dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("courier-bench/pom.xml"))) {
        return dir.resolve("courier-bench/target/bench");
      }
    }
    return Path.of("courier-bench-results").toAbsolutePath();
  }

  private static Path codeLocation() {
    try {
      return Path.of(BenchPaths.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return Path.of("").toAbsolutePath();
    }
  }
}
