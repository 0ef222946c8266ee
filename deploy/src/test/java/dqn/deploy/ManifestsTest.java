package dqn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.deploy.Rendered.Workload;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1Service;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * k8s/base and its overlays, rendered with kustomize and loaded strictly, hold the invariants a
 * cluster would only show at run time; and each check, fed a manifest broken on purpose, says so.
 */
class ManifestsTest {

  private static final String BASE = "k8s/base";
  private static final String CPU = "k8s/overlays/cpu";
  private static final String GPU = "k8s/overlays/gpu";

  /** The service graph, DNS and the two ways in from outside the namespace. */
  private static final Set<String> SERVICE_GRAPH =
      new TreeSet<>(
          List.of(
              "env-service -> inference-service:50054",
              "env-service -> replay-service:50052",
              "learner-service -> replay-service:50052",
              "learner-service -> inference-service:50054",
              "learner-service -> env-service:50051",
              "replay-service -> redis:6379",
              "outside -> inference-service:50054",
              "prometheus -> env-service:50051",
              "prometheus -> replay-service:50052",
              "prometheus -> learner-service:50053",
              "prometheus -> inference-service:50054",
              "env-service -> kube-dns:53/UDP",
              "replay-service -> kube-dns:53/UDP",
              "learner-service -> kube-dns:53/UDP",
              "inference-service -> kube-dns:53/UDP",
              "redis -> kube-dns:53/UDP"));

  private static final Map<String, String> YAML = new HashMap<>();
  private static Map<String, ServiceConfig> configs;

  @BeforeAll
  static void render() {
    for (String kustomization : List.of(BASE, CPU, GPU)) {
      YAML.put(kustomization, Rendered.render(kustomization));
    }
    configs = new LinkedHashMap<>();
    Repository.SERVICES.forEach(service -> configs.put(service, ServiceConfig.of(service)));
  }

  private static Rendered load(String kustomization) {
    return Rendered.load(kustomization, YAML.get(kustomization));
  }

  /** The images scripts/images.sh builds: dqn/SERVICE:VERSION, -cuda for the GPU variants. */
  private static Map<String, String> images(boolean cuda) {
    Map<String, String> images = new LinkedHashMap<>();
    for (String service : Repository.SERVICES) {
      boolean gpu = cuda && (service.equals("learner-service") || service.equals("inference-service"));
      images.put(service, "dqn/" + service + ":" + Repository.version() + (gpu ? "-cuda" : ""));
    }
    return images;
  }

  private static List<String> allProblems(Rendered rendered, boolean cuda) {
    List<String> problems = new java.util.ArrayList<>();
    problems.addAll(Manifests.selectors(rendered));
    problems.addAll(Manifests.ports(rendered, configs));
    problems.addAll(Manifests.environment(rendered, configs));
    problems.addAll(Manifests.references(rendered));
    problems.addAll(Manifests.images(rendered, images(cuda)));
    problems.addAll(Manifests.security(rendered));
    return problems;
  }

  @ParameterizedTest
  @ValueSource(strings = {BASE, CPU, GPU})
  void everyRenderedObjectLoadsAsItsKindAndTheInvariantsHold(String kustomization) {
    Rendered rendered = load(kustomization);
    Set<String> kinds = new TreeSet<>();
    rendered.objects().forEach(o -> kinds.add(o.getClass().getSimpleName()));
    assertEquals(
        Set.of("V1ConfigMap", "V1Deployment", "V1Namespace", "V1NetworkPolicy", "V1PodDisruptionBudget",
            "V1Secret", "V1Service", "V1StatefulSet", "V2HorizontalPodAutoscaler"),
        kinds);
    assertEquals(List.of(), allProblems(rendered, kustomization.equals(GPU)));
    assertEquals(SERVICE_GRAPH, Manifests.connections(rendered));
  }

