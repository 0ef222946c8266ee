package dqn.env.grpc;

import dqn.env.TestAle;
import dqn.testkit.GrpcProbe;
import dqn.launcher.ServiceProcess;
import dqn.v1.EnvServiceGrpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The packaged env-service in its own process, with a small ROM folder, and a client. */
final class EnvServer implements AutoCloseable {

  static final int MAX_SESSIONS = 24;

  final ServiceProcess process;
  final GrpcProbe probe;
  final EnvServiceGrpc.EnvServiceBlockingStub blocking;
  final EnvServiceGrpc.EnvServiceStub async;

  private EnvServer(ServiceProcess process) {
    this.process = process;
    this.probe = new GrpcProbe("127.0.0.1", process.port());
    this.blocking = EnvServiceGrpc.newBlockingStub(probe.channel());
    this.async = EnvServiceGrpc.newStub(probe.channel());
  }

  /** Starts the service with pong, breakout and space_invaders in its ROM folder. */
  static EnvServer start(Path romDirectory, Map<String, String> properties) throws Exception {
    for (String game : new String[] {"pong", "breakout", "space_invaders"}) {
      Files.copy(TestAle.rom(game), romDirectory.resolve(game + ".bin"));
    }
    ServiceProcess.Builder builder =
        ServiceProcess.builder(ServiceProcess.moduleJar())
            .property("dqn.env.ale-home", TestAle.home().root().toString())
            .property("dqn.env.rom-directory", romDirectory.toString())
            .property("dqn.env.sessions.max", Integer.toString(MAX_SESSIONS));
    properties.forEach(builder::property);
    ServiceProcess process = builder.start();
    try {
      process.awaitServing(Duration.ofSeconds(60));
    } catch (RuntimeException | InterruptedException e) {
      process.close();
      throw e;
    }
    return new EnvServer(process);
  }

  @Override
  public void close() throws InterruptedException, IOException {
    try {
      probe.close();
    } finally {
      process.close();
    }
  }
}
