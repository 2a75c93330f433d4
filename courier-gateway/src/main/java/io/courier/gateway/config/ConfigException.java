package io.courier.gateway.config;

/**
 * The configuration cannot be used. The message names the file, line and key path of the mistake, e.g.
 * {@code courier.yaml:14: services[0].routes[1].timeout: must be a duration like 500ms, 5s or 1m, was "5x"}.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
