package dqn.cli;

import dqn.cli.report.MetricsRow;
import dqn.v1.ActorStatus;
import dqn.v1.LearnerStatus;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress a person can follow: on a terminal one line refreshed in place every second; otherwise
 * (a log, CI) a plain line at each metrics row.
 */
final class ProgressLine {

  private final PrintStream out;
  private final boolean terminal;
  private final long budgetFrames;
  private final String label;
  private int shownLength;

  /** @param label what the line is about, e.g. a suite's "game 2 of 7: breakout"; empty for none */
  ProgressLine(PrintStream out, boolean terminal, long budgetFrames, String label) {
    this.out = out;
    this.terminal = terminal;
    this.budgetFrames = budgetFrames;
    this.label = label;
  }

  /** The refreshed line (terminal only). */
  void show(MetricsRow row, LearnerStatus learner, ActorStatus actors, long elapsedNanos) {
    if (!terminal) {
      return;
    }
    String text = text(row, learner, actors, elapsedNanos);
    out.print("\r" + text + " ".repeat(Math.max(0, shownLength - text.length())));
    out.flush();
    shownLength = text.length();
  }

  /** The plain line (not on a terminal, where the refreshed line says the same). */
  void plain(MetricsRow row, LearnerStatus learner, ActorStatus actors, long elapsedNanos) {
    if (!terminal) {
      out.println(text(row, learner, actors, elapsedNanos));
    }
  }

  /** A remark between progress lines. */
  void note(String text) {
    finish();
    out.println("train: " + text);
  }

  /** Ends the refreshed line so that what follows starts on its own. */
  void finish() {
    if (terminal && shownLength > 0) {
      out.println();
      shownLength = 0;
    }
  }

  String text(MetricsRow row, LearnerStatus learner, ActorStatus actors, long elapsedNanos) {
    double left = row.framesPerSecond() > 0 ? (budgetFrames - row.frames()) / row.framesPerSecond() : Double.NaN;
    StringBuilder s = new StringBuilder();
    if (!label.isEmpty()) {
      s.append(label).append(" | ");
    }
    s.append(String.format(Locale.ROOT, "frames %s/%s", count(row.frames()), count(budgetFrames)));
    s.append(String.format(Locale.ROOT, " | %.0f fps", row.framesPerSecond()));
    s.append(String.format(Locale.ROOT, " | games %d", row.episodes()));
    s.append(" | return(100) ").append(Double.isNaN(row.meanReturn100()) ? "-" : String.format(Locale.ROOT, "%.2f", row.meanReturn100()));
    s.append(String.format(Locale.ROOT, " | eps %.3f", row.epsilon()));
    s.append(" | loss ").append(Double.isNaN(row.loss()) ? "-" : String.format(Locale.ROOT, "%.4f", row.loss()));
    s.append(String.format(Locale.ROOT, " | %.1f upd/s", row.updatesPerSecond()));
    s.append(" | replay ").append(count(row.replaySize()));
    s.append(" | model v").append(row.modelVersion());
    s.append(" | ").append(duration(elapsedNanos / 1e9)).append(" elapsed");
    s.append(", ").append(Double.isNaN(left) ? "-" : duration(Math.max(0, left))).append(" left");
    String waiting = !actors.getProblem().isEmpty() ? actors.getProblem() : learner.getReason();
    if (!waiting.isEmpty()) {
      s.append(" | ").append(waiting);
    }
    return s.toString();
  }

  private static String count(long n) {
    if (n >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    if (n >= 10_000) {
      return String.format(Locale.ROOT, "%.1fk", n / 1e3);
    }
    return Long.toString(n);
  }

  private static String duration(double seconds) {
    long s = (long) seconds;
    return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s / 60 % 60) : String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60);
  }
}
