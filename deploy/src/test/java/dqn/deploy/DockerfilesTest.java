package dqn.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Dockerfiles pass dockerfilelint and agree with the services and the project version. */
class DockerfilesTest {

  private static final List<String> DOCKERFILES =
      List.of(
          "images/base/Dockerfile",
          "env-service/Dockerfile",
          "replay-service/Dockerfile",
          "learner-service/Dockerfile",
          "learner-service/Dockerfile.cuda",
          "inference-service/Dockerfile",
          "inference-service/Dockerfile.cuda");

  private static Repository.Result lint(Path dockerfile) {
    return Repository.run(
        Duration.ofMinutes(1), List.of(Repository.npmTool("dockerfilelint").toString(), dockerfile.toString()));
  }

  @Test
  void everyDockerfilePassesTheLinter() {
    for (String dockerfile : DOCKERFILES) {
      Repository.Result result = lint(Repository.path(dockerfile));
      assertEquals(0, result.exitCode(), dockerfile + ":\n" + result.output());
    }
  }

  @Test
  void theLinterFailsABadDockerfile(@TempDir Path directory) throws IOException {
    Path bad = directory.resolve("Dockerfile");
    Files.writeString(bad, "FROM debian\nRUN apt-get update\nRUN apt-get install -y curl\n");
    Repository.Result result = lint(bad);
    assertNotEquals(0, result.exitCode(), result.output());
    assertTrue(result.output().contains("Base Image Missing"), result.output());
  }

  private static List<String> instructions(String dockerfile, String instruction) {
    return Repository.read(dockerfile).lines()
        .filter(line -> line.startsWith(instruction + " "))
        .map(line -> line.substring(instruction.length() + 1).trim())
        .toList();
  }

  /** ENV lines, joined over their continuations. */
  private static Map<String, String> environment(String dockerfile) {
    Map<String, String> variables = new LinkedHashMap<>();
    String text = Repository.read(dockerfile).replaceAll("\\\\\\n\\s*", " ");
    Matcher env = Pattern.compile("(?m)^ENV (.*)$").matcher(text);
    while (env.find()) {
      Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\\S+)").matcher(env.group(1));
      while (pair.find()) {
        variables.put(pair.group(1), pair.group(2));
      }
    }
    return variables;
  }

  @ParameterizedTest
  @ValueSource(strings = {"env-service", "replay-service", "learner-service", "inference-service"})
  void eachServiceImageStartsFromThisVersionsBaseAndListensOnTheServicesPort(String service) {
    String base = "dqn/" + (service.equals("env-service") ? "base-python" : "base") + ":" + Repository.version();
    assertEquals(List.of(base), instructions(service + "/Dockerfile", "FROM"));
    ServiceConfig config = ServiceConfig.of(service);
    for (String dockerfile : List.of(service + "/Dockerfile", service + "/Dockerfile.cuda")) {
      if (!Files.exists(Repository.path(dockerfile))) {
        continue;
      }
      Map<String, String> env = environment(dockerfile);
      assertEquals(String.valueOf(config.defaultPort()), env.get("DQN_PORT"), dockerfile);
      assertEquals(List.of(String.valueOf(config.defaultPort())), instructions(dockerfile, "EXPOSE"), dockerfile);
      assertEquals("0.0.0.0", env.get("DQN_HOST"), dockerfile);
      assertEquals(List.of("1001:1001"), instructions(dockerfile, "USER"), dockerfile);
      env.keySet().stream()
          .filter(name -> name.startsWith("DQN_"))
          .forEach(name -> assertTrue(config.reads(name), dockerfile + ": " + name + " is no setting of " + service));
    }
  }

  @Test
  void theCudaImagesTakeTheJavaRuntimeOfThisVersionsBase() {
    for (String dockerfile : List.of("learner-service/Dockerfile.cuda", "inference-service/Dockerfile.cuda")) {
      assertTrue(instructions(dockerfile, "FROM").contains("dqn/base:" + Repository.version() + " AS runtime"), dockerfile);
    }
  }

  @Test
  void theLearnerImagesCarryTheMallocSettingsOfLearnerMallocEnv() {
    Map<String, String> settings = new LinkedHashMap<>();
    Repository.read("k8s/learner-malloc.env").lines()
        .filter(line -> line.matches("[A-Z_]+=.*"))
        .forEach(line -> settings.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1)));
    assertEquals(3, settings.size(), settings.toString());
    for (String dockerfile : List.of("learner-service/Dockerfile", "learner-service/Dockerfile.cuda")) {
      Map<String, String> env = environment(dockerfile);
      settings.forEach((name, value) -> assertEquals(value, env.get(name), dockerfile + ": " + name));
    }
  }
}
