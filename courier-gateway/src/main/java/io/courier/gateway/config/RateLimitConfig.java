package io.courier.gateway.config;

/**
 * How many requests each caller may make on a route: a token bucket per caller (its identity on routes with
 * authentication, else its IP address) that refills at {@code requestsPerSecond} and holds up to {@code
 * burst}. A caller past it gets 429 {@code rate-limited} with a {@code Retry-After} of when a token is back.
 *
 * @param requestsPerSecond the sustained rate, above 0
 * @param burst the most requests at once after a quiet spell, at least 1
 */
public record RateLimitConfig(double requestsPerSecond, int burst) {
  public RateLimitConfig {
    if (!(requestsPerSecond > 0) || burst < 1) {
      throw new ConfigException("a rate limit needs requests-per-second above 0 and a burst of at least 1");
    }
  }

  /**
   * The limit written at {@code node} ({@code {requests-per-second, burst}} or {@code off}), else {@code
   * inherited}; {@code null} when there is none.
   */
  static RateLimitConfig read(YamlNode node, RateLimitConfig inherited) {
    if (node == null) {
      return inherited;
    }
    if (!node.isMapping()) {
      if ("off".equals(node.asString())) {
        return null;
      }
      throw node.error("must be off or {requests-per-second: N, burst: M}, was \"" + node.asString() + "\"");
    }
    node.rejectUnknownKeys(ConfigLoader.keysUnder(Setting.SERVICE_RATE_LIMIT.path()));
    YamlNode rate = node.required(Setting.SERVICE_RATE_LIMIT_REQUESTS_PER_SECOND.key());
    double perSecond;
    try {
      perSecond = Double.parseDouble(rate.asString());
    } catch (NumberFormatException e) {
      perSecond = -1;
    }
    if (!(perSecond > 0 && perSecond <= 1_000_000)) {
      throw rate.error("must be a number above 0 and at most 1000000, was \"" + rate.asString() + "\"");
    }
    YamlNode burst = node.child(Setting.SERVICE_RATE_LIMIT_BURST.key());
    return new RateLimitConfig(perSecond, burst == null ? (int) Math.ceil(perSecond) : burst.asInt(1, 1_000_000));
  }
}