  @Test
  void aMisspelledFieldOrKindDoesNotLoad() {
    String yaml = YAML.get(BASE);
    assertTrue(yaml.contains("containerPort: 50051"));
    assertThrows(Exception.class, () -> Rendered.load("typo", yaml.replace("containerPort: 50051", "contanerPort: 50051")));
    assertThrows(Exception.class, () -> Rendered.load("typo", yaml.replace("kind: PodDisruptionBudget", "kind: PodDisruptionBuget")));
  }

  @Test
  void theRunSpecificationConfigMapIsTheRunSpecificationFile() {
    V1ConfigMap runSpec = load(BASE).one(V1ConfigMap.class, "run-spec");
    assertEquals(
        Repository.read("run-spec/src/main/resources/dqn/runspec/atari.properties"),
        runSpec.getData().get("run-spec.properties"));
  }

  @Test
  void everyServiceWaitsOnlyForItsStartupProbeAndTheLearnerLongest() {
    Rendered rendered = load(BASE);
    // The learner opens its port only after the env-service listed its games.
    int learner = startupSeconds(rendered.workload("learner-service"));
    int env = startupSeconds(rendered.workload("env-service"));
    assertTrue(learner >= 2 * env, "learner startup " + learner + " s, env-service " + env + " s");
    assertTrue(learner >= 300, "learner startup window " + learner + " s");
  }

  private static int startupSeconds(Workload workload) {
    var probe = Manifests.container(workload).getStartupProbe();
    return Optional.ofNullable(probe.getPeriodSeconds()).orElse(10) * Optional.ofNullable(probe.getFailureThreshold()).orElse(3);
  }

  @Test
  void eachActorPodNamesItsReplayStreamsAfterItself() {
    V1EnvVar prefix = Manifests.container(load(BASE).workload("env-service")).getEnv().stream()
        .filter(e -> e.getName().equals("DQN_ENV_ACTORS_STREAM_PREFIX")).findFirst().orElseThrow();
    assertEquals("metadata.name", prefix.getValueFrom().getFieldRef().getFieldPath());
    assertTrue(configs.get("env-service").reads("DQN_ENV_ACTORS_STREAM_PREFIX"));
    assertEquals(Optional.of("true"), Manifests.env(Manifests.container(load(BASE).workload("env-service")), "DQN_ENV_ACTORS_AUTOSTART"));
  }

  @Test
  void theCpuOverlayOnlyHoldsTheLearnerToTheCpu() {
    assertEquals(
        Set.of("StatefulSet/learner-service spec.template.spec.containers[learner-service].env[DQN_LEARNER_COMPUTE_DEVICE]"),
        Changes.between(YAML.get(BASE), YAML.get(CPU)));
  }

  @Test
  void theGpuOverlayOnlyMovesTheLearnerAndTheInferenceServiceOntoGpus() {
    Set<String> expected = new TreeSet<>();
    for (String service : List.of("learner-service", "inference-service")) {
      String pod = "StatefulSet/" + service + " spec.template.spec.";
      expected.add(pod + "nodeSelector");
      expected.add(pod + "tolerations");
      expected.add(pod + "containers[" + service + "].image");
      expected.add(pod + "containers[" + service + "].resources.limits.nvidia.com/gpu");
    }
    expected.add("StatefulSet/learner-service spec.template.spec.containers[learner-service].env[DQN_LEARNER_COMPUTE_DEVICE]");
    expected.add("StatefulSet/inference-service spec.template.spec.containers[inference-service].env[DQN_INFERENCE_RUNTIME_PROVIDER]");
    assertEquals(expected, Changes.between(YAML.get(BASE), YAML.get(GPU)));
    Rendered gpu = load(GPU);
    assertEquals(Optional.of("gpu"), Manifests.env(Manifests.container(gpu.workload("learner-service")), "DQN_LEARNER_COMPUTE_DEVICE"));
    assertEquals(Optional.of("cuda"), Manifests.env(Manifests.container(gpu.workload("inference-service")), "DQN_INFERENCE_RUNTIME_PROVIDER"));
  }

