package dqn.inference.serving;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * One Act request.
 *
 * @param model model name
 * @param version version to use, 0 for the live one
 * @param observations the batch to act on
 * @param epsilon probability of a uniformly random action per observation, when given
 * @param seed seed of the random draws, when given
 */
public record ActCommand(
    String model,
    long version,
    ObservationBatch observations,
    OptionalDouble epsilon,
    OptionalLong seed) {}
