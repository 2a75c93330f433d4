package io.courier.gateway.http;

import io.courier.gateway.config.TlsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.PfxOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509KeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * A listener's TLS settings made from a {@link TlsConfig} with Vert.x's own options ({@link PemKeyCertOptions},
 * {@link PfxOptions}, {@link PemTrustOptions}): the files are read once into memory, so the server never sees
 * half of a renewal, and checked before use (each key signs, and its certificate verifies, a probe; the trust
 * store holds a certificate; the certificate is valid today). Reads files: never call it on an event loop.
 */
final class ServerTls {
  /** Key types a server key manager is asked about; a key of another type is not checked against its certificate. */
  private static final List<String> KEY_TYPES = List.of("RSA", "EC", "EdDSA", "Ed25519", "RSASSA-PSS");
  private static final byte[] PROBE = "courier key pair check".getBytes(StandardCharsets.US_ASCII);

  /** TLS settings that loaded, the files' digest they were made from, and the server certificate. */
  record Loaded(ServerSSLOptions options, byte[] digest, X509Certificate certificate) {}

  /** The files and passwords of a {@link TlsConfig} as read at one moment. */
  record Files(TlsConfig config, List<byte[]> contents, List<String> passwords, byte[] digest) {}

  /** The files could not be read, or what they hold cannot be used; the message names the file, never a secret. */
  static final class UnusableException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Whether the files may become usable as they are, with time (a certificate not valid yet). */
    private final boolean timeBound;

    UnusableException(String message, Throwable cause) {
      this(message, cause, false);
    }

    UnusableException(String message, Throwable cause, boolean timeBound) {
      super(message, cause);
      this.timeBound = timeBound;
    }