  @Test
  void anOverlayThatChangesMoreIsCaught() {
    String gpu = YAML.get(GPU).replace("memory: 3Gi", "memory: 30Gi");
    assertTrue(Changes.between(YAML.get(BASE), gpu).stream().anyMatch(c -> c.contains("replay-service") || c.contains("env-service")));
  }

  // --- Each check catches what it is for. ---

  private static List<String> broken(Consumer<Rendered> breakIt) {
    Rendered rendered = load(BASE);
    breakIt.accept(rendered);
    return allProblems(rendered, false);
  }

  private static V1Container containerOf(Rendered rendered, String service) {
    return Manifests.container(rendered.workload(service));
  }

  private static void assertCaught(String expected, List<String> problems) {
    assertTrue(problems.stream().anyMatch(p -> p.contains(expected)), "expected a problem with \"" + expected + "\", got " + problems);
  }

  @Test
  void aWrongContainerPortIsCaught() {
    assertCaught("replay-service: the service listens on 50052",
        broken(r -> containerOf(r, "replay-service").getPorts().get(0).setContainerPort(50062)));
  }

  @Test
  void aProbeOnTheWrongPortIsCaught() {
    assertCaught("learner-service: startupProbe asks port 50054",
        broken(r -> containerOf(r, "learner-service").getStartupProbe().getGrpc().setPort(50054)));
  }

  @Test
  void aPortSettingTheContainerDoesNotFollowIsCaught() {
    assertCaught("inference-service: the service listens on 50055",
        broken(r -> containerOf(r, "inference-service").getEnv().stream()
            .filter(e -> e.getName().equals("DQN_PORT")).findFirst().orElseThrow().setValue("50055")));
  }

  @Test
  void aServicePortLeadingNowhereIsCaught() {
    assertCaught("env-service: Service port 50051 leads to",
        broken(r -> r.one(V1Service.class, "env-service").getSpec().getPorts().get(0).setTargetPort(new io.kubernetes.client.custom.IntOrString("grcp"))));
  }

  @Test
  void aMissingSecretIsCaught() {
    assertCaught("of the missing Secret dqn-secrets",
        broken(r -> r.objects().removeIf(o -> o instanceof V1Secret)));
  }

  @Test
  void aMissingSecretKeyIsCaught() {
    assertCaught("needs key redis-pasword",
        broken(r -> containerOf(r, "replay-service").getEnv().stream()
            .filter(e -> e.getName().equals("DQN_REPLAY_REDIS_PASSWORD")).findFirst().orElseThrow()
            .getValueFrom().getSecretKeyRef().setKey("redis-pasword")));
  }

  @Test
  void aMissingConfigMapIsCaught() {
    List<String> problems = broken(r -> r.objects().removeIf(o -> o instanceof V1ConfigMap c && Manifests.baseName(c).equals("run-spec")));
    assertCaught("needs the missing ConfigMap run-spec", problems);
    assertCaught("DQN_RUN_SPEC names /etc/dqn/run-spec.properties, which no mounted ConfigMap holds", problems);
  }

  @Test
  void aMissingVolumeIsCaught() {
    assertCaught("learner-service mounts the undeclared volume data",
        broken(r -> r.all(io.kubernetes.client.openapi.models.V1StatefulSet.class).stream()
            .filter(s -> s.getMetadata().getName().equals("learner-service")).findFirst().orElseThrow()
            .getSpec().setVolumeClaimTemplates(null)));
  }

  @Test
  void aServiceSelectorTypoIsCaught() {
    assertCaught("Service inference-service: selector",
        broken(r -> r.one(V1Service.class, "inference-service").getSpec().getSelector().put("app.kubernetes.io/name", "inferense-service")));
  }

  @Test
  void theVersionInASelectorIsCaught() {
    assertCaught("Service redis: the version label is in its selector",
        broken(r -> r.one(V1Service.class, "redis").getSpec().getSelector().put("app.kubernetes.io/version", "7.0.15")));
  }

