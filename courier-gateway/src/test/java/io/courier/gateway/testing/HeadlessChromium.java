package io.courier.gateway.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code /usr/bin/chromium}, headless, loading a page as a browser would: its scripts run (for a
 * few seconds of the page's virtual time, so polling pages get their answers) before the DOM is dumped or a
 * screenshot taken. Each call starts and ends its own browser with a fresh profile under {@code profiles};
 * nothing reaches the network but the page's own server. {@code .ci/run} installs chromium.
 */
public final class HeadlessChromium {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final int VIRTUAL_TIME_MS = 3000;

  private final Path profiles;
  private int runs;

  public HeadlessChromium(Path profiles) {
    if (!Files.isExecutable(CHROMIUM)) {
      throw new IllegalStateException(CHROMIUM + " is missing: apt-get install chromium (.ci/run does)");
    }
    this.profiles = profiles;
  }

  /** The page's DOM as serialized HTML, after its scripts have run. */
  public String dom(URI page) {
    return new String(run(page, "--dump-dom"), StandardCharsets.UTF_8);
  }

  /**
   * The page's DOM once its load event has fired, in real time rather than virtual time: for pages that wait
   * on a WebSocket, whose events virtual time does not wait for. Such a page holds its load event (an image
   * its server answers only once the page says it is done) until it has what it waits for.
   */
  public String domAtLoad(URI page) {
    return new String(run(page, false, "--dump-dom"), StandardCharsets.UTF_8);
  }

  /** Writes a PNG of the page, after its scripts have run, at this window size. */
  public void screenshot(URI page, Path png, int width, int height) {
    run(page, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height, "--hide-scrollbars");
    if (!Files.isRegularFile(png)) {
      throw new IllegalStateException("chromium wrote no screenshot to " + png);
    }
  }

  private byte[] run(URI page, String... what) {
    return run(page, true, what);
  }

  private byte[] run(URI page, boolean virtualTime, String... what) {
    try {
      Path profile = Files.createDirectories(profiles.resolve("profile-" + ++runs));
      Path log = profiles.resolve("chromium-" + runs + ".log");
      Path out = profiles.resolve("chromium-" + runs + ".out");
      List<String> command = new ArrayList<>(List.of(
          CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
          "--disable-background-networking", "--disable-component-update", "--disable-sync",
          "--user-data-dir=" + profile));
      if (virtualTime) {
        command.add("--virtual-time-budget=" + VIRTUAL_TIME_MS);
      }
      command.addAll(List.of(what));
      command.add(page.toString());
      // Output to files, not pipes: a browser that hangs cannot block the test past the wait below.
      Process chromium = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
      if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
        chromium.destroyForcibly();
        throw new IllegalStateException("chromium did not finish within 60 s; see " + log);
      }
      if (chromium.exitValue() != 0) {
        throw new IllegalStateException("chromium exited with " + chromium.exitValue() + "; see " + log);
      }
      return Files.readAllBytes(out);
    } catch (IOException e) {
      throw new IllegalStateException("could not run " + CHROMIUM, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
