package io.courier.gateway.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * Reads an {@code http.tls} or {@code management.tls} block into a {@link TlsConfig}. Checks what can be
 * checked without reading the certificates: the keys, that every file exists and is readable, that passwords
 * are found, and the protocols and cipher suites. The HTTP front end reads the files at start-up and names
 * {@link TlsConfig#origin()} in any error they cause.
 */
final class TlsConfigLoader {
  private static final Set<String> PROTOCOLS = Set.of("TLSv1.3", "TLSv1.2");

  private TlsConfigLoader() {}

  static TlsConfig tls(YamlNode node) {
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.HTTP_TLS.path()));
    YamlNode certificate = node.child(Setting.HTTP_TLS_CERTIFICATE.key());
    YamlNode key = node.child(Setting.HTTP_TLS_KEY.key());
    YamlNode keystore = node.child(Setting.HTTP_TLS_KEYSTORE.key());
    YamlNode keystorePassword = node.child(Setting.HTTP_TLS_KEYSTORE_PASSWORD.key());
    TlsConfig.KeyMaterial material;
    if (keystore != null) {
      for (YamlNode pemOnly : new YamlNode[] {certificate, key}) {
        if (pemOnly != null) {
          throw pemOnly.error("give either keystore or certificate and key, not both");
        }
      }
      material = new TlsConfig.Pkcs12(file(keystore), secret(keystorePassword));
    } else {
      if (certificate == null || key == null) {
        throw node.error("needs certificate and key (PEM files), or keystore (a PKCS#12 file)");
      }
      if (keystorePassword != null) {
        throw keystorePassword.error("only applies with keystore");
      }
      material = new TlsConfig.Pem(file(certificate), file(key));
    }
    List<String> protocols = protocols(node.child(Setting.HTTP_TLS_PROTOCOLS.key()));
    YamlNode clientAuthNode = node.child(Setting.HTTP_TLS_CLIENT_AUTH.key());
    TlsConfig.ClientAuth clientAuth = clientAuthNode == null
        ? TlsConfig.ClientAuth.NONE
        : ConfigLoader.choice(clientAuthNode, TlsConfig.ClientAuth.class, "none, request or required");
    YamlNode reload = node.child(Setting.HTTP_TLS_RELOAD_INTERVAL.key());
    return new TlsConfig(
        node.location() + ": " + node.path(),
        material,
        protocols,
        cipherSuites(node.child(Setting.HTTP_TLS_CIPHER_SUITES.key()), protocols),
        clientAuth,
        trust(node, clientAuth),
        reload == null ? Setting.Defaults.TLS_RELOAD_INTERVAL : reload.asDuration(Duration.ofMillis(100), Duration.ofHours(24)));
  }

  private static TlsConfig.Trust trust(YamlNode node, TlsConfig.ClientAuth clientAuth) {
    YamlNode trust = node.child(Setting.HTTP_TLS_TRUST.key());
    YamlNode password = node.child(Setting.HTTP_TLS_TRUST_PASSWORD.key());
    if (clientAuth == TlsConfig.ClientAuth.NONE) {
      if (trust != null) {
        throw trust.error("only applies with client-auth: request or required (it decides which client certificates are accepted)");
      }
      if (password != null) {
        throw password.error("only applies with trust");
      }
      return null;
    }
    if (trust == null) {
      throw node.error("client-auth: " + clientAuth.name().toLowerCase(Locale.ROOT)
          + " needs trust: the certificate authorities (PEM or PKCS#12) a client certificate must come from");
    }
    Path file = file(trust);
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    boolean pkcs12 = name.endsWith(".p12") || name.endsWith(".pfx");
    if (!pkcs12 && password != null) {
      throw password.error("only applies to a PKCS#12 trust store (.p12, .pfx); a PEM bundle has no password");
    }
    return new TlsConfig.Trust(file, pkcs12, secret(password));
  }

  /** A file that exists and can be read now; its content is checked when the listener starts. */
  private static Path file(YamlNode node) {
    Path path = Path.of(node.asString());
    if (!Files.exists(path)) {
      throw node.error("file " + path + " does not exist");
    }
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw node.error("file " + path + " cannot be read (not a file, or no permission)");
    }
    return path;
  }

  /** A password's reference, found now; {@code null} when absent. The value is never put in a message. */
  private static Secret secret(YamlNode node) {
    if (node == null) {
      return null;
    }
    Secret secret = Secret.parse(node.asString());
    if (secret == null) {
      throw node.error("must be env:NAME or file:/path, so that the password stays out of this file");
    }
    try {
      secret.value();
    } catch (IllegalStateException e) {
      throw node.error(secret + ": " + e.getMessage());
    }
    return secret;
  }

  private static List<String> protocols(YamlNode node) {
    if (node == null) {
      return TlsConfig.DEFAULT_PROTOCOLS;
    }
    List<String> protocols = new ArrayList<>();
    for (YamlNode item : node.asList()) {
      String protocol = item.asString();
      if (!PROTOCOLS.contains(protocol)) {
        throw item.error("must be TLSv1.3 or TLSv1.2 (TLS 1.0 and 1.1 are deprecated by RFC 8996), was \"" + protocol + "\"");
      }
      if (!protocols.contains(protocol)) {
        protocols.add(protocol);
      }
    }
    if (protocols.isEmpty()) {
      throw node.error("must name at least one of TLSv1.3, TLSv1.2");
    }
    return protocols;
  }

  private static List<String> cipherSuites(YamlNode node, List<String> protocols) {
    if (node == null) {
      return List.of();
    }
    Set<String> supported;
    try {
      supported = Set.of(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK offers no TLS", e);
    }
    List<String> suites = new ArrayList<>();
    boolean usable = false;
    for (YamlNode item : node.asList()) {
      String suite = item.asString();
      if (!supported.contains(suite)) {
        throw item.error("is not a cipher suite this JDK supports: \"" + suite + "\"");
      }
      // TLS 1.3 suites name no key exchange (TLS_AES_128_GCM_SHA256); TLS 1.2 ones do (..._WITH_...).
      usable |= protocols.contains(suite.contains("_WITH_") ? "TLSv1.2" : "TLSv1.3");
      if (!suites.contains(suite)) {
        suites.add(suite);
      }
    }
    if (suites.isEmpty()) {
      throw node.error("must name at least one cipher suite, or be left out for the JDK's defaults");
    }
    if (!usable) {
      throw node.error("none of these cipher suites can be used with " + String.join(", ", protocols) + ": no handshake would succeed");
    }
    return suites;
  }
}
