package dqn.deploy;

import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.util.Yaml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The objects a kustomization renders to, each loaded strictly as its Kubernetes kind. */
record Rendered(String name, List<Object> objects) {

  /** A Deployment or StatefulSet: what runs pods. */
  record Workload(String kind, String name, V1LabelSelector selector, V1PodTemplateSpec template) {
    Map<String, String> podLabels() {
      return Optional.ofNullable(template.getMetadata()).map(V1ObjectMeta::getLabels).orElse(Map.of());
    }
  }

  /** {@code kustomize build} of a folder under k8s/ (or any kustomization), as YAML. */
  static String render(String kustomization) {
    Repository.Result result =
        Repository.run(
            Duration.ofMinutes(1),
            List.of(Repository.npmTool("kustomize").toString(), "build", Repository.path(kustomization).toString()));
    if (result.exitCode() != 0) {
      throw new IllegalStateException("kustomize build " + kustomization + " failed:\n" + result.output());
    }
    return result.output();
  }

  /** Loads every document as its kind's model; an unknown kind or field is an error. */
  static Rendered load(String name, String yaml) {
    try {
      return new Rendered(name, new ArrayList<>(Yaml.loadAll(yaml)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Rendered of(String kustomization) {
    return load(kustomization, render(kustomization));
  }

  <T> List<T> all(Class<T> kind) {
    return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The one object of a kind with a name (generated names match without their hash suffix). */
  <T> T one(Class<T> kind, String objectName) {
    List<T> found = all(kind).stream().filter(o -> Manifests.baseName(o).equals(objectName)).toList();
    if (found.size() != 1) {
      throw new IllegalArgumentException(name + ": " + found.size() + " " + kind.getSimpleName() + " " + objectName);
    }
    return found.get(0);
  }

  List<Workload> workloads() {
    List<Workload> workloads = new ArrayList<>();
    for (V1Deployment d : all(V1Deployment.class)) {
      workloads.add(new Workload("Deployment", d.getMetadata().getName(), d.getSpec().getSelector(), d.getSpec().getTemplate()));
    }
    for (V1StatefulSet s : all(V1StatefulSet.class)) {
      workloads.add(new Workload("StatefulSet", s.getMetadata().getName(), s.getSpec().getSelector(), s.getSpec().getTemplate()));
    }
    return workloads;
  }

  Workload workload(String workloadName) {
    return workloads().stream()
        .filter(w -> w.name().equals(workloadName))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(name + ": no workload " + workloadName));
  }
}
