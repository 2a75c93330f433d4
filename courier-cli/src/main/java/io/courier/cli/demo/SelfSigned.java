package io.courier.cli.demo;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A self-signed certificate for {@code localhost}, made by Vert.x ({@link SelfSignedCertificate}), copied
 * into a directory of its own as {@code certificate.pem} and {@code key.pem} for {@code courier demo --tls}.
 * {@link #close()} deletes them. For trying TLS locally only: nothing but the demo's own curl trusts it.
 */
final class SelfSigned implements AutoCloseable {
  private final Path directory;

  private SelfSigned(Path directory) {
    this.directory = directory;
  }

  static SelfSigned create() {
    SelfSignedCertificate made = SelfSignedCertificate.create("localhost");
    try {
      Path directory = Files.createTempDirectory("courier-demo-tls-");
      Files.copy(Path.of(made.certificatePath()), directory.resolve("certificate.pem"));
      Files.copy(Path.of(made.privateKeyPath()), directory.resolve("key.pem"));
      return new SelfSigned(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the demo's certificate", e);
    } finally {
      made.delete();
    }
  }

  Path certificate() {
    return directory.resolve("certificate.pem");
  }

  Path key() {
    return directory.resolve("key.pem");
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(certificate());
    Files.deleteIfExists(key());
    Files.deleteIfExists(directory);
  }
}
