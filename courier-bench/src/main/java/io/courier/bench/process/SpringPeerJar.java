package io.courier.bench.process;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the Spring peer's runnable jar, {@code courier-bench-spring-peer/target/courier-bench-spring-peer-exec.jar},
 * which the reactor builds before this module (see courier-bench's pom). The system property
 * {@code courier.bench.spring-peer-jar} overrides the search.
 */
public final class SpringPeerJar {
  static final String RELATIVE = "courier-bench-spring-peer/target/courier-bench-spring-peer-exec.jar";

  private SpringPeerJar() {}

  public static Optional<Path> find() {
    String override = System.getProperty("courier.bench.spring-peer-jar");
    if (override != null) {
      return Optional.of(Path.of(override)).filter(Files::isRegularFile);
    }
    // Walk up from where this class was loaded: courier-bench/target/classes in the build, or
    // courier-cli/target/lib/courier-bench-*.jar behind ./courier; both sit under the project root.
    Optional<Path> fromCode = searchUp(codeLocation());
    return fromCode.isPresent() ? fromCode : searchUp(Path.of("").toAbsolutePath());
  }

  private static Optional<Path> searchUp(Path start) {
    Path dir = start;
    for (int level = 0; dir != null && level < 6; level++, dir = dir.getParent()) {
      Path candidate = dir.resolve(RELATIVE);
      if (Files.isRegularFile(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path codeLocation() {
    try {
      return Path.of(SpringPeerJar.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }
}
