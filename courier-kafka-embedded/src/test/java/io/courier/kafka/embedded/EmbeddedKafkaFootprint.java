package io.courier.kafka.embedded;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures what an embedded broker costs: start time, resident memory and heap, close time. Not a test; run
 * it as described in this module's README.
 */
public final class EmbeddedKafkaFootprint {
  private EmbeddedKafkaFootprint() {}

  public static void main(String[] args) throws Exception {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    long begin = System.nanoTime();
    EmbeddedKafka kafka = EmbeddedKafka.start();
    long startMillis = (System.nanoTime() - begin) / 1_000_000;
    long sinceJvmStart = System.currentTimeMillis() - jvmStart;
    System.gc();
    Runtime runtime = Runtime.getRuntime();
    System.out.printf(
        "start() %d ms; JVM start -> ready %d ms; RSS %d MB; heap used after GC %d MB%n",
        startMillis, sinceJvmStart, residentKb() / 1024, (runtime.totalMemory() - runtime.freeMemory()) >> 20);
    long closing = System.nanoTime();
    kafka.close();
    System.out.printf("close() %d ms%n", (System.nanoTime() - closing) / 1_000_000);
  }

  private static long residentKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D", ""));
      }
    }
    return -1;
  }
}
