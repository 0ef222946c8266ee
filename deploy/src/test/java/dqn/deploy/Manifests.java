package dqn.deploy;

import dqn.deploy.Rendered.Workload;
import io.kubernetes.client.common.KubernetesObject;
import io.kubernetes.client.custom.IntOrString;
import io.kubernetes.client.custom.Quantity;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1EnvVar;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1LabelSelectorRequirement;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1NetworkPolicy;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPeer;
import io.kubernetes.client.openapi.models.V1NetworkPolicyPort;
import io.kubernetes.client.openapi.models.V1PersistentVolumeClaim;
import io.kubernetes.client.openapi.models.V1PodDisruptionBudget;
import io.kubernetes.client.openapi.models.V1PodSecurityContext;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1Probe;
import io.kubernetes.client.openapi.models.V1Secret;
import io.kubernetes.client.openapi.models.V1SecurityContext;
import io.kubernetes.client.openapi.models.V1Service;
import io.kubernetes.client.openapi.models.V1ServicePort;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1Volume;
import io.kubernetes.client.openapi.models.V1VolumeMount;
import io.kubernetes.client.openapi.models.V2HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The invariants of a rendered deployment that only a running cluster would otherwise reveal. Each
 * check returns the problems it found, one readable line each; none means it holds.
 */
final class Manifests {

