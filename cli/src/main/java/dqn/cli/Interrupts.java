package dqn.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) or SIGTERM during a run: the first asks for an orderly stop (actors, snapshot,
 * checkpoint, services); a second forces it: every service is killed and the command exits.
 * SIGTERM counts too, because a supervisor (or a background job, whose SIGINT the shell ignores)
 * stops the command line with it.
 */
final class Interrupts {

  private final PrintStream out;
  private final List<Runnable> force = new ArrayList<>();
  private volatile boolean stopRequested;

  Interrupts(PrintStream out) {
    this.out = out;
  }

  /** Handles SIGINT and SIGTERM from now on. */
  Interrupts install() {
    Signal.handle(new Signal("INT"), signal -> interrupted());
    Signal.handle(new Signal("TERM"), signal -> interrupted());
    return this;
  }

  synchronized void onForce(Runnable action) {
    force.add(action);
  }

  boolean stopRequested() {
    return stopRequested;
  }

  private void interrupted() {
    if (!stopRequested) {
      stopRequested = true;
      out.println();
      out.println("dqn: stopping after a checkpoint and a snapshot; Ctrl-C again forces the stop now");
      return;
    }
    out.println();
    out.println("dqn: forced stop: killing the services");
    List<Runnable> actions;
    synchronized (this) {
      actions = List.copyOf(force);
    }
    actions.forEach(Runnable::run);
    Runtime.getRuntime().halt(130);
  }
}
