package io.courier.bench.process;

import java.io.IOException;
import java.io.InputStream;

/** For child mains: exits the JVM when the bench that started it goes away (its end of stdin closes). */
public final class ParentWatch {
  private ParentWatch() {}

  /** Starts a daemon thread, {@code bench-parent-watch}, that reads stdin to its end, then exits. */
  public static void start() {
    Thread watch =
        new Thread(
            () -> {
              InputStream in = System.in;
              try {
                while (in.read() >= 0) {
                  // the bench never writes; anything read is ignored
                }
              } catch (IOException e) {
                // treated as the parent gone
              }
              System.exit(0);
            },
            "bench-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /** Prints the line {@link ChildProcess} waits for. */
  public static void announceReady(int port) {
    System.out.println(ChildProcess.READY_MARKER + " port=" + port);
    System.out.flush();
  }
}
