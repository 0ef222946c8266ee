package dqn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * k8s/suite, the suite on a cluster: one folder per game, each the cpu overlay in a namespace of its
 * own with a run specification that names the game. Rendered with kustomize, each game's copy is the
 * cpu overlay moved to its namespace; everything it makes lies there; and nothing it names (a
 * Service address, a namespace a policy or the scrape job selects) leads into another game's
 * namespace or the cpu overlay's. Each check, fed a copy broken on purpose, says so.
 */
class SuiteOverlaysTest {

  private static final String SUITE = "k8s/suite";
  private static final String CPU = "k8s/overlays/cpu";
  /** The suite's default: the seven games of Mnih et al. (2013). */
  private static final List<String> GAMES_2013 =
      List.of("beam_rider", "breakout", "enduro", "pong", "qbert", "seaquest", "space_invaders");
  /** Namespaces outside every deployment that a NetworkPolicy may name: the cluster DNS, Prometheus. */
  private static final Set<String> OUTSIDE = Set.of("kube-system", "monitoring");
  /** Volumes that live and die with their namespace's objects; any other (hostPath, nfs) is shared. */
  private static final Set<String> OWN_VOLUMES =
      Set.of("emptyDir", "configMap", "secret", "persistentVolumeClaim", "projected", "downwardAPI");
  /** A Service's DNS name: service.namespace.svc[.cluster.local]. */
  private static final Pattern SERVICE_ADDRESS = Pattern.compile("([a-z0-9-]+)\\.([a-z0-9-]+)\\.svc\\b");
  /** kustomize's generators append "-" and a 10-character hash to the names they make. */
  private static final Pattern GENERATED = Pattern.compile("(.+)-[a-z0-9]{10}$");
  private static final String PLACEHOLDER = "NAMESPACE";

  /** Each game's render, by game. */
  private static final Map<String, String> YAML = new TreeMap<>();
  private static String cpuYaml;

  @BeforeAll
  static void render() {
    cpuYaml = Rendered.render(CPU);
    YAML.putAll(games().parallelStream().collect(Collectors.toMap(g -> g, g -> Rendered.render(SUITE + "/" + g))));
  }

