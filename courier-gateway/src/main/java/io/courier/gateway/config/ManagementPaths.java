package io.courier.gateway.config;

import java.util.Set;

/**
 * The paths of the gateway's own endpoints (docs/operations.md#endpoints): served before any route, and so
 * reserved: no route or results path may be one of them. Probes and deployment manifests name these.
 */
public final class ManagementPaths {
  /** Liveness: 503 only when a restart is due. */
  public static final String HEALTH = "/health";
  /** Readiness: 200 while requests are taken, 503 while starting, not ready or draining. */
  public static final String READY = "/ready";
  public static final String METRICS = "/metrics";
  public static final String OPENAPI = "/openapi.json";
  public static final String ASYNCAPI = "/asyncapi.json";
  /** The live status page, and the numbers it shows. */
  public static final String STATUS = "/status";
  public static final String STATUS_JSON = "/status.json";
  public static final Set<String> ALL = Set.of(HEALTH, READY, METRICS, OPENAPI, ASYNCAPI, STATUS, STATUS_JSON);
  /** {@link #ALL} in the order messages and listings name them, joined with commas. */
  public static final String LISTED = String.join(", ", HEALTH, READY, METRICS, OPENAPI, ASYNCAPI, STATUS, STATUS_JSON);

  private ManagementPaths() {}
}
