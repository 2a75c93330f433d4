package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./courier} runs, {@code target/courier.jar} with {@code target/lib}, holds every Courier class its
 * own classes refer to. A module the command line uses only at run time (the bench's child-JVM launcher) was once
 * left out because a test scope in this module's pom overrode it, and {@code ./courier bench} failed at start while
 * every test passed: the tests run on Maven's class path, not on the packaged one.
 */
class PackagedJarIT {
  private static final Path TARGET = Path.of("target");

  @Test
  void everyCourierClassTheJarsReferToIsPackaged() throws IOException {
    // Given the packaged jar and Courier's own jars in its lib folder (third-party jars have optional
    // dependencies, e.g. Kafka's server on JUnit-free tools, that are not this check's business)
    List<String> args = new ArrayList<>(List.of("--multi-release", "17", "--missing-deps", "--class-path", TARGET.resolve("lib") + "/*",
        TARGET.resolve("courier.jar").toString()));
    try (Stream<Path> lib = Files.list(TARGET.resolve("lib"))) {
      args.addAll(lib.filter(jar -> jar.getFileName().toString().startsWith("courier-")).map(Path::toString).sorted().toList());
    }
    assertThat(args).anyMatch(jar -> jar.contains("courier-bench-")); // the bench is among the jars checked

    // When jdeps lists what they refer to and cannot find
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit = ToolProvider.findFirst("jdeps").orElseThrow().run(print, print, args.toArray(String[]::new));
    String report = out.toString(StandardCharsets.UTF_8);

    // Then no missing class is a Courier class
    assertThat(exit).as(report).isZero();
    List<String> missingCourierClasses = report.lines()
        .filter(line -> line.matches("\\s+\\S+\\s+->\\s+io\\.courier\\.\\S+\\s+not found"))
        .collect(Collectors.toList());
    assertThat(missingCourierClasses).as(report).isEmpty();
  }
}