  static final String NAMESPACE = "dqn";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z0-9_]+)\\)");
  /** kustomize's generators append "-" and a 10-character hash to the names they make. */
  private static final Pattern GENERATED = Pattern.compile("(.+)-[a-z0-9]{10}$");
  private static final Pattern TARGET = Pattern.compile("([a-z0-9-]+):(\\d+)");

  private Manifests() {}

  /** A generated ConfigMap's or Secret's name without kustomize's hash suffix. */
  static String baseName(Object object) {
    String name = ((KubernetesObject) object).getMetadata().getName();
    if (object instanceof V1ConfigMap || object instanceof V1Secret) {
      Matcher matcher = GENERATED.matcher(name);
      if (matcher.matches()) {
        return matcher.group(1);
      }
    }
    return name;
  }

  static boolean matches(V1LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    for (Map.Entry<String, String> wanted : Optional.ofNullable(selector.getMatchLabels()).orElse(Map.of()).entrySet()) {
      if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
        return false;
      }
    }
    for (V1LabelSelectorRequirement requirement :
        Optional.ofNullable(selector.getMatchExpressions()).orElse(List.of())) {
      String value = labels.get(requirement.getKey());
      List<String> values = Optional.ofNullable(requirement.getValues()).orElse(List.of());
      boolean holds =
          switch (requirement.getOperator()) {
            case "In" -> value != null && values.contains(value);
            case "NotIn" -> value == null || !values.contains(value);
            case "Exists" -> value != null;
            case "DoesNotExist" -> value == null;
            default -> throw new IllegalArgumentException("unknown operator " + requirement.getOperator());
          };
      if (!holds) {
        return false;
      }
    }
    return true;
  }

  /**
   * Every workload's selector picks its own pods; every Service, PodDisruptionBudget and
   * NetworkPolicy selects pods that some workload runs; the autoscaler's target exists; the
   * version label is in no selector (it changes with every release, selectors cannot).
   */
  static List<String> selectors(Rendered rendered) {
    List<String> problems = new ArrayList<>();
    List<Workload> workloads = rendered.workloads();
    for (Workload workload : workloads) {
      if (!matches(workload.selector(), workload.podLabels())) {
        problems.add(workload.kind() + " " + workload.name() + ": its selector does not match its pod labels");
      }
      versionInSelector(problems, workload.kind() + " " + workload.name(), workload.selector());
    }
    for (V1Service service : rendered.all(V1Service.class)) {
      Map<String, String> selector = service.getSpec().getSelector();
      boolean selects = selector != null && workloads.stream().anyMatch(w -> w.podLabels().entrySet().containsAll(selector.entrySet()));
      if (!selects) {
        problems.add("Service " + service.getMetadata().getName() + ": selector " + selector + " matches no pod");
      }
      if (selector != null && selector.containsKey("app.kubernetes.io/version")) {
        problems.add("Service " + service.getMetadata().getName() + ": the version label is in its selector");
      }
    }
    for (V1PodDisruptionBudget budget : rendered.all(V1PodDisruptionBudget.class)) {
      selectsSomePod(problems, "PodDisruptionBudget " + budget.getMetadata().getName(), budget.getSpec().getSelector(), workloads);
      versionInSelector(problems, "PodDisruptionBudget " + budget.getMetadata().getName(), budget.getSpec().getSelector());
    }
    for (V1NetworkPolicy policy : rendered.all(V1NetworkPolicy.class)) {
      selectsSomePod(problems, "NetworkPolicy " + policy.getMetadata().getName(), policy.getSpec().getPodSelector(), workloads);
    }
    for (V2HorizontalPodAutoscaler autoscaler : rendered.all(V2HorizontalPodAutoscaler.class)) {
      var target = autoscaler.getSpec().getScaleTargetRef();
      boolean exists = workloads.stream().anyMatch(w -> w.kind().equals(target.getKind()) && w.name().equals(target.getName()));
      if (!exists) {
        problems.add("HorizontalPodAutoscaler " + autoscaler.getMetadata().getName() + ": no " + target.getKind() + " " + target.getName());
      }
    }
    return problems;
  }

  private static void selectsSomePod(List<String> problems, String what, V1LabelSelector selector, List<Workload> workloads) {
    if (workloads.stream().noneMatch(w -> matches(selector, w.podLabels()))) {
      problems.add(what + ": its selector matches no pod");
    }
  }

  private static void versionInSelector(List<String> problems, String what, V1LabelSelector selector) {
    if (selector != null && selector.getMatchLabels() != null && selector.getMatchLabels().containsKey("app.kubernetes.io/version")) {
      problems.add(what + ": the version label is in its selector");
    }
  }

  /** The container of a dqn service's workload (the workload and the container share its name). */
  static V1Container container(Workload workload) {
    return workload.template().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals(workload.name()))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(workload.name() + " has no container of its name"));
  }

  static Optional<String> env(V1Container container, String name) {
    return Optional.ofNullable(container.getEnv()).orElse(List.of()).stream()
        .filter(e -> e.getName().equals(name))
        .map(V1EnvVar::getValue)
        .filter(Objects::nonNull)
        .findFirst();
  }

  /**
   * Each service listens where its configuration says (DQN_PORT from the manifest, else its
   * default), and its container port, probes, Service and Prometheus annotation all point there.
   */
  static List<String> ports(Rendered rendered, Map<String, ServiceConfig> configs) {
    List<String> problems = new ArrayList<>();
    for (ServiceConfig config : configs.values()) {
      Workload workload = rendered.workload(config.service());
      V1Container container = container(workload);
      String where = config.service() + ": ";
      int listens = env(container, "DQN_PORT").map(Integer::parseInt).orElse(config.defaultPort());
      List<V1ContainerPort> ports = Optional.ofNullable(container.getPorts()).orElse(List.of());
      if (ports.stream().noneMatch(p -> p.getContainerPort() == listens)) {
        problems.add(where + "the service listens on " + listens + " but the container declares " + ports.stream().map(V1ContainerPort::getContainerPort).toList());
      }
      Map<String, V1Probe> probes = new HashMap<>();
      Optional.ofNullable(container.getStartupProbe()).ifPresent(p -> probes.put("startupProbe", p));
      Optional.ofNullable(container.getReadinessProbe()).ifPresent(p -> probes.put("readinessProbe", p));
      Optional.ofNullable(container.getLivenessProbe()).ifPresent(p -> probes.put("livenessProbe", p));
      for (String kind : List.of("startupProbe", "readinessProbe", "livenessProbe")) {
        V1Probe probe = probes.get(kind);
        if (probe == null || probe.getGrpc() == null) {
          problems.add(where + "no gRPC " + kind);
        } else if (probe.getGrpc().getPort() != listens) {
          problems.add(where + kind + " asks port " + probe.getGrpc().getPort() + ", the service listens on " + listens);
        }
      }
      Map<String, String> annotations = Optional.ofNullable(workload.template().getMetadata().getAnnotations()).orElse(Map.of());
      if (!String.valueOf(listens).equals(annotations.get("prometheus.io/port"))
          || !"/q/metrics".equals(annotations.get("prometheus.io/path"))) {
        problems.add(where + "the Prometheus annotations do not name /q/metrics on port " + listens);
      }
      V1Service service = rendered.one(V1Service.class, config.service());
      for (V1ServicePort port : service.getSpec().getPorts()) {
        Integer target = resolve(port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort(), ports);
        if (target == null || target != listens) {
          problems.add(where + "Service port " + port.getPort() + " leads to " + port.getTargetPort() + ", not the container's " + listens);
        }
      }
    }
    return problems;
  }

  private static Integer resolve(IntOrString port, List<V1ContainerPort> ports) {
    if (port.isInteger()) {
      return port.getIntValue();
    }
    return ports.stream().filter(p -> port.getStrValue().equals(p.getName())).map(V1ContainerPort::getContainerPort).findFirst().orElse(null);
  }

  /**
   * Every variable a service's container sets is one the service reads (or one another variable of
   * the container refers to as $(NAME)); every setting whose default is the loopback address
   * (a listening host, another service's address) is set, since in a pod loopback reaches nothing;
   * and each "host:port" address names a Service that leads to a pod listening there.
   */
  static List<String> environment(Rendered rendered, Map<String, ServiceConfig> configs) {
    List<String> problems = new ArrayList<>();
    for (ServiceConfig config : configs.values()) {
      V1Container container = container(rendered.workload(config.service()));
      String where = config.service() + ": ";
      List<V1EnvVar> variables = Optional.ofNullable(container.getEnv()).orElse(List.of());
      Set<String> referenced = new HashSet<>();
      for (V1EnvVar variable : variables) {
        Matcher matcher = REFERENCE.matcher(Optional.ofNullable(variable.getValue()).orElse(""));
        while (matcher.find()) {
          referenced.add(matcher.group(1));
        }
      }
      Set<String> set = new HashSet<>();
      for (V1EnvVar variable : variables) {
        set.add(variable.getName());
        if (!config.reads(variable.getName()) && !referenced.contains(variable.getName())) {
          problems.add(where + variable.getName() + " is no setting of the service (a renamed key?)");
        }
      }
      config.variables().forEach((name, fallback) -> {
        if (fallback.filter(v -> v.contains("127.0.0.1")).isPresent() && !set.contains(name)) {
          problems.add(where + name + " is left at its loopback default " + fallback.get());
        }
      });
      for (V1EnvVar variable : variables) {
        if (variable.getName().endsWith("_TARGET") && variable.getValue() != null) {
          addressProblem(rendered, variable.getValue()).ifPresent(p -> problems.add(where + variable.getName() + ": " + p));
        }
      }
    }
    return problems;
  }

  private static Optional<String> addressProblem(Rendered rendered, String address) {
    Matcher matcher = TARGET.matcher(address);
    if (!matcher.matches()) {
      return Optional.of(address + " is not service:port");
    }
    Optional<V1Service> service = rendered.all(V1Service.class).stream().filter(s -> s.getMetadata().getName().equals(matcher.group(1))).findFirst();
    if (service.isEmpty()) {
      return Optional.of("no Service " + matcher.group(1));
    }
    int port = Integer.parseInt(matcher.group(2));
    boolean exposed = service.get().getSpec().getPorts().stream().anyMatch(p -> p.getPort() == port);
    return exposed ? Optional.empty() : Optional.of("Service " + matcher.group(1) + " has no port " + port);
  }

  /**
   * Every Secret key, ConfigMap, volume and claim a pod refers to exists, and every file a
   * DQN_..._SPEC-like path names lies on a mounted ConfigMap that holds it.
   */
  static List<String> references(Rendered rendered) {
    List<String> problems = new ArrayList<>();
    Map<String, Set<String>> secrets = new HashMap<>();
    rendered.all(V1Secret.class).forEach(s -> secrets.put(s.getMetadata().getName(), keys(s.getData(), s.getStringData())));
    Map<String, Set<String>> configMaps = new HashMap<>();
    rendered.all(V1ConfigMap.class).forEach(c -> configMaps.put(c.getMetadata().getName(), keys(c.getData(), c.getBinaryData())));
    Set<String> claims = new HashSet<>();
    rendered.all(V1PersistentVolumeClaim.class).forEach(c -> claims.add(c.getMetadata().getName()));
    for (Workload workload : rendered.workloads()) {
      String where = workload.kind() + " " + workload.name() + ": ";
      V1PodSpec pod = workload.template().getSpec();
      Set<String> volumes = new HashSet<>();
      for (V1Volume volume : Optional.ofNullable(pod.getVolumes()).orElse(List.of())) {
        volumes.add(volume.getName());
        if (volume.getConfigMap() != null && !configMaps.containsKey(volume.getConfigMap().getName())) {
          problems.add(where + "volume " + volume.getName() + " needs the missing ConfigMap " + volume.getConfigMap().getName());
        }
        if (volume.getSecret() != null && !secrets.containsKey(volume.getSecret().getSecretName())) {
          problems.add(where + "volume " + volume.getName() + " needs the missing Secret " + volume.getSecret().getSecretName());
        }
        if (volume.getPersistentVolumeClaim() != null && !claims.contains(volume.getPersistentVolumeClaim().getClaimName())) {
          problems.add(where + "volume " + volume.getName() + " needs the missing PersistentVolumeClaim " + volume.getPersistentVolumeClaim().getClaimName());
        }
      }
      rendered.all(V1StatefulSet.class).stream()
          .filter(s -> s.getMetadata().getName().equals(workload.name()) && s.getSpec().getVolumeClaimTemplates() != null)
          .flatMap(s -> s.getSpec().getVolumeClaimTemplates().stream())
          .forEach(claim -> volumes.add(claim.getMetadata().getName()));
      for (V1Container container : Stream.concat(pod.getContainers().stream(), Optional.ofNullable(pod.getInitContainers()).orElse(List.of()).stream()).toList()) {
        for (V1VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
          if (!volumes.contains(mount.getName())) {
            problems.add(where + container.getName() + " mounts the undeclared volume " + mount.getName());
          }
        }
        for (V1EnvVar variable : Optional.ofNullable(container.getEnv()).orElse(List.of())) {
          if (variable.getValueFrom() == null) {
            continue;
          }
          var secret = variable.getValueFrom().getSecretKeyRef();
          if (secret != null && !secrets.getOrDefault(secret.getName(), Set.of()).contains(secret.getKey())) {
            problems.add(where + variable.getName() + " needs key " + secret.getKey() + " of the missing Secret " + secret.getName());
          }
          var configMap = variable.getValueFrom().getConfigMapKeyRef();
          if (configMap != null && !configMaps.getOrDefault(configMap.getName(), Set.of()).contains(configMap.getKey())) {
            problems.add(where + variable.getName() + " needs key " + configMap.getKey() + " of the missing ConfigMap " + configMap.getName());
          }
        }
        env(container, "DQN_RUN_SPEC").ifPresent(file -> {
          if (!mountedConfigMapHolds(pod, container, configMaps, file)) {
            problems.add(where + "DQN_RUN_SPEC names " + file + ", which no mounted ConfigMap holds");
          }
        });
      }
    }
    return problems;
  }

  private static boolean mountedConfigMapHolds(V1PodSpec pod, V1Container container, Map<String, Set<String>> configMaps, String file) {
    for (V1VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(List.of())) {
      String prefix = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
      if (!file.startsWith(prefix)) {
        continue;
      }
      Optional<V1Volume> volume = Optional.ofNullable(pod.getVolumes()).orElse(List.of()).stream().filter(v -> v.getName().equals(mount.getName())).findFirst();
      if (volume.isPresent() && volume.get().getConfigMap() != null
          && configMaps.getOrDefault(volume.get().getConfigMap().getName(), Set.of()).contains(file.substring(prefix.length()))) {
        return true;
      }
    }
    return false;
  }

  private static Set<String> keys(Map<String, ?> first, Map<String, ?> second) {
    Set<String> keys = new HashSet<>();
    Optional.ofNullable(first).ifPresent(m -> keys.addAll(m.keySet()));
    Optional.ofNullable(second).ifPresent(m -> keys.addAll(m.keySet()));
    return keys;
  }

  /** Each dqn service runs the image scripts/images.sh builds for it. */
  static List<String> images(Rendered rendered, Map<String, String> expected) {
    List<String> problems = new ArrayList<>();
    expected.forEach((service, image) -> {
      String runs = container(rendered.workload(service)).getImage();
      if (!image.equals(runs)) {
        problems.add(service + ": runs " + runs + ", the image build makes " + image);
      }
    });
    return problems;
  }

  /**
   * The restricted Pod Security Standard, which the namespace enforces, and requests and limits on
   * every container.
   */
  static List<String> security(Rendered rendered) {
    List<String> problems = new ArrayList<>();
    Optional<V1Namespace> namespace = rendered.all(V1Namespace.class).stream().filter(n -> n.getMetadata().getName().equals(NAMESPACE)).findFirst();
    if (namespace.isEmpty() || !"restricted".equals(namespace.get().getMetadata().getLabels().get("pod-security.kubernetes.io/enforce"))) {
      problems.add("Namespace " + NAMESPACE + ": does not enforce the restricted Pod Security Standard");
    }
    for (Workload workload : rendered.workloads()) {
      String where = workload.kind() + " " + workload.name() + ": ";
      V1PodSecurityContext pod = Optional.ofNullable(workload.template().getSpec().getSecurityContext()).orElse(new V1PodSecurityContext());
      if (!Boolean.TRUE.equals(pod.getRunAsNonRoot()) || pod.getRunAsUser() == null || pod.getRunAsUser() == 0) {
        problems.add(where + "the pod may run as root");
      }
      if (pod.getSeccompProfile() == null || !"RuntimeDefault".equals(pod.getSeccompProfile().getType())) {
        problems.add(where + "no RuntimeDefault seccomp profile");
      }
      for (V1Container container : workload.template().getSpec().getContainers()) {
        V1SecurityContext context = Optional.ofNullable(container.getSecurityContext()).orElse(new V1SecurityContext());
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
          problems.add(where + container.getName() + " may escalate privileges");
        }
        if (context.getCapabilities() == null || !List.of("ALL").equals(context.getCapabilities().getDrop()) || !Optional.ofNullable(context.getCapabilities().getAdd()).orElse(List.of()).isEmpty()) {
          problems.add(where + container.getName() + " keeps capabilities");
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
          problems.add(where + container.getName() + " has a writable root filesystem");
        }
        var resources = container.getResources();
        for (String resource : List.of("cpu", "memory")) {
          Quantity request = resources == null || resources.getRequests() == null ? null : resources.getRequests().get(resource);
          Quantity limit = resources == null || resources.getLimits() == null ? null : resources.getLimits().get(resource);
          if (request == null || limit == null) {
            problems.add(where + container.getName() + " has no " + resource + " request and limit");
          } else if (request.getNumber().compareTo(limit.getNumber()) > 0) {
            problems.add(where + container.getName() + " requests more " + resource + " than its limit");
          }
        }
      }
    }
    return problems;
  }

  /** Somewhere a connection may come from or go to: a pod of a workload, or one outside it. */
  record Endpoint(String name, String namespace, Map<String, String> namespaceLabels, Map<String, String> labels, List<V1ContainerPort> ports) {}

  /**
   * The connections the NetworkPolicies let through, as "from -> to:port" lines, among the
   * workloads' pods and three outsiders: a game in another namespace ("outside"), Prometheus in
   * the namespace monitoring, and the cluster DNS (UDP 53 in kube-system).
   */
  static Set<String> connections(Rendered rendered) {
    Map<String, String> ownNamespace = new HashMap<>(Map.of("kubernetes.io/metadata.name", NAMESPACE));
    rendered.all(V1Namespace.class).stream().filter(n -> n.getMetadata().getName().equals(NAMESPACE))
        .findFirst().map(n -> n.getMetadata().getLabels()).ifPresent(ownNamespace::putAll);
    List<Endpoint> pods = new ArrayList<>();
    for (Workload workload : rendered.workloads()) {
      List<V1ContainerPort> ports = workload.template().getSpec().getContainers().stream()
          .flatMap(c -> Optional.ofNullable(c.getPorts()).orElse(List.of()).stream()).toList();
      pods.add(new Endpoint(workload.name(), NAMESPACE, ownNamespace, workload.podLabels(), ports));
    }
    Endpoint outside = new Endpoint("outside", "games", Map.of("kubernetes.io/metadata.name", "games"), Map.of("app", "game"), List.of());
    Endpoint prometheus = new Endpoint("prometheus", "monitoring", Map.of("kubernetes.io/metadata.name", "monitoring"), Map.of("app.kubernetes.io/name", "prometheus"), List.of());
    Endpoint dns = new Endpoint("kube-dns", "kube-system", Map.of("kubernetes.io/metadata.name", "kube-system"), Map.of("k8s-app", "kube-dns"),
        List.of(new V1ContainerPort().containerPort(53).protocol("UDP").name("dns")));
    List<V1NetworkPolicy> policies = rendered.all(V1NetworkPolicy.class);

    Set<String> allowed = new TreeSet<>();
    List<Endpoint> sources = new ArrayList<>(pods);
    sources.add(outside);
    sources.add(prometheus);
    List<Endpoint> destinations = new ArrayList<>(pods);
    destinations.add(dns);
    destinations.add(new Endpoint("internet", "", Map.of(), Map.of(), List.of(new V1ContainerPort().containerPort(443).name("https"))));
    for (Endpoint from : sources) {
      for (Endpoint to : destinations) {
        if (from == to || (!from.namespace().equals(NAMESPACE) && !to.namespace().equals(NAMESPACE))) {
          continue;
        }
        for (V1ContainerPort port : to.ports()) {
          String protocol = Optional.ofNullable(port.getProtocol()).orElse("TCP");
          boolean leaves = !from.namespace().equals(NAMESPACE) || permits(policies, from, to, port, protocol, false);
          boolean enters = !to.namespace().equals(NAMESPACE) || permits(policies, to, from, port, protocol, true);
          if (leaves && enters) {
            allowed.add(from.name() + " -> " + to.name() + ":" + port.getContainerPort() + ("TCP".equals(protocol) ? "" : "/" + protocol));
          }
        }
      }
    }
    return allowed;
  }

  /** Whether the policies selecting {@code subject} let traffic to or from {@code peer} through. */
  private static boolean permits(List<V1NetworkPolicy> policies, Endpoint subject, Endpoint peer, V1ContainerPort port, String protocol, boolean ingress) {
    String type = ingress ? "Ingress" : "Egress";
    List<V1NetworkPolicy> selecting = policies.stream()
        .filter(p -> matches(p.getSpec().getPodSelector(), subject.labels()))
        .filter(p -> policyTypes(p).contains(type))
        .toList();
    if (selecting.isEmpty()) {
      return true;
    }
    for (V1NetworkPolicy policy : selecting) {
      List<? extends Object> rules = ingress ? policy.getSpec().getIngress() : policy.getSpec().getEgress();
      for (Object rule : Optional.ofNullable(rules).orElse(List.of())) {
        List<V1NetworkPolicyPeer> peers = rule instanceof io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule in ? in.getFrom()
            : ((io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule) rule).getTo();
        List<V1NetworkPolicyPort> ports = rule instanceof io.kubernetes.client.openapi.models.V1NetworkPolicyIngressRule in ? in.getPorts()
            : ((io.kubernetes.client.openapi.models.V1NetworkPolicyEgressRule) rule).getPorts();
        boolean peerMatches = peers == null || peers.isEmpty() || peers.stream().anyMatch(p -> peerMatches(p, subject, peer));
        boolean portMatches = ports == null || ports.isEmpty() || ports.stream().anyMatch(p -> portMatches(p, port, protocol));
        if (peerMatches && portMatches) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<String> policyTypes(V1NetworkPolicy policy) {
    if (policy.getSpec().getPolicyTypes() != null) {
      return policy.getSpec().getPolicyTypes();
    }
    return policy.getSpec().getEgress() == null ? List.of("Ingress") : List.of("Ingress", "Egress");
  }

  private static boolean peerMatches(V1NetworkPolicyPeer peer, Endpoint subject, Endpoint other) {
    if (peer.getIpBlock() != null) {
      // Addresses outside the cluster: only the endpoints that stand for them.
      return other.namespace().isEmpty();
    }
    if (other.namespace().isEmpty()) {
      return false;
    }
    boolean namespaceMatches = peer.getNamespaceSelector() == null
        ? other.namespace().equals(subject.namespace())
        : matches(peer.getNamespaceSelector(), other.namespaceLabels());
    boolean podMatches = peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels());
    return namespaceMatches && podMatches;
  }

  private static boolean portMatches(V1NetworkPolicyPort rule, V1ContainerPort port, String protocol) {
    if (!Optional.ofNullable(rule.getProtocol()).orElse("TCP").equals(protocol)) {
      return false;
    }
    if (rule.getPort() == null) {
      return true;
    }
    if (rule.getPort().isInteger()) {
      int first = rule.getPort().getIntValue();
      int last = Optional.ofNullable(rule.getEndPort()).orElse(first);
      return port.getContainerPort() >= first && port.getContainerPort() <= last;
    }
    return rule.getPort().getStrValue().equals(port.getName());
  }
}
