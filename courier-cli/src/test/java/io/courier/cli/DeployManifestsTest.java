package io.courier.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.courier.gateway.Gateway;
import io.courier.gateway.config.ConfigLoader;
import io.courier.gateway.config.GatewayConfig;
import io.courier.gateway.config.ManagementPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/** deploy/kubernetes parses and agrees with the code: configuration, ports, probe paths, drain time. */
class DeployManifestsTest {
  private static final Path MANIFESTS = Path.of("..", "deploy", "kubernetes");
  /** What a Deployment's pod is called: {@code <deployment>-<template hash>-<5 characters>}. */
  private static final String POD_NAME = "courier-7d9f8b6c5d-x2x9z";

  private static Map<String, Map<String, Object>> byKind;

  @BeforeAll
  static void parseEveryManifest() throws IOException {
    byKind = new HashMap<>();
    try (Stream<Path> files = Files.list(MANIFESTS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
          Map<String, Object> resource = map(document);
          assertThat(resource).as(file.toString()).containsKeys("apiVersion", "kind", "metadata");
          assertThat(byKind.put((String) resource.get("kind"), resource)).as("a second " + resource.get("kind")).isNull();
        }
      }
    }
  }

  @Test
  void theManifestsAreTheDocumentedFour() {
    assertThat(byKind).containsOnlyKeys("ConfigMap", "Deployment", "Service", "PodDisruptionBudget");
  }

  @Test
  void theConfigMapHoldsAValidConfigurationWithoutAnInstanceId() {
    String yaml = configYaml();

    assertThat(ConfigLoader.parse(yaml).routes()).isNotEmpty();
    // One file for every pod: an id in it would be shared, so each pod takes its own from the command line.
    assertThat(map(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml))).doesNotContainKey("instance-id");
  }

  @Test
  void thePodRunsTheGatewayWithTheConfigMapAndItsNameAsInstanceId() {
    Map<String, Object> container = container();
    Map<String, Object> pod = podSpec();
    String mountPath = configMountPath(pod, container);

    List<String> args = new ArrayList<>(strings(container.get("args")));
    args.replaceAll(arg -> arg.replace("$(POD_NAME)", POD_NAME));
    CommandLine.ParseResult parsed = new CommandLine(new CourierCommand()).parseArgs(args.toArray(String[]::new));
    GatewayCommand gateway = (GatewayCommand) parsed.subcommand().commandSpec().userObject();

    assertThat(gateway.config).isEqualTo(Path.of(mountPath, "courier.yaml"));
    assertThat(gateway.instanceId).isEqualTo(POD_NAME);
    assertThat(ConfigLoader.parse(configYaml()).withInstanceId(gateway.instanceId).instanceId()).isEqualTo(POD_NAME);
    assertThat(gateway.port).as("--port would override http.port, which the probes follow").isNull();
    Map<String, Object> podName = list(container.get("env")).stream().map(DeployManifestsTest::map)
        .filter(env -> "POD_NAME".equals(env.get("name"))).findFirst().orElseThrow();
    assertThat(at(podName, "valueFrom", "fieldRef", "fieldPath")).isEqualTo("metadata.name");
  }

  @Test
  void theContainerPortProbesAndServiceUseTheConfiguredHttpPort() {
    int port = ConfigLoader.parse(configYaml()).http().port();
    Map<String, Object> container = container();

    Map<String, Object> http = list(container.get("ports")).stream().map(DeployManifestsTest::map)
        .filter(p -> "http".equals(p.get("name"))).findFirst().orElseThrow();
    assertThat(http.get("containerPort")).isEqualTo(port);
    for (String probe : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
      assertThat(at(container, probe, "httpGet", "port")).as(probe).isIn("http", port);
    }
    Map<String, Object> servicePort = map(list(at(byKind.get("Service"), "spec", "ports")).get(0));
    assertThat(servicePort.get("targetPort")).isIn("http", port);
  }

  @Test
  void readinessAndLivenessProbeTheGatewaysOwnEndpoints() {
    Map<String, Object> container = container();

    assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo(ManagementPaths.READY);
    assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo(ManagementPaths.HEALTH);
    assertThat(at(container, "startupProbe", "httpGet", "path")).isEqualTo(ManagementPaths.HEALTH);
  }

  @Test
  void theGracePeriodCoversThePreStopSleepAndTheDrain() {
    int preStop = (Integer) at(container(), "lifecycle", "preStop", "sleep", "seconds");
    int grace = (Integer) podSpec().get("terminationGracePeriodSeconds");

    assertThat(preStop).as("endpoints need a moment to drop the pod before it drains").isPositive();
    assertThat((long) grace).isGreaterThanOrEqualTo(preStop + Gateway.DRAIN.toSeconds());
  }

  @Test
  void theServiceAndTheBudgetSelectTheDeploymentsPods() {
    Map<String, Object> deployment = byKind.get("Deployment");
    Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));

    assertThat(podLabels).containsAllEntriesOf(map(at(deployment, "spec", "selector", "matchLabels")));
    assertThat(podLabels).containsAllEntriesOf(map(at(byKind.get("Service"), "spec", "selector")));
    assertThat(podLabels)
        .containsAllEntriesOf(map(at(byKind.get("PodDisruptionBudget"), "spec", "selector", "matchLabels")));
  }

  private static String configYaml() {
    return (String) at(byKind.get("ConfigMap"), "data", "courier.yaml");
  }

  private static Map<String, Object> podSpec() {
    return map(at(byKind.get("Deployment"), "spec", "template", "spec"));
  }

  private static Map<String, Object> container() {
    List<Object> containers = list(podSpec().get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  /** Where the container sees the ConfigMap: the mount of the volume made from it. */
  private static String configMountPath(Map<String, Object> pod, Map<String, Object> container) {
    String configMap = (String) at(byKind.get("ConfigMap"), "metadata", "name");
    String volume = list(pod.get("volumes")).stream().map(DeployManifestsTest::map)
        .filter(v -> v.get("configMap") != null && configMap.equals(at(v, "configMap", "name")))
        .map(v -> (String) v.get("name")).findFirst().orElseThrow();
    return list(container.get("volumeMounts")).stream().map(DeployManifestsTest::map)
        .filter(m -> volume.equals(m.get("name"))).map(m -> (String) m.get("mountPath")).findFirst().orElseThrow();
  }

  private static Object at(Map<String, Object> node, String... keys) {
    Object current = node;
    for (String key : keys) {
      assertThat(current).as("parent of " + key).isInstanceOf(Map.class);
      current = map(current).get(key);
    }
    assertThat(current).as(String.join(".", keys)).isNotNull();
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    return (List<Object>) node;
  }

  private static List<String> strings(Object node) {
    return list(node).stream().map(String.class::cast).toList();
  }
}
