package dqn.learner.dqn;

import java.util.Map;

/**
 * Everything a training engine needs to continue exactly where it was: the weights of both
 * networks and the optimizer's buffers, as named host tensors, plus the optimizer's step count.
 *
 * @param network the network definition, as text, e.g. "nature_2015(uint8[4,84,84]/255.0, ...)"
 * @param optimizer the optimizer and its settings, as text
 * @param optimizerSteps steps the optimizer has taken (bias corrections depend on it)
 * @param tensors "online/conv1.weight", "target/...", "optimizer/adam.m/..." → row-major values
 */
public record EngineState(
    String network, String optimizer, long optimizerSteps, Map<String, float[]> tensors) {}
