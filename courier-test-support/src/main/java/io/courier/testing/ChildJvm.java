package io.courier.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Java process started from this JVM, so that a test can kill it for real (SIGKILL: its sockets close and
 * its Kafka clients vanish without leaving their groups, as in a crash) and the bench can measure it apart.
 * The child prints a ready line ({@code <prefix><detail>}) once it serves; {@link #start} waits for it. All
 * its output goes to a log file, kept for diagnosis.
 *
 * <p>Thread-safe.
 */
public final class ChildJvm implements AutoCloseable {
  /** The ready prefix of {@link #start(Class, String...)}: the child prints {@code READY <detail>}. */
  public static final String READY = "READY ";

  private final String name;
  private final Process process;
  private final String readyDetail;
  private final Path log;

  private ChildJvm(String name, Process process, String readyDetail, Path log) {
    this.name = name;
    this.process = process;
    this.readyDetail = readyDetail;
    this.log = log;
  }

  /**
   * Starts {@code mainClass} with {@code args} on this JVM's class path ({@code -Xmx256m}), logging to a
   * temporary file, and waits up to 60 s for its {@code READY } line.
   */
  public static ChildJvm start(Class<?> mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("courier-child-" + mainClass.getSimpleName(), ".log");
    return start(mainClass.getSimpleName(), List.of("-Xmx256m"), command, log, READY, Duration.ofSeconds(60));
  }

  /**
   * Starts {@code java <jvmArgs> <command...>} and waits until it prints a line containing {@code readyPrefix}.
   *
   * @param command the class path and main class with its arguments, or {@code -jar file ...}
   * @param log where the child's standard output and error go
   * @throws IllegalStateException if it exits or stays silent for {@code timeout}; it is stopped then
   */
  public static ChildJvm start(
      String name, List<String> jvmArgs, List<String> command, Path log, String readyPrefix, Duration timeout) {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.addAll(jvmArgs);
    line.addAll(command);
    Process process;
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      process = new ProcessBuilder(line).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    CompletableFuture<String> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, log, readyPrefix, ready), "child-output-" + name);
    pump.setDaemon(true);
    pump.start();
    try {
      return new ChildJvm(name, process, ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS), log);
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      throw new IllegalStateException(name + " did not become ready within " + timeout + "; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }

  private static void pump(Process process, Path log, String readyPrefix, CompletableFuture<String> ready) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String text;
      while ((text = in.readLine()) != null) {
        out.println(text);
        int at = text.indexOf(readyPrefix);
        if (at >= 0) {
          ready.complete(text.substring(at + readyPrefix.length()).trim());
        }
      }
    } catch (IOException | RuntimeException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("exited before it was ready, with " + exitCode(process)));
  }

  private static String exitCode(Process process) {
    try {
      return process.waitFor(5, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "(still running)";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "(unknown)";
    }
  }

  public String name() {
    return name;
  }

  /** What the child printed after its ready prefix, e.g. its HTTP port. */
  public String readyDetail() {
    return readyDetail;
  }

  public long pid() {
    return process.pid();
  }

  public Path log() {
    return log;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** User + system CPU time of the whole process so far, in seconds; NaN where the platform does not say. */
  public double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** SIGKILL: no shutdown hook, no clean close, as in a crash. Waits up to 30 s for it to go. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** SIGTERM, so shutdown hooks run; SIGKILL after 10 s. Idempotent. */
  @Override
  public void close() {
    stop(process);
  }

  private static void stop(Process process) {
    if (!process.isAlive()) {
      return;
    }
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
