package dqn.learner.djl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import dqn.learner.config.LearnerConfig.DeviceChoice;
import dqn.learner.config.LearnerConfig.PrecisionChoice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Loads libtorch once, with the thread counts and the device chosen by configuration. The natives
 * come from the pytorch-native jar on the class path (no network: ai.djl.offline).
 */
public final class DjlRuntime {

  private static final Logger LOG = Logger.getLogger(DjlRuntime.class);

  private DjlRuntime() {}

  /**
   * Starts the engine with the given thread counts and picks the device.
   *
   * @throws IllegalStateException when a GPU is required but the libtorch present has no CUDA
   *     device, or when libtorch cannot load
   */
  public static synchronized Device start(
      DeviceChoice choice, int intraOpThreads, int interOpThreads) {
    System.setProperty("ai.djl.offline", "true");
    // Read by DJL's PyTorch engine once, when it loads.
    System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
    System.setProperty("ai.djl.pytorch.num_interop_threads", Integer.toString(interOpThreads));
    Engine engine;
    try {
      engine = Engine.getEngine("PyTorch");
    } catch (EngineException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "libtorch could not be loaded (DJL's PyTorch engine): "
              + e.getMessage()
              + ". Check that DJL_CACHE_DIR (default ~/.djl.ai) is writable and has about 500 MB"
              + " free.",
          e);
    }
    if (JniUtils.getNumThreads() != intraOpThreads) {
      // The engine was loaded earlier in this JVM with other settings; apply ours now.
      JniUtils.setNumThreads(intraOpThreads);
    }
    int gpus = engine.getGpuCount();
    Device device =
        switch (choice) {
          case CPU -> Device.cpu();
          case GPU -> {
            if (gpus == 0) {
              throw new IllegalStateException(
                  "dqn.learner.compute.device=gpu, but the libtorch present ("
                      + engine.getVersion()
                      + ") sees no CUDA device. Use device=auto or cpu, or supply a CUDA build of"
                      + " libtorch (PYTORCH_LIBRARY_PATH).");
            }
            yield Device.gpu();
          }
          case AUTO -> {
            if (gpus == 0) {
              LOG.infof(
                  "no CUDA device visible to libtorch %s: training on the CPU",
                  engine.getVersion());
              yield Device.cpu();
            }
            yield Device.gpu();
          }
        };
    LOG.infof(
        "libtorch %s on %s, %d intra-op / %d inter-op threads",
        engine.getVersion(), device, JniUtils.getNumThreads(), JniUtils.getNumInteropThreads());
    if (!device.isGpu()) {
      warnWhenMallocReturnsPages();
    }
    return device;
  }

  /**
   * The precision updates compute in, as configured; bfloat16 on a CPU without AVX-512 BF16 is
   * said to be slow (oneDNN emulates it there) but allowed.
   */
  public static DjlTrainer.Precision precision(PrecisionChoice choice, Device device, Set<String> cpuFlags) {
    if (choice == PrecisionChoice.FLOAT32) {
      return DjlTrainer.Precision.FLOAT32;
    }
    if (!device.isGpu() && !cpuFlags.contains("avx512_bf16")) {
      LOG.warn(
          "dqn.learner.compute.precision=bfloat16 on a CPU without AVX-512 BF16: bfloat16 is emulated"
              + " here and updates run slower than in float32");
    }
    return DjlTrainer.Precision.BFLOAT16;
  }

  /** The instruction-set flags of this machine's first CPU (Linux), or none where unknown. */
  public static Set<String> cpuFlags() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(line -> line.startsWith("flags"))
          .findFirst()
          .map(line -> Set.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")))
          .orElse(Set.of());
    } catch (IOException | UncheckedIOException e) {
      return Set.of();
    }
  }

  /**
   * On Linux, glibc's defaults give libtorch's large temporaries back to the kernel after every
   * update and fault fresh pages in on the next; the three settings keep them
   * (k8s/learner-malloc.env says why). They only work from the process environment, so all this can
   * do is say so.
   */
  private static void warnWhenMallocReturnsPages() {
    if (!System.getProperty("os.name", "").startsWith("Linux")) {
      return;
    }
    List<String> missing =
        Stream.of("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_")
            .filter(name -> System.getenv(name) == null)
            .toList();
    if (!missing.isEmpty()) {
      LOG.warnf(
          "%s not set: glibc returns libtorch's freed buffers to the kernel after each update and"
              + " the next one page-faults them back in (1,000-3,000 faults per update at batch"
              + " 32). Start the learner with the settings in k8s/learner-malloc.env, as"
              + " ./dqn train and the k8s manifests do.",
          String.join(", ", missing));
    }
  }
}
