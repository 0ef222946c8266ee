package dqn.inference.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;

/** Where models live and how many versions stay. */
@ConfigMapping(prefix = "dqn.inference.registry")
public interface RegistryConfig {

  /** Folder with one sub-folder per model (created when missing). */
  @WithDefault("models")
  Path modelDir();

  /** Newest versions kept per model, on disk and loaded; the live one is kept in addition. */
  @WithDefault("5")
  int keepVersions();

  /** Largest ONNX file an upload may announce, in bytes (default 512 MiB). */
  @WithDefault("536870912")
  long maxUploadBytes();
}