    boolean timeBound() {
      return timeBound;
    }
  }

  private ServerTls() {}

  /** Reads every file and password the configuration names, and their digest (to notice a change). */
  static Files read(TlsConfig config) throws UnusableException {
    List<Path> paths = new ArrayList<>(config.key().files());
    List<String> passwords = new ArrayList<>();
    if (config.key() instanceof TlsConfig.Pkcs12 pkcs12) {
      passwords.add(pkcs12.password() == null ? "" : secret(pkcs12.password()));
    }
    if (config.trust() != null) {
      paths.add(config.trust().file());
      passwords.add(config.trust().password() == null ? "" : secret(config.trust().password()));
    }
    List<byte[]> contents = new ArrayList<>();
    MessageDigest digest = sha256();
    for (Path path : paths) {
      byte[] content;
      try {
        content = java.nio.file.Files.readAllBytes(path);
      } catch (IOException e) {
        throw new UnusableException("cannot read " + path + ": " + e.getClass().getSimpleName(), e);
      }
      contents.add(content);
      digest.update(content);
    }
    passwords.forEach(password -> digest.update(password.getBytes(StandardCharsets.UTF_8)));
    return new Files(config, contents, passwords, digest.digest());
  }

  /** Makes and checks the TLS settings from files read by {@link #read}. */
  static Loaded load(Files files, Vertx vertx) throws UnusableException {
    TlsConfig config = files.config();
    KeyCertOptions keyCert;
    String keySource;
    int next = 0;
    if (config.key() instanceof TlsConfig.Pem pem) {
      keyCert = new PemKeyCertOptions().setCertValue(Buffer.buffer(files.contents().get(0))).setKeyValue(Buffer.buffer(files.contents().get(1)));
      keySource = "certificate " + pem.certificate() + " and key " + pem.key();
      next = 2;
    } else {
      TlsConfig.Pkcs12 pkcs12 = (TlsConfig.Pkcs12) config.key();
      keyCert = new PfxOptions().setValue(Buffer.buffer(files.contents().get(0))).setPassword(files.passwords().get(0));
      keySource = "keystore " + pkcs12.keystore();
      next = 1;
    }
    X509Certificate certificate = checkKeys(keyCert, keySource, vertx);
    ServerSSLOptions options =
        new ServerSSLOptions()
            .setKeyCertOptions(keyCert)
            .setEnabledSecureTransportProtocols(new LinkedHashSet<>(config.protocols()))
            .setClientAuth(ClientAuth.valueOf(config.clientAuth().name()));
    config.cipherSuites().forEach(options::addEnabledCipherSuite);
    if (config.trust() != null) {
      Buffer trusted = Buffer.buffer(files.contents().get(next));
      TrustOptions trust =
          config.trust().pkcs12()
              ? new PfxOptions().setValue(trusted).setPassword(files.passwords().get(files.passwords().size() - 1))
              : new PemTrustOptions().addCertValue(trusted);
      checkTrust(trust, "trust " + config.trust().file(), vertx);
      options.setTrustOptions(trust);
    }
    return new Loaded(options, files.digest(), certificate);
  }

  /** Server options that serve TLS with {@code tls}. */
  static HttpServerOptions apply(ServerSSLOptions tls, HttpServerOptions options) {
    options
        .setSsl(true)
        .setKeyCertOptions(tls.getKeyCertOptions())
        .setTrustOptions(tls.getTrustOptions())
        .setClientAuth(tls.getClientAuth())
        .setEnabledSecureTransportProtocols(tls.getEnabledSecureTransportProtocols());
    tls.getEnabledCipherSuites().forEach(options::addEnabledCipherSuite);
    return options;
  }

  /** Each key of the key store with its certificate chain: they must belong together and be valid now. */
  private static X509Certificate checkKeys(KeyCertOptions keyCert, String source, Vertx vertx) throws UnusableException {
    KeyManager[] managers;
    try {
      managers = keyCert.getKeyManagerFactory(vertx).getKeyManagers();
    } catch (Exception e) {
      throw new UnusableException(source + " cannot be loaded: " + reason(e), e);
    }
    X509KeyManager manager = Arrays.stream(managers).filter(X509KeyManager.class::isInstance).map(X509KeyManager.class::cast)
        .findFirst().orElseThrow(() -> new UnusableException(source + " holds no X.509 key", null));
    X509Certificate first = null;
    for (String type : KEY_TYPES) {
      String[] aliases = manager.getServerAliases(type, null);
      for (String alias : aliases == null ? new String[0] : aliases) {
        X509Certificate[] chain = manager.getCertificateChain(alias);
        PrivateKey key = manager.getPrivateKey(alias);
        if (chain == null || chain.length == 0 || key == null) {
          continue;
        }
        checkPair(key, chain[0], source);
        try {
          chain[0].checkValidity();
        } catch (GeneralSecurityException e) {
          throw new UnusableException(source + ": the certificate " + chain[0].getSubjectX500Principal().getName()
              + " is not valid now (valid from " + chain[0].getNotBefore().toInstant() + " to " + chain[0].getNotAfter().toInstant() + ")", e,
              e instanceof java.security.cert.CertificateNotYetValidException);
        }
        first = first == null ? chain[0] : first;
      }
    }
    if (first == null) {
      throw new UnusableException(source + " holds no private key with its certificate", null);
    }
    return first;
  }

  /** The key signs a probe that the certificate's public key verifies: they are one pair. */
  private static void checkPair(PrivateKey key, X509Certificate certificate, String source) throws UnusableException {
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
      default -> null; // RSASSA-PSS, DSA: left to the handshake
    };
    if (algorithm == null) {
      return;
    }
    boolean pair;
    try {
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(PROBE);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificate.getPublicKey());
      verifier.update(PROBE);
      pair = verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      pair = false;
    }
    if (!pair) {
      throw new UnusableException(source + ": the private key does not belong to the certificate "
          + certificate.getSubjectX500Principal().getName(), null);
    }
  }

  private static void checkTrust(TrustOptions trust, String source, Vertx vertx) throws UnusableException {
    TrustManager[] managers;
    try {
      managers = trust.getTrustManagerFactory(vertx).getTrustManagers();
    } catch (Exception e) {
      throw new UnusableException(source + " cannot be loaded: " + reason(e), e);
    }
    boolean any = Arrays.stream(managers).filter(X509TrustManager.class::isInstance)
        .anyMatch(manager -> ((X509TrustManager) manager).getAcceptedIssuers().length > 0);
    if (!any) {
      throw new UnusableException(source + " holds no certificate", null);
    }
  }

  private static String secret(io.courier.gateway.config.Secret secret) throws UnusableException {
    try {
      return secret.value();
    } catch (IllegalStateException e) {
      throw new UnusableException("password " + secret + ": " + e.getMessage(), e);
    }
  }

  /** An exception's message without the stack, for one line (the type when it has no message). */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }
}
