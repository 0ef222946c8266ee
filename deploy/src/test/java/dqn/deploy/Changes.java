package dqn.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What an overlay changes in the base: one line per changed value, as "Kind/name path". Lists of
 * named items (containers, env, ports, volumes) are compared by name, other lists whole.
 */
final class Changes {

  private Changes() {}

  static Set<String> between(String baseYaml, String overlayYaml) {
    Map<String, Object> base = byObject(baseYaml);
    Map<String, Object> overlay = byObject(overlayYaml);
    Set<String> changes = new TreeSet<>();
    for (String key : union(base.keySet(), overlay.keySet())) {
      diff(key, base.get(key), overlay.get(key), changes);
    }
    return changes;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> byObject(String yaml) {
    Map<String, Object> objects = new LinkedHashMap<>();
    for (Object document : new Yaml(new LoaderOptions()).loadAll(yaml)) {
      Map<String, Object> object = (Map<String, Object>) document;
      Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
      objects.put(object.get("kind") + "/" + metadata.get("name"), object);
    }
    return objects;
  }

  @SuppressWarnings("unchecked")
  private static void diff(String path, Object before, Object after, Set<String> changes) {
    if (before instanceof Map<?, ?> a && after instanceof Map<?, ?> b) {
      for (Object key : union((Set<Object>) a.keySet(), (Set<Object>) b.keySet())) {
        diff(path + (path.contains(" ") ? "." : " ") + key, a.get(key), b.get(key), changes);
      }
    } else if (named(before) && named(after)) {
      Map<Object, Object> a = byName((List<Object>) before);
      Map<Object, Object> b = byName((List<Object>) after);
      for (Object name : union(a.keySet(), b.keySet())) {
        diff(path + "[" + name + "]", a.get(name), b.get(name), changes);
      }
    } else if (!Objects.equals(before, after)) {
      changes.add(path);
    }
  }

  private static boolean named(Object value) {
    return value instanceof List<?> list
        && !list.isEmpty()
        && list.stream().allMatch(item -> item instanceof Map<?, ?> map && map.get("name") != null);
  }

  private static Map<Object, Object> byName(List<Object> items) {
    Map<Object, Object> named = new LinkedHashMap<>();
    items.forEach(item -> named.put(((Map<?, ?>) item).get("name"), item));
    return named;
  }

  private static <T> List<T> union(Set<T> a, Set<T> b) {
    List<T> keys = new ArrayList<>(a);
    b.stream().filter(k -> !a.contains(k)).forEach(keys::add);
    return keys;
  }
}
