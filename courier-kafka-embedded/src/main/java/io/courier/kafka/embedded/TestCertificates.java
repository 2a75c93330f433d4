package io.courier.kafka.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a certificate for {@code localhost} signed by it, made by the JDK's
 * own {@code keytool} (run as a process: the JDK has no public API for issuing certificates, and a tool that
 * does this for a living beats hand-written ASN.1). PKCS#12 files, EC P-256 keys (quick to generate), valid
 * for two days.
 *
 * @param keystore the broker's key and its chain (CA-signed certificate, then the CA), PKCS#12
 * @param truststore the CA certificate alone, PKCS#12: what a client trusts
 * @param password the password of both stores and of the broker's key
 */
public record TestCertificates(Path keystore, Path truststore, String password) {
  private static final String TYPE = "PKCS12";

  /** Makes a new CA and a {@code localhost} certificate under {@code dir}. */
  public static TestCertificates generate(Path dir, String password) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    Path ca = dir.resolve("ca.p12");
    Path caCert = dir.resolve("ca.pem");
    Path keystore = dir.resolve("broker.p12");
    Path request = dir.resolve("broker.csr");
    Path signed = dir.resolve("broker.pem");
    Path truststore = dir.resolve("truststore.p12");
    keytool("-genkeypair", "-alias", "ca", "-dname", "CN=courier-test-ca", "-ext", "bc:c",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", ca, "-storetype", TYPE, "-storepass", password);
    keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-file", caCert);
    keytool("-genkeypair", "-alias", "broker", "-dname", "CN=localhost",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2", "-keystore", keystore, "-storetype", TYPE, "-storepass", password);
    keytool("-certreq", "-alias", "broker", "-keystore", keystore, "-storepass", password, "-file", request);
    keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca, "-storepass", password, "-validity", "2",
        "-ext", "san=dns:localhost,ip:127.0.0.1", "-infile", request, "-outfile", signed);
    // The CA first, so that keytool can build the chain when the signed certificate is installed.
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", keystore, "-storepass", password);
    keytool("-importcert", "-alias", "broker", "-file", signed, "-keystore", keystore, "-storepass", password);
    keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert, "-keystore", truststore, "-storetype", TYPE,
        "-storepass", password);
    return new TestCertificates(keystore, truststore, password);
  }

  /** The CA's certificate as PEM, beside the stores: what a client given PEM trust (not a store) trusts. */
  public Path caCertificate() {
    return keystore.resolveSibling("ca.pem");
  }

  /** The store type of {@link #keystore()} and {@link #truststore()}: {@code PKCS12}. */
  public String type() {
    return TYPE;
  }

  private static void keytool(Object... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // A short-lived tool: the quick compiler and the simple collector start it in a third of the time.
    command.add("-J-XX:TieredStopAtLevel=1");
    command.add("-J-XX:+UseSerialGC");
    for (Object arg : args) {
      command.add(arg.toString());
    }
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("keytool " + args[0] + " did not finish in 60 s");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " failed: " + output.strip());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run keytool", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
