package io.courier.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How long and how hard a bench run measures. Immutable.
 *
 * @param warmup per target, at concurrency 16, before anything is recorded
 * @param settle per run, after the load starts and before the window opens
 * @param measure the measurement window of each run
 * @param concurrencies the closed-loop levels
 * @param openLoopRate requests per second of the open-loop run; 0 skips it
 * @param rounds how many times every run is repeated (interleaved across targets); medians are reported
 * @param inFlight requests sent at once to the slow service in the in-flight scenario; 0 skips it
 * @param slowServiceDelay how long the slow service holds each reply
 * @param gatewayJvmOptions JVM options the main runs' gateway process gets after the bench's own heap and GC
 *     flags (a later option wins; a collector replaces the shipped one), e.g. another collector to compare, or a
 *     JFR recording
 * @param peerJvmOptions the same for the Spring peer's process, e.g. the gateway's collector, to compare like
 *     with like
 * @param outputDir where the Markdown results and child logs go
 * @param generator what drives the closed loops of the HTTP echo targets (the Kafka floor, the open loop and
 *     Courier's variants always use the Java generator)
 * @param idle how long every target's process is watched doing nothing, for its idle CPU; zero skips it
 * @param instances the most gateway instances the instances scenario runs at once ({@link InstancesScenario});
 *     0 skips it
 * @param streamItems items per stream in the streaming scenario, and as many plain round trips beside them
 *     ({@link StreamScenario})
 */
public record BenchOptions(
    Duration warmup,
    Duration settle,
    Duration measure,
    List<Integer> concurrencies,
    int openLoopRate,
    int rounds,
    int inFlight,
    Duration slowServiceDelay,
    List<String> gatewayJvmOptions,
    List<String> peerJvmOptions,
    Path outputDir,
    Generator generator,
    Duration idle,
    int instances,
    int streamItems) {

  /** What generates the closed-loop HTTP load. */
  public enum Generator {
    /** {@link io.courier.bench.load.LoadRunner}, inside the bench JVM (with the broker and the echo service). */
    JAVA,
    /** {@link io.courier.bench.load.WrkRunner}: {@code wrk}, a C program in a process of its own. */
    WRK
  }

  public BenchOptions {
    concurrencies = List.copyOf(concurrencies);
    gatewayJvmOptions = List.copyOf(gatewayJvmOptions);
    peerJvmOptions = List.copyOf(peerJvmOptions);
    if (instances < 0) {
      throw new IllegalArgumentException("instances must not be negative: " + instances);
    }
    if (streamItems < 1) {
      throw new IllegalArgumentException("streamItems must be at least 1: " + streamItems);
    }
    if (rounds < 1) {
      throw new IllegalArgumentException("rounds must be at least 1: " + rounds);
    }
  }

  /** Under 3 minutes on a 2-core machine: one round of short windows, no instances scenario. */
  public static BenchOptions quick() {
    return new BenchOptions(
        Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(3), List.of(1, 16, 64), 1000, 1,
        10_000, Duration.ofSeconds(5), List.of(), List.of(), BenchPaths.defaultOutputDir(), Generator.JAVA, Duration.ofSeconds(5), 0,
        StreamScenario.ITEMS);
  }

  /** About 17 minutes: three interleaved rounds of 10-second windows, then the instances scenario up to 3. */
  public static BenchOptions full() {
    return new BenchOptions(
        Duration.ofSeconds(15), Duration.ofSeconds(2), Duration.ofSeconds(10), List.of(1, 16, 64), 1000, 3,
        10_000, Duration.ofSeconds(5), List.of(), List.of(), BenchPaths.defaultOutputDir(), Generator.JAVA, Duration.ofSeconds(20),
        InstancesScenario.MAX_INSTANCES, StreamScenario.ITEMS);
  }

  /** The smoke run's streams: a tenth of the real ones, whose 1 000 unwarmed round trips took 12 of its 80 s. */
  static final int SMOKE_STREAM_ITEMS = 100;

  /** A few seconds per target, for the smoke test: proves the harness works, measures nothing worth quoting. */
  public static BenchOptions smoke(Path outputDir) {
    return new BenchOptions(
        Duration.ofSeconds(1), Duration.ofMillis(200), Duration.ofSeconds(1), List.of(4), 50, 1,
        50, Duration.ofMillis(500), List.of(), List.of(), outputDir, Generator.JAVA, Duration.ofSeconds(1), 0,
        SMOKE_STREAM_ITEMS);
  }

  public BenchOptions withRounds(int rounds) {
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, inFlight,
        slowServiceDelay, gatewayJvmOptions, peerJvmOptions, outputDir, generator, idle, instances, streamItems);
  }

  /** With a JFR recording of the gateway process ({@code gateway.jfr} in the output directory) when {@code jfr}. */
  public BenchOptions withGatewayJfr(boolean jfr) {
    return jfr ? withGatewayJvmOptions(List.of(
        "-XX:StartFlightRecording=settings=profile,filename=" + outputDir.resolve("gateway.jfr").toAbsolutePath())) : this;
  }

  /** With {@code options} added to the gateway's JVM options. */
  public BenchOptions withGatewayJvmOptions(List<String> options) {
    List<String> all = new ArrayList<>(gatewayJvmOptions);
    all.addAll(options);
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, inFlight,
        slowServiceDelay, all, peerJvmOptions, outputDir, generator, idle, instances, streamItems);
  }

  /** With {@code options} added to the Spring peer's JVM options. */
  public BenchOptions withPeerJvmOptions(List<String> options) {
    List<String> all = new ArrayList<>(peerJvmOptions);
    all.addAll(options);
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, inFlight,
        slowServiceDelay, gatewayJvmOptions, all, outputDir, generator, idle, instances, streamItems);
  }

  public BenchOptions withInFlight(int count) {
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, count,
        slowServiceDelay, gatewayJvmOptions, peerJvmOptions, outputDir, generator, idle, instances, streamItems);
  }

  public BenchOptions withOpenLoopRate(int rate) {
    return new BenchOptions(warmup, settle, measure, concurrencies, rate, rounds, inFlight,
        slowServiceDelay, gatewayJvmOptions, peerJvmOptions, outputDir, generator, idle, instances, streamItems);
  }

  public BenchOptions withGenerator(Generator load) {
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, inFlight,
        slowServiceDelay, gatewayJvmOptions, peerJvmOptions, outputDir, load, idle, instances, streamItems);
  }

  public BenchOptions withInstances(int max) {
    return new BenchOptions(warmup, settle, measure, concurrencies, openLoopRate, rounds, inFlight,
        slowServiceDelay, gatewayJvmOptions, peerJvmOptions, outputDir, generator, idle, max, streamItems);
  }
}
