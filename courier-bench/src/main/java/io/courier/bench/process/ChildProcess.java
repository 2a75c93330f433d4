package io.courier.bench.process;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM the bench started (gateway, HTTP floor, Spring peer): waits for its ready line, reports its CPU time,
 * and stops it by pid. Its output goes to a log file; the child also exits when our end of its standard input
 * closes, so it does not outlive a bench that died. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
  /** What a child prints on standard output once it serves, followed by {@code port=N}. */
  public static final String READY_MARKER = "COURIER-BENCH-READY";

  private static final Logger LOGGER = LoggerFactory.getLogger(ChildProcess.class);

  private final String name;
  private final Process process;
  private final int port;
  private final Path log;

  private ChildProcess(String name, Process process, int port, Path log) {
    this.name = name;
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts {@code java <jvmArgs> <command...>} and waits until it prints the ready line.
   *
   * @param command the main class and its arguments, or {@code -jar file ...}
   */
  public static ChildProcess start(String name, List<String> jvmArgs, List<String> command, Path logDir, Duration timeout) {
    List<String> line = new ArrayList<>();
    line.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    line.addAll(jvmArgs);
    line.addAll(command);
    Path log = logDir.resolve(name + ".log");
    Process process;
    try {
      Files.createDirectories(logDir);
      process = new ProcessBuilder(line).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    CompletableFuture<Integer> ready = new CompletableFuture<>();
    Thread pump = new Thread(() -> pump(process, log, ready), "bench-child-output-" + name);
    pump.setDaemon(true);
    pump.start();
    try {
      int port = ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      LOGGER.info("Started {} pid={} port={} log={}", name, process.pid(), port, log);
      return new ChildProcess(name, process, port, log);
    } catch (ExecutionException | TimeoutException e) {
      stop(process);
      throw new IllegalStateException(name + " did not become ready within " + timeout + "; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(process);
      throw new IllegalStateException("interrupted while starting " + name, e);
    }
  }

  /** The class path of this JVM, for children that run bench classes. */
  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  private static void pump(Process process, Path log, CompletableFuture<Integer> ready) {
    try (BufferedReader in =
            new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String text;
      while ((text = in.readLine()) != null) {
        out.println(text);
        int at = text.indexOf(READY_MARKER + " port=");
        if (at >= 0 && !ready.isDone()) {
          ready.complete(Integer.parseInt(text.substring(at + READY_MARKER.length() + 6).trim()));
        }
      }
    } catch (IOException | RuntimeException e) {
      ready.completeExceptionally(e);
    }
    ready.completeExceptionally(new IllegalStateException("exited with " + exitCode(process)));
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

  public long pid() {
    return process.pid();
  }

  public int port() {
    return port;
  }

  public Path log() {
    return log;
  }

  /** User + system CPU time of the whole process so far (Linux: utime + stime of /proc/pid/stat). */
  public double cpuSeconds() {
    return process.info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
  }

  /** SIGTERM, so shutdown hooks run; SIGKILL after 10 s. Idempotent. */
  @Override
  public void close() {
    stop(process);
    LOGGER.info("Stopped {} pid={}", name, process.pid());
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
