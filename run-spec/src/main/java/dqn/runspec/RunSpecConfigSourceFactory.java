package dqn.runspec;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.PropertiesConfigSource;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Gives a service the settings derived from the run specification named by {@value
 * RunSpec#FILE_PROPERTY} (env {@code DQN_RUN_SPEC}), or from the built-in default when none is
 * named. Its ordinal sits below the service's own application.properties, environment variables
 * and system properties, so any single value can still be overridden where the service runs.
 */
public final class RunSpecConfigSourceFactory implements ConfigSourceFactory {

  /** Below application.properties (250), above microprofile-config.properties (100). */
  static final int ORDINAL = 200;

  @Override
  public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
    ConfigValue file = context.getValue(RunSpec.FILE_PROPERTY);
    boolean named = file != null && file.getValue() != null && !file.getValue().isBlank();
    RunSpec spec = named ? RunSpec.load(Path.of(file.getValue())) : RunSpec.forGame(RunSpec.DEFAULT_GAME);
    String name =
        named ? "run specification " + file.getValue() : "built-in run specification for " + RunSpec.DEFAULT_GAME;
    return List.of(new PropertiesConfigSource(spec.serviceProperties(), name, ORDINAL));
  }

  @Override
  public OptionalInt getPriority() {
    return OptionalInt.of(ORDINAL);
  }
}