  @Test
  void aBudgetPolicyOrAutoscalerAimedAtNothingIsCaught() {
    List<String> problems = broken(r -> {
      r.one(io.kubernetes.client.openapi.models.V1PodDisruptionBudget.class, "learner-service").getSpec().getSelector()
          .setMatchLabels(Map.of("app.kubernetes.io/name", "learner"));
      r.one(V1NetworkPolicy.class, "redis").getSpec().getPodSelector().setMatchLabels(Map.of("app.kubernetes.io/name", "rediss"));
      r.one(io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler.class, "env-service").getSpec().getScaleTargetRef().setName("env");
    });
    assertCaught("PodDisruptionBudget learner-service: its selector matches no pod", problems);
    assertCaught("NetworkPolicy redis: its selector matches no pod", problems);
    assertCaught("HorizontalPodAutoscaler env-service: no Deployment env", problems);
  }

  @Test
  void aNamespaceThatAdmitsPrivilegedPodsIsCaught() {
    assertCaught("does not enforce the restricted Pod Security Standard",
        broken(r -> r.one(io.kubernetes.client.openapi.models.V1Namespace.class, "dqn").getMetadata().getLabels()
            .put("pod-security.kubernetes.io/enforce", "baseline")));
  }

  @Test
  void aVariableNoServiceReadsIsCaught() {
    List<String> problems = broken(r -> containerOf(r, "env-service").getEnv().stream()
        .filter(e -> e.getName().equals("DQN_ENV_ACTORS_REPLAY_TARGET")).findFirst().orElseThrow()
        .setName("DQN_ENV_ACTORS_REPLAYTARGET"));
    assertCaught("env-service: DQN_ENV_ACTORS_REPLAYTARGET is no setting of the service", problems);
    assertCaught("env-service: DQN_ENV_ACTORS_REPLAY_TARGET is left at its loopback default 127.0.0.1:50052", problems);
  }

  @Test
  void aKeyRenamedInTheServiceIsCaught() {
    // As if LearnerConfig's envTarget() became gameCatalogTarget().
    Map<String, java.util.Optional<String>> renamed = new java.util.TreeMap<>(configs.get("learner-service").variables());
    renamed.put("DQN_LEARNER_GAME_CATALOG_TARGET", renamed.remove("DQN_LEARNER_ENV_TARGET"));
    Map<String, ServiceConfig> changed = new LinkedHashMap<>(configs);
    changed.put("learner-service", new ServiceConfig("learner-service", renamed));
    List<String> problems = Manifests.environment(load(BASE), changed);
    assertCaught("learner-service: DQN_LEARNER_ENV_TARGET is no setting of the service", problems);
    assertCaught("DQN_LEARNER_GAME_CATALOG_TARGET is left at its loopback default", problems);
  }

  @Test
  void anAddressOfNoServiceIsCaught() {
    assertCaught("DQN_LEARNER_REPLAY_TARGET: Service replay-service has no port 50053",
        broken(r -> containerOf(r, "learner-service").getEnv().stream()
            .filter(e -> e.getName().equals("DQN_LEARNER_REPLAY_TARGET")).findFirst().orElseThrow()
            .setValue("replay-service:50053")));
  }

  @Test
  void anImageTheBuildDoesNotMakeIsCaught() {
    assertCaught("env-service: runs dqn/env-service:latest",
        broken(r -> containerOf(r, "env-service").setImage("dqn/env-service:latest")));
  }

  @Test
  void aWritableRootOrAKeptCapabilityIsCaught() {
    List<String> problems = broken(r -> {
      containerOf(r, "replay-service").getSecurityContext().setReadOnlyRootFilesystem(false);
      containerOf(r, "learner-service").getSecurityContext().getCapabilities().setDrop(List.of("NET_RAW"));
      containerOf(r, "env-service").getResources().setLimits(null);
    });
    assertCaught("replay-service has a writable root filesystem", problems);
    assertCaught("learner-service keeps capabilities", problems);
    assertCaught("env-service has no cpu request and limit", problems);
  }

