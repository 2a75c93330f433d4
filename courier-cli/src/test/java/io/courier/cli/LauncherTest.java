package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code courier} launcher's JVM options: what it adds, and that {@code COURIER_JAVA_OPTS} can change each.
 * Runs the real script with bash in a copy of the project that has only a built jar (so it does not build), and a
 * fake {@code java} first on the {@code PATH} that prints the arguments it is given.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("..", "courier");

  @TempDir Path root;
  private Path bin;

  @BeforeEach
  void copyTheLauncherBesideABuiltJarAndAFakeJava() throws IOException {
    Files.copy(LAUNCHER, root.resolve("courier"));
    Files.createDirectories(root.resolve("courier-cli/target"));
    Files.writeString(root.resolve("courier-cli/target/courier.jar"), "");
    bin = Files.createDirectories(root.resolve("bin"));
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor arg in \"$@\"; do echo \"$arg\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  @Test
  void theGatewayRunsOnTheParallelCollectorWithoutThePerfDataSampler() throws Exception {
    assertThat(javaArguments(Map.of(), "gateway", "--config", "courier.yaml"))
        .containsExactly("-XX:-UsePerfData", "-XX:+UseParallelGC", "-jar", jar(), "gateway", "--config", "courier.yaml");
  }

  @Test
  void optionsOfTheUserComeAfterTheLaunchersSoTheirsWin() throws Exception {
    assertThat(javaArguments("-Xmx512m -XX:+UsePerfData", "demo"))
        .containsExactly("-XX:-UsePerfData", "-XX:+UseParallelGC", "-Xmx512m", "-XX:+UsePerfData", "-jar", jar(), "demo");
  }

  @Test
  void aCollectorTheUserChoosesReplacesTheParallelOneForTheJvmRefusesTwo() throws Exception {
    for (String collector : List.of("-XX:+UseG1GC", "-XX:+UseSerialGC", "-XX:+UseZGC", "-XX:+UseShenandoahGC")) {
      assertThat(javaArguments("-Xmx1g " + collector, "gateway")).as(collector)
          .containsExactly("-XX:-UsePerfData", "-Xmx1g", collector, "-jar", jar(), "gateway");
      assertThat(javaArguments(collector, "gateway")).as(collector + " alone")
          .containsExactly("-XX:-UsePerfData", collector, "-jar", jar(), "gateway");
    }
    // A flag that only names a collector's setting chooses none
    assertThat(javaArguments("-XX:+UseGCOverheadLimit -XX:ParallelGCThreads=1", "gateway"))
        .containsExactly("-XX:-UsePerfData", "-XX:+UseParallelGC", "-XX:+UseGCOverheadLimit", "-XX:ParallelGCThreads=1",
            "-jar", jar(), "gateway");
  }

  @Test
  void aCollectorChosenWhereTheJvmReadsOptionsItselfIsLeftAlone() throws Exception {
    // The JVM reads these variables on its own: a collector there and another on the command line stop it at start
    for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS")) {
      assertThat(javaArguments(Map.of(variable, "-Xss1m\t-XX:+UseG1GC") /* a tab between them */, "gateway")).as(variable)
          .containsExactly("-XX:-UsePerfData", "-jar", jar(), "gateway");
      assertThat(javaArguments(Map.of(variable, "-Xss1m"), "gateway")).as(variable + " without a collector")
          .containsExactly("-XX:-UsePerfData", "-XX:+UseParallelGC", "-jar", jar(), "gateway");
    }
  }

  @Test
  void theContainerImageRunsTheJvmAsTheLauncherDoes() throws IOException {
    String pom = Files.readString(Path.of("pom.xml"));
    String jvmFlags = pom.substring(pom.indexOf("<jvmFlags>"), pom.indexOf("</jvmFlags>"));
    assertThat(jvmFlags).contains("<jvmFlag>-XX:-UsePerfData</jvmFlag>", "<jvmFlag>-XX:+UseParallelGC</jvmFlag>");
  }

  private String jar() {
    return root.resolve("courier-cli/target/courier.jar").toAbsolutePath().toString();
  }

  private List<String> javaArguments(String courierJavaOpts, String... args) throws Exception {
    return javaArguments(Map.of("COURIER_JAVA_OPTS", courierJavaOpts), args);
  }

  /** What the launcher passes to {@code java}, run with {@code variables} set. */
  private List<String> javaArguments(Map<String, String> variables, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", root.resolve("courier").toString()));
    command.addAll(List.of(args));
    Path output = root.resolve("java-arguments.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
    Map<String, String> env = builder.environment();
    env.put("PATH", bin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
    List.of("COURIER_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS", "BASH_ENV").forEach(env::remove);
    env.putAll(variables);
    Process process = builder.start();
    try {
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
    } finally {
      process.destroyForcibly();
    }
    String out = Files.readString(output, StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(out).isZero();
    return out.lines().toList();
  }
}
