package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code http.tls} and {@code management}: defaults, and every mistake named with its line and key path. */
class TlsConfigTest {
  @TempDir Path dir;
  private Path cert;
  private Path key;

  @BeforeEach
  void files() throws IOException {
    cert = Files.writeString(dir.resolve("tls.crt"), "certificate");
    key = Files.writeString(dir.resolve("tls.key"), "key");
  }

  private static GatewayConfig load(String http, String rest) {
    return ConfigLoader.parse("""
        http:
          %s
        kafka: {bootstrap-servers: "localhost:9092"}
        services: [{name: s, request-topic: t, routes: [{method: GET, path: /x}]}]
        %s
        """.formatted(http, rest));
  }

  @Test
  void pemFilesWithTheSafeDefaults() {
    TlsConfig tls = load("tls: {certificate: %s, key: %s}".formatted(cert, key), "").http().tls();

    assertThat(tls.key()).isEqualTo(new TlsConfig.Pem(cert, key));
    assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    assertThat(tls.cipherSuites()).as("the JDK's defaults").isEmpty();
    assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.NONE);
    assertThat(tls.trust()).isNull();
    assertThat(tls.reloadInterval()).isEqualTo(Duration.ofMinutes(1));
    assertThat(tls.origin()).isEqualTo("<config>:2: http.tls");
  }

  @Test
  void withoutTlsOrManagementTheGatewayIsPlainHttpOnOnePort() {
    GatewayConfig config = load("port: 8080", "");

    assertThat(config.http().tls()).isNull();
    assertThat(config.management()).isNull();
  }

  @Test
  void aKeystoreWithItsPasswordInAFileAndClientCertificatesRequired() throws IOException {
    Path keystore = Files.writeString(dir.resolve("tls.p12"), "pkcs12");
    Path password = Files.writeString(dir.resolve("password"), "s3cret\n");
    TlsConfig tls = load("tls: {keystore: %s, keystore-password: \"file:%s\", client-auth: required, trust: %s, reload-interval: 5s}"
        .formatted(keystore, password, cert), "").http().tls();

    assertThat(((TlsConfig.Pkcs12) tls.key()).password().value()).isEqualTo("s3cret");
    assertThat(tls.clientAuth()).isEqualTo(TlsConfig.ClientAuth.REQUIRED);
    assertThat(tls.trust()).isEqualTo(new TlsConfig.Trust(cert, false, null));
    assertThat(tls.toString()).doesNotContain("s3cret");
  }

  @Test
  void aManagementPortWithItsOwnTls() {
    ManagementConfig management =
        load("{host: 10.0.0.1, port: 8080}", "management: {port: 9090, tls: {certificate: %s, key: %s}}".formatted(cert, key)).management();

    assertThat(management.host()).as("http.host by default").isEqualTo("10.0.0.1");
    assertThat(management.port()).isEqualTo(9090);
    assertThat(management.tls().origin()).isEqualTo("<config>:5: management.tls");
  }

  @Test
  void mistakesNameTheirLineAndKeyPath() {
    String pem = "certificate: %s, key: %s".formatted(cert, key);
    assertError("tls: {certificate: %s, key: %s}".formatted(dir.resolve("missing.crt"), key), "",
        "<config>:2: http.tls.certificate: file " + dir.resolve("missing.crt") + " does not exist");
    assertError("tls: {certificate: %s}".formatted(cert), "",
        "<config>:2: http.tls: needs certificate and key (PEM files), or keystore (a PKCS#12 file)");
    assertError("tls: {%s, keystore: %s}".formatted(pem, cert), "",
        "<config>:2: http.tls.certificate: give either keystore or certificate and key, not both");
    assertError("tls: {keystore: %s, keystore-password: changeit}".formatted(cert), "",
        "<config>:2: http.tls.keystore-password: must be env:NAME or file:/path, so that the password stays out of this file");
    assertError("tls: {keystore: %s, keystore-password: \"env:COURIER_NO_SUCH_VARIABLE\"}".formatted(cert), "",
        "<config>:2: http.tls.keystore-password: env:COURIER_NO_SUCH_VARIABLE: environment variable COURIER_NO_SUCH_VARIABLE is not set");
    assertError("tls: {%s, protocols: [TLSv1.1]}".formatted(pem), "",
        "<config>:2: http.tls.protocols[0]: must be TLSv1.3 or TLSv1.2 (TLS 1.0 and 1.1 are deprecated by RFC 8996), was \"TLSv1.1\"");
    assertError("tls: {%s, cipher-suites: [TLS_NO_SUCH_SUITE]}".formatted(pem), "",
        "<config>:2: http.tls.cipher-suites[0]: is not a cipher suite this JDK supports: \"TLS_NO_SUCH_SUITE\"");
    assertError("tls: {%s, protocols: [TLSv1.2], cipher-suites: [TLS_AES_128_GCM_SHA256]}".formatted(pem), "",
        "<config>:2: http.tls.cipher-suites: none of these cipher suites can be used with TLSv1.2: no handshake would succeed");
    assertError("tls: {%s, client-auth: required}".formatted(pem), "",
        "<config>:2: http.tls: client-auth: required needs trust: the certificate authorities (PEM or PKCS#12) a client certificate must come from");
    assertError("tls: {%s, trust: %s}".formatted(pem, cert), "",
        "<config>:2: http.tls.trust: only applies with client-auth: request or required (it decides which client certificates are accepted)");
    assertError("tls: {%s, client-auth: sometimes}".formatted(pem), "",
        "<config>:2: http.tls.client-auth: must be none, request or required, was \"sometimes\"");
    assertError("port: 8080", "management: {port: 8080}",
        "<config>:5: management.port: must differ from http.port (8080); leave management out to serve it with the routes");
    assertError("port: 8080", "management: {host: 0.0.0.0}", "<config>:5: management: 'port' is required");
    assertError("port: 8080", "management: {port: 9090, tls: {%s, prot: x}}".formatted(pem),
        "<config>:5: management.tls.prot: unknown key; allowed here: certificate, cipher-suites, client-auth, key, keystore,"
            + " keystore-password, protocols, reload-interval, trust, trust-password");
  }

  private void assertError(String http, String rest, String message) {
    assertThatThrownBy(() -> load(http, rest)).isInstanceOf(ConfigException.class).hasMessage(message);
  }

  @Test
  void secretsAreReadFromTheirFileEachTime() throws IOException {
    Path file = Files.writeString(dir.resolve("p"), "one\n");
    Secret secret = Secret.parse("file:" + file);
    assertThat(secret.value()).isEqualTo("one");
    Files.writeString(file, "two");
    assertThat(secret.value()).isEqualTo("two");
    assertThat(List.of(secret.toString())).containsExactly("file:" + file);
  }
}
