package dqn.example.cartpole;

import java.util.SplittableRandom;

/**
 * The classic cart-pole balancing game (Barto, Sutton and Anderson 1983, with the constants of
 * Gymnasium's CartPole-v1): push the cart left or right to keep the pole upright. One step is 0.02
 * s; each step the pole stays up earns 1; the episode ends when the pole leans more than 12
 * degrees, the cart leaves the track (|x| > 2.4) or after 500 steps.
 */
public final class CartPole {

  /** Action indices, as the Q-model's outputs are ordered. */
  public static final int LEFT = 0;

  public static final int RIGHT = 1;

  /** Observation: cart position, cart velocity, pole angle (rad), pole angular velocity. */
  public static final int OBSERVATION_SIZE = 4;

  public static final int MAX_STEPS = 500;

  private static final double GRAVITY = 9.8;
  private static final double CART_MASS = 1.0;
  private static final double POLE_MASS = 0.1;
  private static final double TOTAL_MASS = CART_MASS + POLE_MASS;
  private static final double POLE_HALF_LENGTH = 0.5;
  private static final double POLE_MASS_LENGTH = POLE_MASS * POLE_HALF_LENGTH;
  private static final double FORCE = 10.0;
  private static final double SECONDS_PER_STEP = 0.02;
  private static final double MAX_ANGLE = 12 * 2 * Math.PI / 360;
  private static final double MAX_POSITION = 2.4;

  private final SplittableRandom random;
  private double x;
  private double xDot;
  private double theta;
  private double thetaDot;
  private int steps;
  private boolean over = true;

  public CartPole(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** Starts an episode near upright and returns the first observation. */
  public float[] reset() {
    x = random.nextDouble(-0.05, 0.05);
    xDot = random.nextDouble(-0.05, 0.05);
    theta = random.nextDouble(-0.05, 0.05);
    thetaDot = random.nextDouble(-0.05, 0.05);
    steps = 0;
    over = false;
    return observation();
  }

  /** Pushes the cart, advances 0.02 s and returns the new observation. */
  public float[] step(int action) {
    if (over) {
      throw new IllegalStateException("the episode is over; call reset()");
    }
    if (action != LEFT && action != RIGHT) {
      throw new IllegalArgumentException("action must be 0 (LEFT) or 1 (RIGHT), got " + action);
    }
    double force = action == RIGHT ? FORCE : -FORCE;
    double cos = Math.cos(theta);
    double sin = Math.sin(theta);
    double temp = (force + POLE_MASS_LENGTH * thetaDot * thetaDot * sin) / TOTAL_MASS;
    double thetaAcc =
        (GRAVITY * sin - cos * temp)
            / (POLE_HALF_LENGTH * (4.0 / 3.0 - POLE_MASS * cos * cos / TOTAL_MASS));
    double xAcc = temp - POLE_MASS_LENGTH * thetaAcc * cos / TOTAL_MASS;
    x += SECONDS_PER_STEP * xDot;
    xDot += SECONDS_PER_STEP * xAcc;
    theta += SECONDS_PER_STEP * thetaDot;
    thetaDot += SECONDS_PER_STEP * thetaAcc;
    steps++;
    over = Math.abs(x) > MAX_POSITION || Math.abs(theta) > MAX_ANGLE || steps >= MAX_STEPS;
    return observation();
  }

  /** Whether the episode has ended (pole fell, cart left the track, or 500 steps). */
  public boolean isOver() {
    return over;
  }

  /** Steps taken this episode, which is also its return. */
  public int steps() {
    return steps;
  }

  private float[] observation() {
    return new float[] {(float) x, (float) xDot, (float) theta, (float) thetaDot};
  }
}
