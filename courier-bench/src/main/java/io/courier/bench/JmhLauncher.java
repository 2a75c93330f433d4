package io.courier.bench;

import java.util.Collection;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** Runs the JMH benchmarks of {@code io.courier.bench.jmh} whose names match a regular expression. */
public final class JmhLauncher {
  private JmhLauncher() {}

  /** @param include a regular expression over benchmark names; empty runs them all */
  public static Collection<RunResult> run(String include) throws RunnerException {
    String pattern = include == null || include.isBlank() ? "io\\.courier\\.bench\\.jmh\\..*" : include;
    // Forked benchmark JVMs inherit java.class.path; behind ./courier that is courier.jar, whose manifest
    // names every library.
    return new Runner(new OptionsBuilder().include(pattern).shouldFailOnError(true).build()).run();
  }
}