  /** The games of the suite: the folders of k8s/suite that hold a kustomization. */
  private static List<String> games() {
    try (Stream<Path> folders = Files.list(Repository.path(SUITE))) {
      return folders
          .filter(folder -> Files.isRegularFile(folder.resolve("kustomization.yaml")))
          .map(folder -> folder.getFileName().toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where a game runs: a namespace is a DNS label, so beam_rider runs in dqn-beam-rider. */
  private static String namespaceOf(String game) {
    return "dqn-" + game.replace('_', '-');
  }

  private static Set<String> suiteNamespaces() {
    return YAML.keySet().stream().map(SuiteOverlaysTest::namespaceOf).collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void theSuiteIsTheSevenGamesOf2013() {
    assertEquals(GAMES_2013, games(), "the folders of " + SUITE + " (a game added there belongs in GAMES_2013 too)");
  }

  @Test
  void eachGameMakesItsOwnNamespaceAndPutsEverythingInIt() {
    List<String> made = new ArrayList<>();
    for (Map.Entry<String, String> game : YAML.entrySet()) {
      List<Map<String, Object>> objects = objects(game.getValue());
      assertEquals(List.of(), placement(objects, namespaceOf(game.getKey())), game.getKey());
      objects.stream().filter(o -> "Namespace".equals(o.get("kind"))).forEach(o -> made.add(name(o)));
    }
    assertEquals(YAML.size(), new TreeSet<>(made).size(), "two games share a namespace: " + made);
    assertFalse(made.contains(Manifests.NAMESPACE), "a game shares the cpu overlay's namespace: " + made);
  }

  @Test
  void nothingAGameNamesLeadsIntoAnotherNamespace() {
    for (Map.Entry<String, String> game : YAML.entrySet()) {
      assertEquals(List.of(), references(objects(game.getValue()), namespaceOf(game.getKey()), suiteNamespaces()), game.getKey());
    }
  }

  @Test
  void eachGamesRunSpecificationNamesItsGameAndOtherwiseTheyAgree() {
    Map<String, Map<String, String>> rest = new TreeMap<>();
    for (Map.Entry<String, String> game : YAML.entrySet()) {
      Map<String, String> spec = runSpec(objects(game.getValue()));
      assertEquals(game.getKey(), spec.remove("game"), game.getKey() + "'s run specification");
      rest.put(game.getKey(), spec);
    }
    assertEquals(1, Set.copyOf(rest.values()).size(), "the games' run specifications differ beyond the game: " + rest);
  }

  @Test
  void eachGameIsTheCpuOverlayMovedToItsNamespace() {
    String cpu = normalized(cpuYaml, Manifests.NAMESPACE);
    for (Map.Entry<String, String> game : YAML.entrySet()) {
      assertEquals(
          Set.of("ConfigMap/run-spec data.run-spec.properties"),
          Changes.between(cpu, normalized(game.getValue(), namespaceOf(game.getKey()))),
          game.getKey() + " changes the cpu overlay beyond its namespace and run specification");
      // The pods mount the game's run specification (its generated name changed with its content).
      assertEquals(List.of(), Manifests.references(Rendered.load(game.getKey(), game.getValue())), game.getKey());
    }
  }

  // --- The checks. ---

  /**
   * The one Namespace a game makes is its own, every other object lies in it (an object without a
   * namespace is cluster-wide, so every game would share it), and no pod mounts storage from
   * outside it (a hostPath is the node's, shared by every game there).
   */
  static List<String> placement(List<Map<String, Object>> objects, String namespace) {
    List<String> problems = new ArrayList<>();
    long own = 0;
    for (Map<String, Object> object : objects) {
      Object in = map(object.get("metadata")).get("namespace");
      if ("Namespace".equals(object.get("kind"))) {
        if (name(object).equals(namespace)) {
          own++;
        } else {
          problems.add(id(object) + ": a namespace other than " + namespace);
        }
      } else if (in == null) {
        problems.add(id(object) + ": cluster-wide (no namespace), so every game would share it");
      } else if (!in.equals(namespace)) {
        problems.add(id(object) + ": in namespace " + in + ", not " + namespace);
      }
      for (Object volume : list(podSpec(object).get("volumes"))) {
        Set<String> sources = new TreeSet<>(map(volume).keySet());
        sources.remove("name");
        if (!OWN_VOLUMES.containsAll(sources)) {
          problems.add(id(object) + ": volume " + map(volume).get("name") + " is a " + sources + ", outside the namespace");
        }
      }
    }
    if (own != 1) {
      problems.add(own + " Namespace " + namespace + " (one wanted)");
    }
    return problems;
  }

  /**
   * Every namespace the objects name, in a "namespace" field, a Service address
   * (name.namespace.svc), a scrape job's namespaces or a NetworkPolicy's namespaceSelector, is the
   * game's own (a policy may also let in the cluster DNS and Prometheus); and no text, a
   * ConfigMap's included, mentions another game's namespace at all.
   */
  static List<String> references(List<Map<String, Object>> objects, String namespace, Set<String> suite) {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> object : objects) {
      references(id(object), object, namespace, suite, problems);
    }
    return problems;
  }

  private static void references(String where, Object value, String own, Set<String> suite, List<String> problems) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> entry : map.entrySet()) {
        String at = where + " " + entry.getKey();
        Object field = entry.getValue();
        switch (String.valueOf(entry.getKey())) {
          case "namespace" -> {
            if (field instanceof String named && !named.equals(own)) {
              problems.add(at + ": " + named);
            }
          }
          // Prometheus's kubernetes_sd_configs.
          case "namespaces" -> list(map(field).get("names")).stream()
              .filter(named -> !own.equals(named))
              .forEach(named -> problems.add(at + ": selects " + named));
          case "namespaceSelector" -> {
            List<Object> named = new ArrayList<>();
            Optional.ofNullable(map(map(field).get("matchLabels")).get("kubernetes.io/metadata.name")).ifPresent(named::add);
            list(map(field).get("matchExpressions")).stream()
                .filter(e -> "kubernetes.io/metadata.name".equals(map(e).get("key")))
                .forEach(e -> named.addAll(list(map(e).get("values"))));
            named.stream()
                .filter(n -> !own.equals(n) && !OUTSIDE.contains(n))
                .forEach(n -> problems.add(at + ": selects " + n));
          }
          default -> {}
        }
        references(at, field, own, suite, problems);
      }
    } else if (value instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        references(where + "[" + i + "]", items.get(i), own, suite, problems);
      }
    } else if (value instanceof String text) {
      Matcher address = SERVICE_ADDRESS.matcher(text);
      while (address.find()) {
        if (!address.group(2).equals(own)) {
          problems.add(where + ": " + address.group() + " is in namespace " + address.group(2));
        }
      }
      for (String other : suite) {
        Pattern word = Pattern.compile("(?<![a-z0-9-])" + Pattern.quote(other) + "(?![a-z0-9-])");
        if (!other.equals(own) && word.matcher(text).find()) {
          problems.add(where + ": names " + other);
        }
      }
      if (text.contains("\n")) {
        embedded(text).ifPresent(config -> references(where, config, own, suite, problems));
      }
    }
  }

  /** A ConfigMap's file as YAML (a scrape job), when it is a YAML mapping or list. */
  private static Optional<Object> embedded(String text) {
    try {
      Object parsed = new Yaml(new LoaderOptions()).load(text);
      return parsed instanceof Map<?, ?> || parsed instanceof List<?> ? Optional.of(parsed) : Optional.empty();
    } catch (RuntimeException notYaml) {
      return Optional.empty();
    }
  }

  /** The run specification a game's pods mount, key by key. */
  private static Map<String, String> runSpec(List<Map<String, Object>> objects) {
    Map<String, Object> configMap = objects.stream()
        .filter(o -> "ConfigMap".equals(o.get("kind")) && baseName(name(o)).equals("run-spec"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no ConfigMap run-spec"));
    Properties properties = new Properties();
    try {
      properties.load(new StringReader((String) map(configMap.get("data")).get("run-spec.properties")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> spec = new TreeMap<>();
    properties.stringPropertyNames().forEach(key -> spec.put(key, properties.getProperty(key).trim()));
    return spec;
  }

  /**
   * A render with its namespace replaced by a placeholder and its generated names without their
   * hashes (they change with the content), as YAML for {@link Changes}.
   */
  private static String normalized(String yaml, String namespace) {
    List<Map<String, Object>> objects = objects(yaml);
    Map<String, String> generated = new HashMap<>();
    for (Map<String, Object> object : objects) {
      Map<String, Object> metadata = map(object.get("metadata"));
      if (namespace.equals(metadata.get("namespace"))) {
        metadata.put("namespace", PLACEHOLDER);
      }
      if ("Namespace".equals(object.get("kind")) && namespace.equals(metadata.get("name"))) {
        metadata.put("name", PLACEHOLDER);
      }
      if (Set.of("ConfigMap", "Secret").contains(object.get("kind")) && !baseName(name(object)).equals(name(object))) {
        generated.put(name(object), baseName(name(object)));
      }
    }
    objects.forEach(object -> rename(object, generated));
    return new Yaml().dumpAll(objects.iterator());
  }

  @SuppressWarnings("unchecked")
  private static void rename(Object value, Map<String, String> names) {
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<Object, Object> entry : ((Map<Object, Object>) map).entrySet()) {
        if (entry.getValue() instanceof String text && names.containsKey(text)) {
          entry.setValue(names.get(text));
        }
        rename(entry.getValue(), names);
      }
    } else if (value instanceof List<?> items) {
      for (int i = 0; i < items.size(); i++) {
        if (items.get(i) instanceof String text && names.containsKey(text)) {
          ((List<Object>) items).set(i, names.get(text));
        }
        rename(items.get(i), names);
      }
    }
  }

  // --- Plain YAML. ---

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> objects(String yaml) {
    List<Map<String, Object>> objects = new ArrayList<>();
    new Yaml(new LoaderOptions()).loadAll(yaml).forEach(document -> objects.add((Map<String, Object>) document));
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> map ? (Map<String, Object>) map : new LinkedHashMap<>();
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    return value instanceof List<?> items ? (List<Object>) items : List.of();
  }

  /** A workload's pod spec (empty for other kinds). */
  private static Map<String, Object> podSpec(Map<String, Object> object) {
    return map(map(map(object.get("spec")).get("template")).get("spec"));
  }

  private static String name(Map<String, Object> object) {
    return String.valueOf(map(object.get("metadata")).get("name"));
  }

  private static String id(Map<String, Object> object) {
    return object.get("kind") + "/" + name(object);
  }

  private static String baseName(String name) {
    Matcher matcher = GENERATED.matcher(name);
    return matcher.matches() ? matcher.group(1) : name;
  }

  // --- Each check catches what it is for. ---

  private static Map<String, Object> find(List<Map<String, Object>> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> kind.equals(o.get("kind")) && baseName(name(o)).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
  }

  private static List<String> brokenBreakout(Consumer<List<Map<String, Object>>> breakIt) {
    List<Map<String, Object>> objects = objects(YAML.get("breakout"));
    breakIt.accept(objects);
    List<String> problems = new ArrayList<>(placement(objects, namespaceOf("breakout")));
    problems.addAll(references(objects, namespaceOf("breakout"), suiteNamespaces()));
    return problems;
  }

  private static void assertCaught(String expected, List<String> problems) {
    assertTrue(
        problems.stream().anyMatch(p -> p.contains(expected)),
        "expected a problem with \"" + expected + "\", got " + problems);
  }

  @Test
  void aGameLeftInTheCpuOverlaysNamespaceIsCaught() {
    // As if breakout's folder had lost its namespace line: the base's namespace throughout.
    List<Map<String, Object>> objects = objects(YAML.get("breakout").replace(namespaceOf("breakout"), Manifests.NAMESPACE));
    List<String> problems = placement(objects, namespaceOf("breakout"));
    assertCaught("Namespace/dqn: a namespace other than dqn-breakout", problems);
    assertCaught("StatefulSet/learner-service: in namespace dqn, not dqn-breakout", problems);
    assertCaught("0 Namespace dqn-breakout", problems);
  }

  @Test
  void aReferenceIntoAnotherNamespaceIsCaught() {
    List<String> problems = brokenBreakout(objects -> {
      // An address spelled out with another game's namespace.
      Map<String, Object> learner = find(objects, "StatefulSet", "learner-service");
      Map<String, Object> container = map(list(podSpec(learner).get("containers")).get(0));
      list(container.get("env")).stream().map(SuiteOverlaysTest::map)
          .filter(e -> "DQN_LEARNER_REPLAY_TARGET".equals(e.get("name")))
          .forEach(e -> e.put("value", "replay-service.dqn-pong.svc:50052"));
      // The scrape job as it was before k8s/suite: one namespace, named.
      map(find(objects, "ConfigMap", "prometheus-scrape").get("data")).put("dqn-scrape.yaml",
          "scrape_configs:\n  - job_name: dqn\n    kubernetes_sd_configs:\n      - role: pod\n        namespaces:\n          names: [dqn]\n");
      // A policy letting in the cpu overlay's namespace.
      Map<String, Object> dns = find(objects, "NetworkPolicy", "dns");
      Map<String, Object> peer = map(list(map(list(map(dns.get("spec")).get("egress")).get(0)).get("to")).get(0));
      map(map(peer.get("namespaceSelector")).get("matchLabels")).put("kubernetes.io/metadata.name", "dqn");
    });
    assertCaught("replay-service.dqn-pong.svc is in namespace dqn-pong", problems);
    assertCaught("names dqn-pong", problems);
    assertCaught("kubernetes_sd_configs[0] namespaces: selects dqn", problems);
    assertCaught("NetworkPolicy/dns spec egress[0] to[0] namespaceSelector: selects dqn", problems);
  }

  @Test
  void aClusterWideObjectOrANodesDiskIsCaught() {
    List<String> problems = brokenBreakout(objects -> {
      Map<String, Object> metadata = new LinkedHashMap<>(Map.of("name", "dqn-reader"));
      objects.add(new LinkedHashMap<>(
          Map.of("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRole", "metadata", metadata)));
      Map<String, Object> redis = find(objects, "StatefulSet", "redis");
      podSpec(redis).put("volumes", new ArrayList<>(List.of(Map.of("name", "data", "hostPath", Map.of("path", "/data")))));
    });
    assertCaught("ClusterRole/dqn-reader: cluster-wide (no namespace)", problems);
    assertCaught("StatefulSet/redis: volume data is a [hostPath]", problems);
  }
}
