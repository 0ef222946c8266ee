package dqn.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * The dqn command line: {@code train}, {@code suite}, {@code eval}, {@code status}, {@code
 * dashboard}, {@code compare}.
 */
public final class Dqn {

  private static final String USAGE =
      """
      usage: dqn <command> [options]
        train <game>   train an agent (starts the services, or drives running ones); resumes with --run
        suite [GAME...] train several games one after another with one specification, and tabulate
                       them (default: the seven games of the 2013 DQN paper); the same command resumes
        eval           play whole games with a trained model and report mean +- sd, with a GIF
        status         the services of a run: health and progress
        dashboard      the live training page of a run, or of services training elsewhere
        compare RUN... several runs' curves in one PNG (compare.png), one colour per run
      dqn <command> --help shows a command's options. Examples:
        ./dqn train catch                 the one-minute demo
        ./dqn train pong --run pong-1     Ctrl-C stops after a checkpoint; the same command resumes
        ./dqn eval --run pong-1
        ./dqn suite --frames 2000000      seven Atari games, 2M frames each, in runs/suite
        ./dqn compare runs/pong-1 runs/pong-2
      """;

  private Dqn() {}

  public static void main(String[] argv) {
    System.setProperty("java.awt.headless", "true");
    System.exit(run(Arrays.asList(argv), System.out, System.err));
  }

  static int run(List<String> argv, PrintStream out, PrintStream err) {
    if (argv.isEmpty() || List.of("-h", "--help", "help").contains(argv.get(0))) {
      out.print(USAGE);
      return argv.isEmpty() ? 2 : 0;
    }
    String command = argv.get(0);
    List<String> rest = argv.subList(1, argv.size());
    try {
      return switch (command) {
        case "train" -> help(rest, out, TrainCommand.USAGE)
            ? 0
            : new TrainCommand(out, new Interrupts(out).install())
                .run(Args.parse(rest, TrainCommand.OPTIONS, TrainCommand.FLAGS));
        case "suite" -> help(rest, out, SuiteCommand.USAGE)
            ? 0
            : new SuiteCommand(out, new Interrupts(out).install())
                .run(Args.parse(rest, SuiteCommand.OPTIONS, SuiteCommand.FLAGS));
        case "eval" -> help(rest, out, EvalCommand.USAGE)
            ? 0
            : new EvalCommand(out).run(Args.parse(rest, EvalCommand.OPTIONS, EvalCommand.FLAGS));
        case "status" -> help(rest, out, StatusCommand.USAGE)
            ? 0
            : new StatusCommand(out).run(Args.parse(rest, StatusCommand.OPTIONS, StatusCommand.FLAGS));
        case "dashboard" -> help(rest, out, DashboardCommand.USAGE)
            ? 0
            : new DashboardCommand(out).run(Args.parse(rest, DashboardCommand.OPTIONS, DashboardCommand.FLAGS));
        case "compare" -> help(rest, out, CompareCommand.USAGE)
            ? 0
            : new CompareCommand(out).run(Args.parse(rest, CompareCommand.OPTIONS, CompareCommand.FLAGS));
        default -> throw new Args.UsageException("unknown command '" + command + "'\n" + USAGE);
      };
    } catch (Args.UsageException | IllegalArgumentException e) {
      err.println("dqn: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      err.println("dqn: " + e.getMessage());
      return 1;
    } catch (io.grpc.StatusRuntimeException e) {
      err.println("dqn: a service answered " + e.getStatus().getCode() + ": " + e.getStatus().getDescription());
      return 1;
    } catch (Exception e) {
      err.println("dqn: " + e);
      return 1;
    }
  }

  private static boolean help(List<String> rest, PrintStream out, String usage) {
    if (rest.contains("--help") || rest.contains("-h")) {
      out.print(usage);
      return true;
    }
    return false;
  }
}
