package dqn.cli;

import dqn.client.Channels;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the four services of a run answer, host:port each. */
record Endpoints(String env, String replay, String learner, String inference) {

  Endpoints {
    for (String target : new String[] {env, replay, learner, inference}) {
      Channels.HostPort.parse(target);
    }
  }

  /** Written into the run directory while a run trains, so that {@code dqn status} finds it. */
  void write(Path file) throws IOException {
    Properties p = new Properties();
    p.setProperty("env", env);
    p.setProperty("replay", replay);
    p.setProperty("learner", learner);
    p.setProperty("inference", inference);
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      p.store(out, "the services of this run while it trains");
    }
  }

  static Endpoints read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return new Endpoints(p.getProperty("env"), p.getProperty("replay"), p.getProperty("learner"), p.getProperty("inference"));
  }
}
