package io.courier.gateway.http;

import io.courier.gateway.config.TlsConfig;
import io.courier.gateway.error.RateLimitedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks up a renewed certificate without a restart: every {@code reload-interval} a Vert.x timer has a worker
 * thread read the listener's files ({@link ServerTls#read}); when they changed, and load, every server of the
 * listener gets them through {@code HttpServer.updateSSLOptions} (new connections use them, open ones keep
 * theirs). Files that do not load leave the old certificate in place: a WARN (rate-limited) and {@code
 * courier.tls.reloads{result="failed"}}, once per set of contents. Thread-safe.
 */
final class TlsReloader {
  private static final Logger LOGGER = LoggerFactory.getLogger(TlsReloader.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofSeconds(10));

  /** What one check found: nothing new ({@code null} everywhere but the digest), new settings, or an error. */
  /** @param retry whether failed files are tried again as they are (a certificate not valid yet may become so) */
  private record Check(byte[] digest, ServerTls.Loaded loaded, String error, boolean retry) {}

  private final String listener;
  private final TlsConfig config;
  private final Vertx vertx;
  private final List<HttpVerticle> servers;
  private final Counter reloaded;
  private final Counter failed;
  private final AtomicBoolean checking = new AtomicBoolean();
  private volatile ServerTls.Loaded current;
  /** The digest of the last contents that did not load, so each bad set is reported once. */
  private volatile byte[] lastFailed;

  TlsReloader(String listener, TlsConfig config, ServerTls.Loaded current, Vertx vertx, List<HttpVerticle> servers, MeterRegistry registry) {
    this.listener = listener;
    this.config = config;
    this.current = current;
    this.vertx = vertx;
    this.servers = List.copyOf(servers);
    this.reloaded = counter(registry, "reloaded");
    this.failed = counter(registry, "failed");
    Gauge.builder("courier.tls.certificate.expiry", this, reloader -> reloader.current.certificate().getNotAfter().getTime() / 1000.0)
        .description("When the certificate the listener serves expires, in seconds since the epoch")
        .baseUnit("seconds")
        .tag("listener", listener)
        .register(registry);
  }

  private Counter counter(MeterRegistry registry, String result) {
    return Counter.builder("courier.tls.reloads")
        .description("Changed TLS files of a listener: loaded and in use (reloaded), or refused, the old ones kept (failed)")
        .tag("listener", listener)
        .tag("result", result)
        .register(registry);
  }

  /** Starts the periodic check; Vert.x cancels it when it closes. */
  void start() {
    vertx.setPeriodic(config.reloadInterval().toMillis(), id -> check());
  }

  private void check() {
    if (!checking.compareAndSet(false, true)) {
      return; // the previous check is still reading
    }
    vertx.executeBlocking(this::readAndLoad, false)
        .compose(this::apply)
        .onComplete(done -> checking.set(false));
  }

  /** On a worker thread: reads the files; loads them when they changed and are not a set that failed already. */
  private Check readAndLoad() {
    ServerTls.Files files;
    try {
      files = ServerTls.read(config);
    } catch (ServerTls.UnusableException e) {
      return new Check(digest(e.getMessage()), null, e.getMessage(), false);
    }
    if (MessageDigest.isEqual(files.digest(), current.digest()) || MessageDigest.isEqual(files.digest(), lastFailed)) {
      return null;
    }
    try {
      return new Check(files.digest(), ServerTls.load(files, vertx), null, false);
    } catch (ServerTls.UnusableException e) {
      // A certificate issued a moment ahead of this clock (notBefore = now at the issuer) is tried again next time.
      return new Check(files.digest(), null, e.getMessage(), e.timeBound());
    }
  }

  /** On an event loop: hands new settings to every server of the listener, or reports why there are none. */
  private Future<?> apply(Check check) {
    if (check == null || MessageDigest.isEqual(check.digest(), lastFailed)) {
      return Future.succeededFuture();
    }
    if (check.error() != null) {
      return refused(check.retry() ? null : check.digest(), check.error());
    }
    ServerTls.Loaded loaded = check.loaded();
    return Future.all(servers.stream().map(server -> server.updateSsl(loaded.options())).toList())
        .onSuccess(updated -> {
          current = loaded;
          lastFailed = null;
          reloaded.increment();
          LOGGER.info("TLS certificate reloaded listener={} subject={} serial={} notAfter={}", listener,
              loaded.certificate().getSubjectX500Principal().getName(), loaded.certificate().getSerialNumber().toString(16),
              loaded.certificate().getNotAfter().toInstant());
        })
        .<Void>mapEmpty()
        .recover(e -> refused(check.digest(), "the server refused them: " + e.getMessage()));
  }

  /** @param digest files that will fail again as they are, not to be tried again; {@code null}: try them next time */
  private Future<Void> refused(byte[] digest, String error) {
    lastFailed = digest;
    failed.increment();
    WARNINGS.warn("tls-reload-" + listener, null,
        "TLS files changed but cannot be used; still serving the previous certificate listener={} origin={} error={}",
        listener, config.origin(), error);
    return Future.succeededFuture();
  }

  private static byte[] digest(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
