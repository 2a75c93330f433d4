package io.courier.bench.process;

import io.courier.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JVM the bench started (gateway, HTTP floor, Spring peer), on the shared {@link ChildJvm} launcher: ready
 * once it prints {@code COURIER-BENCH-READY port=N}, its CPU time measurable, stopped by pid. The child also
 * exits when our end of its standard input closes ({@link ParentWatch}), so it does not outlive a bench that
 * died. Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
  /** What a child prints on standard output once it serves, followed by {@code port=N}. */
  public static final String READY_MARKER = "COURIER-BENCH-READY";

  private static final Logger LOGGER = LoggerFactory.getLogger(ChildProcess.class);

  private final ChildJvm jvm;
  private final int port;

  private ChildProcess(ChildJvm jvm, int port) {
    this.jvm = jvm;
    this.port = port;
  }

  /**
   * Starts {@code java <jvmArgs> <command...>} and waits until it prints the ready line.
   *
   * @param command the main class and its arguments, or {@code -jar file ...}
   */
  public static ChildProcess start(String name, List<String> jvmArgs, List<String> command, Path logDir, Duration timeout) {
    ChildJvm jvm = ChildJvm.start(name, jvmArgs, command, logDir.resolve(name + ".log"), READY_MARKER + " port=", timeout);
    int port = Integer.parseInt(jvm.readyDetail());
    LOGGER.info("Started {} pid={} port={} log={}", name, jvm.pid(), port, jvm.log());
    return new ChildProcess(jvm, port);
  }

  /** The class path of this JVM, for children that run bench classes. */
  public static String classPath() {
    return System.getProperty("java.class.path");
  }

  public String name() {
    return jvm.name();
  }

  public long pid() {
    return jvm.pid();
  }

  public int port() {
    return port;
  }

  public Path log() {
    return jvm.log();
  }

  /** User + system CPU time of the whole process so far. */
  public double cpuSeconds() {
    return jvm.cpuSeconds();
  }

  /** SIGTERM, so shutdown hooks run; SIGKILL after 10 s. Idempotent. */
  @Override
  public void close() {
    jvm.close();
    LOGGER.info("Stopped {} pid={}", jvm.name(), jvm.pid());
  }
}
