package dqn.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The environment variables a packaged service reads, with their defaults, derived from what the
 * service itself declares: the {@code ${NAME:default}} expressions of its application.properties,
 * every leaf of its {@code @ConfigMapping} interfaces (key {@code dqn.learner.compute.device} is
 * read from {@code DQN_LEARNER_COMPUTE_DEVICE}), and the run specification's file property. A key
 * renamed in the service renames its variable here, and the manifests' checks then fail.
 */
record ServiceConfig(String service, Map<String, Optional<String>> variables) {

  private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([A-Z0-9_]+):([^}]*)}");
  private static final String CONFIG_MAPPING = "io.smallrye.config.ConfigMapping";
  private static final String WITH_DEFAULT = "io.smallrye.config.WithDefault";
  private static final String WITH_NAME = "io.smallrye.config.WithName";

  /** The port the service listens on when its manifest does not set DQN_PORT. */
  int defaultPort() {
    return Integer.parseInt(variables.get("DQN_PORT").orElseThrow());
  }

  boolean reads(String variable) {
    return variables.containsKey(variable);
  }

  /** Reads the service's compiled classes and libraries (target/classes, target/quarkus-app/lib). */
  static ServiceConfig of(String service) {
    Path module = Repository.path(service);
    Path classes = module.resolve("target/classes");
    Path libraries = module.resolve("target/quarkus-app/lib/main");
    if (!Files.isDirectory(classes) || !Files.isDirectory(libraries)) {
      throw new IllegalStateException(service + " is not packaged: mvn -pl " + service + " -am package");
    }
    Map<String, Optional<String>> variables = new TreeMap<>();
    applicationProperties(classes.resolve("application.properties"), variables);
    try (URLClassLoader loader = new URLClassLoader(urls(classes, libraries), null)) {
      for (Class<?> mapping : configMappings(classes, loader)) {
        String prefix = (String) annotationValue(mapping, CONFIG_MAPPING, "prefix").orElseThrow();
        leaves(prefix, mapping, variables);
      }
      runSpecProperty(loader).ifPresent(key -> variables.put(environmentName(key), Optional.empty()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read the configuration of " + service, e);
    }
    return new ServiceConfig(service, variables);
  }

  /** The property naming the run specification file, for the services built with the run-spec module. */
  private static Optional<String> runSpecProperty(ClassLoader loader) throws ReflectiveOperationException {
    try {
      return Optional.of((String) loader.loadClass("dqn.runspec.RunSpec").getField("FILE_PROPERTY").get(null));
    } catch (ClassNotFoundException noRunSpecification) {
      return Optional.empty();
    }
  }

  /** SmallRye's mapping from a property name to its environment variable. */
  static String environmentName(String key) {
    return key.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  private static void applicationProperties(Path file, Map<String, Optional<String>> variables) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (String key : properties.stringPropertyNames()) {
      Matcher matcher = EXPRESSION.matcher(properties.getProperty(key));
      while (matcher.find()) {
        String fallback = matcher.group(2);
        variables.put(matcher.group(1), fallback.isEmpty() ? Optional.empty() : Optional.of(fallback));
      }
      if (key.startsWith("dqn.")) {
        variables.putIfAbsent(environmentName(key), Optional.empty());
      }
    }
  }

  private static void leaves(String prefix, Class<?> group, Map<String, Optional<String>> variables)
      throws ReflectiveOperationException {
    for (Method method : group.getMethods()) {
      if (method.getParameterCount() != 0 || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      String name =
          annotationValue(method, WITH_NAME, "value").map(String.class::cast).orElse(kebab(method.getName()));
      String key = prefix + "." + name;
      Class<?> type = method.getReturnType();
      if (type.isInterface() && type.getName().startsWith("dqn.") && !Collection.class.isAssignableFrom(type)) {
        leaves(key, type, variables);
      } else {
        variables.put(
            environmentName(key), annotationValue(method, WITH_DEFAULT, "value").map(String.class::cast));
      }
    }
  }

  private static List<Class<?>> configMappings(Path classes, ClassLoader loader) throws IOException {
    List<Class<?>> mappings = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
        try {
          Class<?> type = Class.forName(name, false, loader);
          if (type.isInterface() && annotationValue(type, CONFIG_MAPPING, "prefix").isPresent()) {
            mappings.add(type);
          }
        } catch (LinkageError | ReflectiveOperationException notAMapping) {
          // A class whose optional dependencies are absent cannot be a mapping interface.
        }
      }
    }
    return mappings;
  }

  private static Optional<Object> annotationValue(
      java.lang.reflect.AnnotatedElement element, String annotation, String attribute)
      throws ReflectiveOperationException {
    for (Annotation present : element.getAnnotations()) {
      if (present.annotationType().getName().equals(annotation)) {
        return Optional.of(present.annotationType().getMethod(attribute).invoke(present));
      }
    }
    return Optional.empty();
  }

  private static String kebab(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
  }

  private static URL[] urls(Path classes, Path libraries) throws IOException {
    List<URL> urls = new ArrayList<>();
    urls.add(toUrl(classes));
    try (Stream<Path> jars = Files.list(libraries)) {
      for (Path jar : jars.filter(j -> j.toString().endsWith(".jar")).toList()) {
        urls.add(toUrl(jar));
      }
    }
    return urls.toArray(URL[]::new);
  }

  private static URL toUrl(Path path) {
    try {
      return path.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
