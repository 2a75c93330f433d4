package io.courier.gateway.config;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * Which Kafka client settings are secrets, and their values kept out of what Courier prints. A setting is a
 * secret when Kafka's own definition of the producer, the consumer or the admin client gives it type {@code
 * PASSWORD} ({@code sasl.jaas.config}, {@code ssl.key.password}, {@code ssl.keystore.key} ...: the settings
 * Kafka itself shows as {@code [hidden]}), or when Kafka does not know it and its name says it is one
 * ({@code password}, {@code secret}, {@code credential}, {@code token}, {@code user.info}: settings of
 * plug-ins, which pass through too). Stateless and thread-safe.
 */
public final class KafkaSecrets {
  /** What a secret is shown as: Kafka's own mark. */
  public static final String HIDDEN = Password.HIDDEN;

  private static final Set<String> PASSWORD_TYPED =
      passwordTyped(ProducerConfig.configDef(), ConsumerConfig.configDef(), AdminClientConfig.configDef());
  private static final Pattern SECRET_NAME = Pattern.compile("password|secret|credential|token|user\\.info");
  /** A JAAS option's value ({@code key="value"} or {@code key=value}) or any quoted string in a JAAS config. */
  private static final Pattern JAAS_VALUE = Pattern.compile("=\\s*\"([^\"]*)\"|=\\s*([^\\s\";]+)|\"([^\"]*)\"");

  private KafkaSecrets() {}

  /** Whether the value of this Kafka client setting must never be printed. */
  public static boolean isSecret(String key) {
    return PASSWORD_TYPED.contains(key)
        || (!ProducerConfig.configNames().contains(key)
            && !ConsumerConfig.configNames().contains(key)
            && !AdminClientConfig.configNames().contains(key)
            && SECRET_NAME.matcher(key.toLowerCase(Locale.ROOT)).find());
  }

  /** The settings, in their order, with the value of every secret replaced by {@link #HIDDEN}. */
  public static Map<String, String> masked(Map<String, String> settings) {
    Map<String, String> masked = new LinkedHashMap<>();
    settings.forEach((key, value) -> masked.put(key, isSecret(key) ? HIDDEN : value));
    return masked;
  }

  /**
   * {@code text} (e.g. Kafka's reason for refusing a setting) with every secret of {@code settings} replaced
   * by {@link #HIDDEN}: each secret value whole, and, inside {@code sasl.jaas.config}, each option value and
   * quoted string, since Kafka's complaints about a JAAS config quote its tokens.
   */
  public static String scrub(String text, Map<String, ?> settings) {
    if (text == null) {
      return null;
    }
    Set<String> secrets = new LinkedHashSet<>();
    settings.forEach((key, value) -> {
      if (value != null && isSecret(key)) {
        String plain = value instanceof Password password ? password.value() : value.toString();
        secrets.add(plain);
        if (key.equals(SaslConfigs.SASL_JAAS_CONFIG)) {
          Matcher matcher = JAAS_VALUE.matcher(plain);
          while (matcher.find()) {
            for (int group = 1; group <= 3; group++) {
              if (matcher.group(group) != null) {
                secrets.add(matcher.group(group));
              }
            }
          }
        }
      }
    });
    String scrubbed = text;
    // Longest first, so that a secret containing another is hidden whole.
    for (String secret : secrets.stream().filter(s -> !s.isBlank()).sorted((a, b) -> b.length() - a.length()).toList()) {
      // Only where it stands alone, so that a short user name does not mangle every word it occurs in.
      scrubbed = scrubbed.replaceAll("(?<![A-Za-z0-9])" + Pattern.quote(secret) + "(?![A-Za-z0-9])", Matcher.quoteReplacement(HIDDEN));
    }
    return scrubbed;
  }

  private static Set<String> passwordTyped(ConfigDef... definitions) {
    Set<String> keys = new LinkedHashSet<>();
    for (ConfigDef definition : definitions) {
      definition.configKeys().forEach((key, setting) -> {
        if (setting.type == ConfigDef.Type.PASSWORD) {
          keys.add(key);
        }
      });
    }
    return Set.copyOf(keys);
  }
}
