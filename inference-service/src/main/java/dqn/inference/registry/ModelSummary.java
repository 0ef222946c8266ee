package dqn.inference.registry;

import java.util.List;

/**
 * A model and its stored versions.
 *
 * @param model model name
 * @param liveVersion the version serving by default
 * @param versions stored versions, newest first
 */
public record ModelSummary(String model, long liveVersion, List<VersionView> versions) {}
