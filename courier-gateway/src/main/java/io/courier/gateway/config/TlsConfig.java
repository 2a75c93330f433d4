package io.courier.gateway.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * TLS on one HTTP listener ({@code http.tls} or {@code management.tls}): the server's key and certificate,
 * the protocols and cipher suites offered, whether callers must show a certificate, and how often the files
 * are checked for a renewed certificate. Immutable; holds paths and where to find passwords, never a secret.
 *
 * @param origin where the block is written, {@code file:line: key path}, for errors found when the files are
 *     read at start-up
 * @param key the server's private key and certificate chain
 * @param protocols the TLS versions offered (TLSv1.3, TLSv1.2)
 * @param cipherSuites the cipher suites offered; empty: the JDK's defaults for {@code protocols}
 * @param clientAuth whether callers are asked for a certificate
 * @param trust the certificate authorities a caller's certificate must come from; {@code null} when {@code
 *     clientAuth} is {@link ClientAuth#NONE}
 * @param reloadInterval how often the files are checked for a change
 */
public record TlsConfig(
    String origin,
    KeyMaterial key,
    List<String> protocols,
    List<String> cipherSuites,
    ClientAuth clientAuth,
    Trust trust,
    Duration reloadInterval) {

  /** The TLS versions offered unless {@code protocols} says otherwise; older ones are refused. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  public TlsConfig {
    protocols = List.copyOf(protocols);
    cipherSuites = List.copyOf(cipherSuites);
  }

  /** Whether callers are asked for a certificate ({@code client-auth}). */
  public enum ClientAuth {
    /** Never asked. */
    NONE,
    /** Asked; a caller without one is served, a caller with an untrusted one is refused in the handshake. */
    REQUEST,
    /** A caller without a certificate from {@code trust} is refused in the handshake. */
    REQUIRED
  }

  /** The server's private key and certificate chain. */
  public sealed interface KeyMaterial {
    /** The files to watch for a renewed certificate. */
    List<Path> files();
  }

  /** A PEM certificate chain (the server's first) and its PEM private key (PKCS#8, PKCS#1 or SEC 1). */
  public record Pem(Path certificate, Path key) implements KeyMaterial {
    @Override
    public List<Path> files() {
      return List.of(certificate, key);
    }
  }

  /** A PKCS#12 keystore holding the key and its chain; its password, if any, from {@code password}. */
  public record Pkcs12(Path keystore, Secret password) implements KeyMaterial {
    @Override
    public List<Path> files() {
      return List.of(keystore);
    }
  }

  /** Trusted certificate authorities: a PEM bundle, or a PKCS#12 store (with its password) when {@code pkcs12}. */
  public record Trust(Path file, boolean pkcs12, Secret password) {}
}
