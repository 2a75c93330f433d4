package io.courier.gateway.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time: a certificate authority, server certificates for {@code localhost} and
 * client certificates it issues, written as PEM files or PKCS#12 keystores, and client {@link SSLContext}s that
 * trust an authority (and show a client certificate). EC P-256 keys, valid from an hour ago for a day.
 */
public final class TestCertificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private TestCertificates() {}

  /** A key and its certificate, signed by the authority that issued it (or by itself, for an authority). */
  public record Issued(PrivateKey key, X509Certificate certificate) {
    public BigInteger serial() {
      return certificate.getSerialNumber();
    }

    /** Writes {@code <name>.crt} (the certificate) and {@code <name>.key} (its PKCS#8 key) into {@code dir}. */
    public PemFiles writePem(Path dir, String name) {
      PemFiles files = new PemFiles(dir.resolve(name + ".crt"), dir.resolve(name + ".key"));
      writePem(files);
      return files;
    }

    /** Writes the certificate and key over {@code files}, each replaced at once (as a renewal should be). */
    public void writePem(PemFiles files) {
      try {
        replace(files.key(), pem(new JcaPKCS8Generator(key, null)));
      } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
        throw new IllegalStateException(e);
      }
      replace(files.certificate(), pem(certificate));
    }

    /** Writes a PKCS#12 keystore holding the key and certificate under alias {@code courier}. */
    public Path writePkcs12(Path file, String password) {
      try {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("courier", key, password.toCharArray(), new Certificate[] {certificate});
        try (OutputStream out = Files.newOutputStream(file)) {
          store.store(out, password.toCharArray());
        }
        return file;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** A PEM certificate file and its key file. */
  public record PemFiles(Path certificate, Path key) {}

  /** A certificate authority: issues server and client certificates. */
  public record Authority(Issued self) {
    /** A server certificate for {@code localhost} and 127.0.0.1. */
    public Issued server() {
      return issue("CN=localhost", false, KeyPurposeId.id_kp_serverAuth,
          new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }

    /** A client certificate with subject {@code CN=<commonName>}. */
    public Issued client(String commonName) {
      return issue("CN=" + commonName, false, KeyPurposeId.id_kp_clientAuth, null);
    }

    /** Writes the authority's certificate as a PEM bundle. */
    public Path writePem(Path file) {
      replace(file, pem(self.certificate()));
      return file;
    }

    private Issued issue(String subject, boolean authority, KeyPurposeId purpose, GeneralNames names) {
      return TestCertificates.issue(subject, self, authority, purpose, names);
    }
  }

  /** A new certificate authority named {@code CN=<name>}. */
  public static Authority authority(String name) {
    return new Authority(issue("CN=" + name, null, true, null, null));
  }

  /** A client context trusting {@code trusted}, showing {@code clientCertificate} when asked (none when {@code null}). */
  public static SSLContext clientContext(Authority trusted, Issued clientCertificate) {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", trusted.self().certificate());
      TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trustManagers.init(trust);
      KeyManagerFactory keyManagers = null;
      if (clientCertificate != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", clientCertificate.key(), new char[0], new Certificate[] {clientCertificate.certificate()});
        keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, new char[0]);
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Issued issue(String subject, Issued issuer, boolean authority, KeyPurposeId purpose, GeneralNames names) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      Instant now = Instant.now();
      X500Name name = new X500Name(subject);
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuer == null ? name : new X500Name(issuer.certificate().getSubjectX500Principal().getName()),
              new BigInteger(64, RANDOM).add(BigInteger.ONE),
              Date.from(now.minus(Duration.ofHours(1))),
              Date.from(now.plus(Duration.ofDays(1))),
              name,
              pair.getPublic());
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
      builder.addExtension(Extension.keyUsage, true,
          new KeyUsage(authority ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
      if (purpose != null) {
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
      }
      if (names != null) {
        builder.addExtension(Extension.subjectAlternativeName, false, names);
      }
      PrivateKey signer = issuer == null ? pair.getPrivate() : issuer.key();
      X509Certificate certificate =
          new JcaX509CertificateConverter().getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
      return new Issued(pair.getPrivate(), certificate);
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate for " + subject, e);
    }
  }

  private static String pem(Object object) {
    StringWriter text = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
      if (object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator generator) {
        writer.writeObject(generator);
      } else {
        writer.writeObject(object);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  /** Writes {@code content} next to {@code file}, then moves it over {@code file} in one step. */
  private static void replace(Path file, String content) {
    try {
      Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".replace", ".tmp");
      Files.writeString(temporary, content, StandardCharsets.US_ASCII);
      Files.move(temporary, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
