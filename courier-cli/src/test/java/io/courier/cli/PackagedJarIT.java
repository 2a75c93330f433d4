package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What {@code ./courier} runs, {@code target/courier.jar} with the jars its manifest's {@code Class-Path} names,
 * holds every Courier class its own classes refer to. A module the command line uses only at run time (the
 * bench's child-JVM launcher) was once left out because a test scope in this module's pom overrode it, and
 * {@code ./courier bench} failed at start while every test passed: the tests run on Maven's class path, not on
 * the packaged one. Read from the manifest, not the folder: {@code target/lib} keeps jars of earlier builds.
 */
class PackagedJarIT {
  private static final Path TARGET = Path.of("target");

  @Test
  void everyCourierClassTheJarsReferToIsPackaged() throws IOException {
    // Given the jar's class path as `java -jar` sees it, every entry of which exists
    Path jar = TARGET.resolve("courier.jar");
    List<Path> classPath;
    try (JarFile file = new JarFile(jar.toFile())) {
      String entries = file.getManifest().getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
      classPath = Arrays.stream(entries.trim().split("\\s+")).map(TARGET::resolve).toList();
    }
    assertThat(classPath).allMatch(Files::isRegularFile);
    List<Path> courierJars = classPath.stream().filter(entry -> entry.getFileName().toString().startsWith("courier-")).toList();
    assertThat(courierJars).anyMatch(entry -> entry.getFileName().toString().startsWith("courier-bench-"));

    // When jdeps lists what the Courier jars refer to and cannot find on that class path (third-party jars have
    // optional dependencies of their own, e.g. Kafka's server on JUnit, that are not this check's business)
    List<String> args = new ArrayList<>(List.of("--multi-release", "17", "--missing-deps", "--class-path",
        classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)), jar.toString()));
    courierJars.forEach(entry -> args.add(entry.toString()));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    int exit = ToolProvider.findFirst("jdeps").orElseThrow().run(print, print, args.toArray(String[]::new));
    String report = out.toString(StandardCharsets.UTF_8);

    // Then none is a Courier class, nor a class of a library a Courier class uses, but for the optional
    // ones: JUnit (the embedded broker's test extension) and Spring (a test-support class for Spring's convention)
    assertThat(exit).as(report).isZero();
    List<String> missing = report.lines()
        .filter(line -> line.matches("\\s+\\S+\\s+->\\s+\\S+\\s+not found"))
        .filter(line -> !line.matches(".*->\\s+org\\.(junit|springframework)\\..*"))
        .toList();
    assertThat(missing).as(report).isEmpty();
  }
}