  @Test
  void aConnectionOutsideTheServiceGraphIsCaught() {
    Rendered rendered = load(BASE);
    // The actors may reach Redis directly: both sides opened.
    V1NetworkPolicy env = rendered.one(V1NetworkPolicy.class, "env-service");
    V1NetworkPolicy redis = rendered.one(V1NetworkPolicy.class, "redis");
    env.getSpec().getEgress().get(0).getTo().get(0).getPodSelector().setMatchLabels(Map.of("app.kubernetes.io/name", "redis"));
    env.getSpec().getEgress().get(0).getPorts().get(0).setPort(new io.kubernetes.client.custom.IntOrString(6379));
    redis.getSpec().getIngress().get(0).getFrom().get(0).getPodSelector().setMatchLabels(Map.of("app.kubernetes.io/part-of", "dqn"));
    Set<String> connections = Manifests.connections(rendered);
    assertTrue(connections.contains("env-service -> redis:6379"), connections.toString());
    assertFalse(connections.contains("env-service -> inference-service:50054"), connections.toString());
  }

  @Test
  void withoutTheDefaultDenyEverythingIsOpen() {
    Rendered rendered = load(BASE);
    rendered.objects().removeIf(o -> o instanceof V1NetworkPolicy p && !p.getMetadata().getName().equals("redis"));
    Set<String> connections = Manifests.connections(rendered);
    assertTrue(connections.contains("outside -> learner-service:50053"), connections.toString());
    assertTrue(connections.contains("learner-service -> internet:443"), connections.toString());
  }

  @Test
  void theSecretsTheServicesShareAreOneSecret() {
    V1Secret secret = load(BASE).one(V1Secret.class, "dqn-secrets");
    assertEquals(
        Set.of("redis-password", "actor-inference-token", "learner-inference-token", "client-inference-token",
            "replay-token", "env-token", "learner-token"),
        secret.getData().keySet());
    Rendered base = load(BASE);
    // The inference-service accepts the actors' and outside games' tokens; only the learner's publishes.
    V1Container inference = containerOf(base, "inference-service");
    assertEquals("$(ACTOR_INFERENCE_TOKEN),$(CLIENT_INFERENCE_TOKEN)", Manifests.env(inference, "DQN_INFERENCE_AUTH_TOKENS").orElseThrow());
    assertEquals("$(LEARNER_INFERENCE_TOKEN)", Manifests.env(inference, "DQN_INFERENCE_AUTH_PUBLISHER_TOKENS").orElseThrow());
    // Each service's token is the one its callers present.
    assertEquals(secretKey(base, "replay-service", "DQN_REPLAY_AUTH_TOKENS"), secretKey(base, "env-service", "DQN_ENV_ACTORS_REPLAY_TOKEN"));
    assertEquals(secretKey(base, "replay-service", "DQN_REPLAY_AUTH_TOKENS"), secretKey(base, "learner-service", "DQN_LEARNER_REPLAY_TOKEN"));
    assertEquals(secretKey(base, "env-service", "DQN_ENV_AUTH_TOKENS"), secretKey(base, "learner-service", "DQN_LEARNER_ENV_TOKEN"));
    assertEquals(secretKey(base, "redis", "REDIS_PASSWORD"), secretKey(base, "replay-service", "DQN_REPLAY_REDIS_PASSWORD"));
    assertFalse(
        Manifests.env(containerOf(base, "replay-service"), "DQN_REPLAY_REDIS_URI").orElseThrow().contains("@"),
        "the Redis password stays out of the address");
  }

  private static String secretKey(Rendered rendered, String container, String variable) {
    return containerOf(rendered, container).getEnv().stream()
        .filter(e -> e.getName().equals(variable))
        .findFirst()
        .orElseThrow(() -> new AssertionError(container + " has no " + variable))
        .getValueFrom()
        .getSecretKeyRef()
        .getKey();
  }
}
