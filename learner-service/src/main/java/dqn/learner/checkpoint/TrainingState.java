package dqn.learner.checkpoint;

import dqn.learner.dqn.EngineState;

/**
 * The whole training state: the engine's (weights of both networks, optimizer buffers and step
 * count) and the learner's counters. The ε schedule is a function of {@code envFrames}, so its
 * position is saved with them.
 *
 * @param updateStep gradient updates made
 * @param envFrames emulator frames behind the data trained on
 * @param rngState state of the learner's random number generator
 * @param engine the training engine's state
 */
public record TrainingState(long updateStep, long envFrames, long rngState, EngineState engine) {}
