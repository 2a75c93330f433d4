package io.courier.cli;

import io.courier.bench.Bench;
import io.courier.bench.BenchOptions;
import io.courier.bench.JmhLauncher;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code courier bench}: the side-by-side benchmark of docs/benchmarks.md, or the JMH micro-benchmarks. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measure Courier side by side with a Spring ReplyingKafkaTemplate app, a plain HTTP echo and a"
        + " bare Kafka request-reply round trip, on an embedded broker; print the table and ratios and write them"
        + " to courier-bench/target/bench/. See docs/benchmarks.md.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = "--quick", description = "Short windows, one round: under 3 minutes.")
  boolean quick;

  @Option(names = "--rounds", description = "Repeat every run this many times (default: 1 quick, 3 full).")
  Integer rounds;

  @Option(names = "--rate", description = "Open-loop rate in requests per second (default ${DEFAULT-VALUE}).",
      defaultValue = "1000")
  int rate;

  @Option(names = "--in-flight", description = "Requests in the in-flight scenario; 0 skips it (default 10000).")
  Integer inFlight;

  @Option(names = "--jfr", description = "Record a JFR profile of the gateway process (gateway.jfr in the output directory).")
  boolean jfr;

  @Option(names = "--gateway-jvm-option", paramLabel = "OPTION",
      description = "A JVM option for the gateway process of the courier target (not courier-results, the instances or"
          + " the in-flight gateways), after the bench's own -Xms256m -Xmx512m -XX:+UseParallelGC -XX:-UsePerfData (a"
          + " later option wins; a collector replaces the parallel one); repeatable. E.g."
          + " --gateway-jvm-option=-XX:+UseG1GC, or"
          + " --gateway-jvm-option=-Dcourier.bench.kafka.consumer.group.protocol=consumer for a client setting.")
  List<String> gatewayJvmOptions = new ArrayList<>();

  @Option(names = "--peer-jvm-option", paramLabel = "OPTION",
      description = "A JVM option for the Spring peer's process, after the bench's own -Xms256m -Xmx512m -XX:+UseG1GC"
          + " -XX:-UsePerfData (a later option wins; a collector replaces G1); repeatable. E.g."
          + " --peer-jvm-option=-XX:+UseParallelGC to run the peer on the gateway's collector.")
  List<String> peerJvmOptions = new ArrayList<>();

  @Option(names = "--generator", paramLabel = "java|wrk", defaultValue = "java",
      description = "What drives the closed loops of the HTTP echo targets (courier, spring-peer, http-floor): java"
          + " (the bench's own generator, in the bench JVM) or wrk (a C program in its own process; installed with"
          + " apt-get when missing and running as root, else the Java generator is used and the report says so)."
          + " The Kafka floor, the open loop and Courier's variants always use the Java generator (default ${DEFAULT-VALUE}).")
  String generator;

  @Option(names = "--only", paramLabel = "body-sizes|instances",
      description = "Run one scenario alone: body-sizes (on the same targets as a full run: closed loop at c=16 with"
          + " 256 B, 16 KiB and 512 KiB JSON bodies through Courier, the Spring peer and the HTTP floor; --quick,"
          + " --rounds apply) or instances (on its own broker: 1, 2 and 3 gateways on one response topic; about 5"
          + " minutes, 3 rounds, or as many as --rounds says).")
  String only;

  @Spec CommandSpec spec;

  @Option(names = "--jmh", arity = "0..1", fallbackValue = "", paramLabel = "REGEX",
      description = "Run the JMH micro-benchmarks (all, or those matching REGEX) instead.")
  String jmh;

  private BenchOptions.Generator generator() {
    return switch (generator) {
      case "java" -> BenchOptions.Generator.JAVA;
      case "wrk" -> BenchOptions.Generator.WRK;
      default -> throw new ParameterException(spec.commandLine(), "--generator must be java or wrk, was: " + generator);
    };
  }

  @Override
  public Integer call() throws Exception {
    if (jmh != null) {
      JmhLauncher.run(jmh);
      return 0;
    }
    BenchOptions options = (quick ? BenchOptions.quick() : BenchOptions.full()).withOpenLoopRate(rate).withGatewayJfr(jfr)
        .withGatewayJvmOptions(gatewayJvmOptions).withPeerJvmOptions(peerJvmOptions).withGenerator(generator());
    if (rounds != null) {
      options = options.withRounds(rounds);
    }
    if (inFlight != null) {
      options = options.withInFlight(inFlight);
    }
    if (only == null) {
      Bench.run(options, System.out);
    } else if (only.equals("body-sizes")) {
      Bench.runBodySizes(options, System.out);
    } else if (only.equals("instances")) {
      Bench.runInstancesOnly(options, System.out);
    } else {
      throw new ParameterException(spec.commandLine(), "--only takes body-sizes or instances, was: " + only);
    }
    return 0;
  }
}
