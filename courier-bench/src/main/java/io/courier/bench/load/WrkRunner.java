package io.courier.bench.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Closed-loop HTTP load from <a href="https://github.com/wg/wrk">wrk</a>, a C load generator in a process of
 * its own, so that generating load takes no CPU, heap or GC pauses from the bench JVM, where the broker and the
 * echo service run. One thread ({@code -t1}), N connections each with one request outstanding, {@code POST}
 * of the bench's body; latency percentiles come from wrk's own histogram through a Lua {@code done} hook,
 * which also gives p99.9 (wrk's {@code --latency} stops at p99). wrk does not correct for coordinated
 * omission; neither does the Java closed loop, so the two are comparable. Not thread-safe: one run at a time.
 */
public final class WrkRunner {
  /** What the Lua hook prints; parsed by {@link #parse}. */
  static final String RESULT_MARKER = "COURIER-WRK";
  private static final Pattern RESULT = Pattern.compile(RESULT_MARKER
      + " requests=(\\d+) duration_us=(\\d+) socket_errors=(\\d+) status_errors=(\\d+)"
      + " p50_us=([0-9.]+) p99_us=([0-9.]+) p999_us=([0-9.]+)");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);

  private final String executable;
  private final Path script;

  private WrkRunner(String executable, Path script) {
    this.executable = executable;
    this.script = script;
  }

  /**
   * Finds {@code wrk} on the {@code PATH}; when it is missing and this process runs as root, installs the Debian
   * package ({@code apt-get install wrk}, after an {@code apt-get update} if the first try fails).
   *
   * @param body the request body every request sends (UTF-8 JSON without {@code ]]})
   * @param notes told why wrk cannot be used, when it cannot
   * @return empty when wrk is not there and could not be installed
   */
  public static Optional<WrkRunner> locate(byte[] body, Consumer<String> notes) {
    if (!runs("wrk", "--version")) {
      if (!"root".equals(System.getProperty("user.name"))) {
        notes.accept("wrk not found on the PATH and not root to install it (apt-get install wrk):"
            + " every HTTP target was driven by the Java generator");
        return Optional.empty();
      }
      if (!runs("apt-get", "install", "-y", "-qq", "wrk") && !(runs("apt-get", "update", "-qq")
          && runs("apt-get", "install", "-y", "-qq", "wrk"))) {
        notes.accept("wrk not found and `apt-get install wrk` failed: every HTTP target was driven by the Java generator");
        return Optional.empty();
      }
      if (!runs("wrk", "--version")) {
        notes.accept("wrk was installed but does not run: every HTTP target was driven by the Java generator");
        return Optional.empty();
      }
    }
    return Optional.of(new WrkRunner("wrk", writeScript(body)));
  }

  /**
   * Drives {@code http://127.0.0.1:port/path} with {@code concurrency} connections: {@code settle} unrecorded,
   * then the measurement window. Latencies in the {@link Measurement} are wrk's, in milliseconds.
   *
   * @param targetCpu CPU seconds of the target's process so far
   * @throws IllegalStateException if wrk fails or prints no result
   */
  public Measurement closedLoop(
      String target, int port, String path, int concurrency, Duration settle, Duration measure, DoubleSupplier targetCpu) {
    String url = "http://127.0.0.1:" + port + path;
    if (!settle.isZero()) {
      run(url, concurrency, settle);
    }
    double targetBefore = targetCpu.getAsDouble();
    double benchBefore = LoadRunner.benchCpuSeconds();
    Result result = run(url, concurrency, measure);
    double targetAfter = targetCpu.getAsDouble();
    double benchAfter = LoadRunner.benchCpuSeconds();
    return new Measurement(
        target, "closed c=" + concurrency, "wrk", result.requests() - result.statusErrors(),
        result.socketErrors() + result.statusErrors(), result.durationMicros() / 1e6, result.p50Micros() / 1e3,
        result.p99Micros() / 1e3, result.p999Micros() / 1e3, targetAfter - targetBefore, benchAfter - benchBefore);
  }

  /** One wrk run's figures, as its Lua hook printed them. Latencies in microseconds. */
  record Result(
      long requests, long durationMicros, long socketErrors, long statusErrors, double p50Micros, double p99Micros,
      double p999Micros) {}

  /**
   * Reads the hook's line out of wrk's output.
   *
   * @throws IllegalStateException when the output has no result line (wrk failed to connect at all, say)
   */
  static Result parse(String output) {
    Matcher m = RESULT.matcher(output);
    if (!m.find()) {
      throw new IllegalStateException("wrk printed no result line; its output was:\n" + output);
    }
    return new Result(
        Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Long.parseLong(m.group(4)),
        Double.parseDouble(m.group(5)), Double.parseDouble(m.group(6)), Double.parseDouble(m.group(7)));
  }

  /** The Lua script: POST of the body, and a {@code done} hook printing the figures on one line. */
  static String script(byte[] body) {
    String json = new String(body, StandardCharsets.UTF_8);
    if (json.contains("]]")) {
      throw new IllegalArgumentException("the body cannot go in a Lua long string: it holds ]]");
    }
    return String.join("\n",
        "wrk.method = \"POST\"",
        "wrk.body = [[" + json + "]]",
        "wrk.headers[\"Content-Type\"] = \"application/json\"",
        "done = function(summary, latency, requests)",
        "  local e = summary.errors",
        "  io.write(string.format(\"" + RESULT_MARKER + " requests=%d duration_us=%d socket_errors=%d status_errors=%d"
            + " p50_us=%.1f p99_us=%.1f p999_us=%.1f\\n\",",
        "    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,",
        "    latency:percentile(50), latency:percentile(99), latency:percentile(99.9)))",
        "end",
        "");
  }

  private Result run(String url, int concurrency, Duration duration) {
    List<String> command = new ArrayList<>(List.of(
        executable, "-t1", "-c" + concurrency, "-d" + Math.max(1, duration.toSeconds()) + "s", "--timeout", "10s",
        "-s", script.toString(), url));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(duration.toSeconds() + 30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("wrk did not finish: " + command);
      }
      return parse(output);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static Path writeScript(byte[] body) {
    try {
      Path file = Files.createTempFile("courier-bench-wrk", ".lua");
      file.toFile().deleteOnExit();
      Files.writeString(file, script(body), StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the wrk script", e);
    }
  }

  /** Whether the command runs and exits 0 (wrk --version exits 1: any exit counts for it). */
  private static boolean runs(String... command) {
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        return false;
      }
      return command[0].equals("wrk") || process.exitValue() == 0;
    } catch (IOException e) {
      return false; // not on the PATH
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
