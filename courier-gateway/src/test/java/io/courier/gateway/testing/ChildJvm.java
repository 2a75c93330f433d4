package io.courier.gateway.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A main class of the test classpath run in its own JVM, so a test can kill it for real (SIGKILL): its
 * sockets close and its Kafka clients vanish without leaving their groups, as in a crash. The child prints
 * {@code READY <detail>} once up; its output is kept in a log file for diagnosis.
 */
public final class ChildJvm implements AutoCloseable {
  private final Process process;
  private final String readyDetail;
  private final Path log;

  private ChildJvm(Process process, String readyDetail, Path log) {
    this.process = process;
    this.readyDetail = readyDetail;
    this.log = log;
  }

  /** Starts {@code mainClass} with {@code args} and waits up to 60 s for its READY line. */
  public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
    Path log = Files.createTempFile("courier-child-" + mainClass.getSimpleName(), ".log");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m",
        "-cp",
        System.getProperty("java.class.path"),
        mainClass.getName()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, log, ready), "child-output-" + mainClass.getSimpleName());
    pump.setDaemon(true);
    pump.start();
    try {
      return new ChildJvm(process, ready.get(60, TimeUnit.SECONDS), log);
    } catch (Exception e) {
      process.destroyForcibly();
      throw new IllegalStateException("child " + mainClass.getSimpleName() + " did not start; see " + log, e);
    }
  }

  private static void pump(Process process, Path log, CompletableFuture<String> ready) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      String line;
      while ((line = lines.readLine()) != null) {
        out.write(line);
        out.newLine();
        out.flush();
        if (line.startsWith("READY ")) {
          ready.complete(line.substring("READY ".length()));
        }
      }
    } catch (IOException e) {
      // the child is gone
    } finally {
      ready.completeExceptionally(new IllegalStateException("child exited before READY"));
    }
  }

  /** What the child printed after READY, e.g. its HTTP port. */
  public String readyDetail() {
    return readyDetail;
  }

  public Path log() {
    return log;
  }

  /** SIGKILL: no shutdown hook, no clean close, as in a crash. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill();
    }
  }
}
