package dqn.qnetwork;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.function.Executable;

/** Assertions shared by the tests of this module. */
public final class Expect {

  private Expect() {
  }

  /** {@code call} throws IllegalArgumentException with exactly {@code message}. */
  public static void refused(String message, Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertEquals(message, e.getMessage());
  }
}
