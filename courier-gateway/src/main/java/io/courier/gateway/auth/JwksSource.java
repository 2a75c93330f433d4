package io.courier.gateway.auth;

import com.nimbusds.jose.jwk.JWKSet;
import io.courier.gateway.config.AuthenticationConfig;
import io.courier.gateway.error.RateLimitedLog;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The issuer's public keys (a JWK Set, RFC 7517), kept current off the event loops by thread {@code
 * courier-jwks}: a file is re-read when it changes, a URL fetched again, every {@code jwks-refresh}, and at
 * once (at most every 30 s) when a token names a key id the set does not have (the issuer rotated its keys).
 * A failed load keeps the keys it had, logs a WARN and tries again, sooner while it has none. Only public
 * keys are kept. Thread-safe: {@link #keys()} is one volatile read.
 */
final class JwksSource implements AutoCloseable {
  private static final Logger LOGGER = LoggerFactory.getLogger(JwksSource.class);
  private static final RateLimitedLog WARNINGS = new RateLimitedLog(LOGGER, Duration.ofMinutes(1));
  /** The soonest a token with an unknown key id makes the set load again. */
  static final Duration UNKNOWN_KEY_REFRESH = Duration.ofSeconds(30);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);
  private static final Duration FETCH_TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_JWKS_BYTES = 1 << 20;

  private final AuthenticationConfig.Jwt config;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final HttpClient http;
  private volatile JWKSet keys;
  private volatile String failure = "the JWK Set has not been loaded yet";
  private final AtomicReference<Instant> lastUnknownKeyLoad = new AtomicReference<>(Instant.MIN);
  private FileTime fileLoaded;
  private Duration retry = FIRST_RETRY;

  /** Starts keeping the keys of {@code config}; a file is read before this returns. */
  JwksSource(AuthenticationConfig.Jwt config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.http = config.jwksUrl() == null ? null : httpClient(config.jwksCaFile());
    this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread named = new Thread(runnable, "courier-jwks");
      named.setDaemon(true);
      return named;
    });
    if (config.jwksFile() != null) {
      load(); // a file is at hand: routes protected by it work from the first request
      thread.scheduleWithFixedDelay(this::load, config.jwksRefresh().toMillis(), config.jwksRefresh().toMillis(), TimeUnit.MILLISECONDS);
    } else {
      thread.execute(this::loadAndSchedule);
    }
  }

  /** The current public keys, or {@code null} while none could be loaded. */
  JWKSet keys() {
    return keys;
  }

  /** Why there are no keys, or {@code null} when there are. */
  String unavailableReason() {
    return keys == null ? failure : null;
  }

  /** A token named a key id the set lacks: load again, unless that was done within the last 30 s. */
  void unknownKeyId() {
    Instant now = clock.instant();
    Instant last = lastUnknownKeyLoad.get();
    if (now.isAfter(last.plus(UNKNOWN_KEY_REFRESH)) && lastUnknownKeyLoad.compareAndSet(last, now)) {
      thread.execute(this::load);
    }
  }

  /** URL mode: loads, then schedules the next load, sooner (doubling from 1 s) while no keys were ever loaded. */
  private void loadAndSchedule() {
    Duration next = config.jwksRefresh();
    try {
      load();
      if (keys == null) {
        next = retry.compareTo(next) < 0 ? retry : next;
        retry = next.multipliedBy(2); // at most twice the refresh: never grows without bound
      }
    } finally {
      if (!thread.isShutdown()) {
        thread.schedule(this::loadAndSchedule, next.toMillis(), TimeUnit.MILLISECONDS); // whatever happened, there is a next time
      }
    }
  }

  /** Loads the set once; keeps the old one on failure. Thread {@code courier-jwks} (or the constructor). */
  private void load() {
    try {
      String json = config.jwksFile() != null ? readFileIfChanged(config.jwksFile()) : fetch();
      if (json == null) {
        return; // the file did not change
      }
      JWKSet parsed = JWKSet.parse(json).toPublicJWKSet();
      if (parsed.getKeys().isEmpty()) {
        throw new IOException("the JWK Set has no public keys");
      }
      boolean first = keys == null;
      keys = parsed;
      failure = null;
      if (first) {
        LOGGER.info("JWK Set loaded source={} keys={}", source(), parsed.getKeys().size());
      } else {
        LOGGER.debug("JWK Set reloaded source={} keys={}", source(), parsed.getKeys().size());
      }
    } catch (IOException | java.text.ParseException | RuntimeException e) {
      failure = "the JWK Set could not be loaded from " + source() + ": " + e.getClass().getSimpleName();
      WARNINGS.warn("jwks", e, "JWK Set not loaded source={} error={} (keeping {})", source(), e.toString(),
          keys == null ? "no keys: JWT routes answer 503" : "the keys loaded before");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private String readFileIfChanged(Path file) throws IOException {
    FileTime modified = Files.getLastModifiedTime(file);
    if (modified.equals(fileLoaded) && keys != null) {
      return null;
    }
    if (Files.size(file) > MAX_JWKS_BYTES) {
      throw new IOException("the JWK Set file is larger than " + MAX_JWKS_BYTES + " bytes");
    }
    String json = Files.readString(file, StandardCharsets.UTF_8);
    fileLoaded = modified;
    return json;
  }

  private String fetch() throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(config.jwksUrl()).timeout(FETCH_TIMEOUT).header("accept", "application/jwk-set+json, application/json").GET().build();
    HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new IOException("HTTP status " + response.statusCode());
      }
      byte[] bytes = body.readNBytes(MAX_JWKS_BYTES + 1);
      if (bytes.length > MAX_JWKS_BYTES) {
        throw new IOException("the JWK Set is larger than " + MAX_JWKS_BYTES + " bytes");
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }

  private String source() {
    return config.jwksFile() != null ? config.jwksFile().toString() : config.jwksUrl().toString();
  }

  /** The JDK's client, trusting {@code caFile}'s certificates (PEM) besides nothing else when given. */
  private static HttpClient httpClient(Path caFile) {
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(FETCH_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER);
    if (caFile != null) {
      builder.sslContext(trusting(caFile));
    }
    return builder.build();
  }

  private static SSLContext trusting(Path caFile) {
    try (InputStream in = Files.newInputStream(caFile)) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      if (i == 0) {
        throw new IllegalArgumentException("authentication.jwt.jwks-ca-file " + caFile + " holds no certificate");
      }
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("authentication.jwt.jwks-ca-file " + caFile + " cannot be read as PEM certificates: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
