package dqn.env;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.ale.AleHome;
import dqn.launcher.ServiceProcess;
import dqn.testkit.ServiceStartupContract;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvServiceStartupIT extends ServiceStartupContract {

  EnvServiceStartupIT() {
    super("dqn.v1.EnvService");
  }

  @Override
  protected ServiceProcess.Builder configure(ServiceProcess.Builder builder) {
    return builder
        .property("dqn.env.ale-home", TestAle.home().root().toString())
        .property("dqn.env.catalogue-warm-up", "false");
  }

  @Test
  void missingAleStopsTheStartWithTheFix(@TempDir Path empty) throws Exception {
    assertRefusedWith(AleHome.FIX, "dqn.env.ale-home", empty.resolve("absent").toString());
    // A folder without the ALE library or ROMs is refused the same way.
    assertRefusedWith(AleHome.FIX, "dqn.env.ale-home", empty.toString());
    assertRefusedWith("dqn.env.rom-directory", "dqn.env.rom-directory", empty.resolve("x").toString());
  }

  private static void assertRefusedWith(String expected, String key, String value) throws Exception {
    ServiceProcess service =
        ServiceProcess.builder(ServiceProcess.moduleJar())
            .property("dqn.env.ale-home", TestAle.home().root().toString())
            .property(key, value)
            .start();
    try {
      assertNotEquals(0, service.awaitExit(Duration.ofSeconds(60)));
      assertTrue(service.output().contains(expected), service.output());
    } finally {
      service.close();
    }
  }
}
