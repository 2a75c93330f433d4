package io.courier.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.courier.gateway.kafka.Preflight;
import org.junit.jupiter.api.Test;

/** Secrets in {@code kafka.client} never reach what Courier prints: its configuration or its errors. */
class KafkaSecretsTest {
  private static final String PASSWORD = "pw-9c1e77";
  private static final String TRUSTSTORE_PASSWORD = "ts-4b20d1";

  private static String yaml(String jaasConfig, String truststore) {
    return """
        kafka:
          bootstrap-servers: "localhost:9092"
          client:
            security.protocol: SASL_SSL
            sasl.mechanism: SCRAM-SHA-512
            sasl.jaas.config: '%s'
            ssl.truststore.location: "%s"
            ssl.truststore.password: "%s"
        services:
          - {name: a, request-topic: a, routes: [{method: GET, path: /a}]}
        """.formatted(jaasConfig, truststore, TRUSTSTORE_PASSWORD);
  }

  @Test
  void kafkasPasswordTypedSettingsAreSecretsAndPlugInSettingsNamedLikeSecretsToo() {
    assertThat(KafkaSecrets.isSecret("sasl.jaas.config")).isTrue();
    assertThat(KafkaSecrets.isSecret("ssl.truststore.password")).isTrue();
    assertThat(KafkaSecrets.isSecret("ssl.keystore.key")).isTrue();
    assertThat(KafkaSecrets.isSecret("ssl.key.password")).isTrue();
    assertThat(KafkaSecrets.isSecret("basic.auth.user.info")).as("unknown to Kafka, named like a secret").isTrue();
    assertThat(KafkaSecrets.isSecret("security.protocol")).isFalse();
    assertThat(KafkaSecrets.isSecret("ssl.truststore.location")).isFalse();
    assertThat(KafkaSecrets.isSecret("sasl.login.refresh.buffer.seconds")).as("known to Kafka, not a password").isFalse();
  }

  @Test
  void theConfigurationsTextShowsSecretsAsHidden() {
    GatewayConfig config = ConfigLoader.parse(yaml(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"courier\" password=\"" + PASSWORD + "\";",
        "/etc/courier/truststore.p12"));

    assertThat(config.toString())
        .doesNotContain(PASSWORD)
        .doesNotContain(TRUSTSTORE_PASSWORD)
        .contains("sasl.jaas.config=[hidden]")
        .contains("ssl.truststore.password=[hidden]")
        .contains("security.protocol=SASL_SSL");
    assertThat(config.kafka().client()).containsEntry("ssl.truststore.password", TRUSTSTORE_PASSWORD);
  }

  @Test
  void aJaasConfigKafkaCannotParseFailsInOneLineWithoutTheTokenKafkaQuotes() {
    // Given a JAAS config whose password lost its key: Kafka's complaint quotes the token it stopped at
    GatewayConfig config = ConfigLoader.parse(yaml(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"courier\" \"" + PASSWORD + "\";",
        "/etc/courier/truststore.p12"));

    assertThatThrownBy(() -> Preflight.clients(config))
        .isInstanceOf(ConfigException.class)
        .hasMessage("kafka settings of the producer: Failed to create new NetworkClient: "
            + "Value not specified for key '[hidden]' in JAAS config");
  }

  @Test
  void aTrustStoreKafkaCannotReadIsAOneLineConfigurationError() {
    GatewayConfig config = ConfigLoader.parse(yaml(
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"courier\" password=\"" + PASSWORD + "\";",
        "/nowhere/truststore.p12"));

    assertThatThrownBy(() -> Preflight.clients(config))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("kafka settings of the producer: ")
        .hasMessageContaining("Failed to load SSL keystore /nowhere/truststore.p12")
        .hasMessageNotContaining(TRUSTSTORE_PASSWORD)
        .hasMessageNotContaining(PASSWORD);
  }
}
