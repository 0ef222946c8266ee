package dqn.learner.dqn;

import dqn.learner.snapshot.SnapshotRecord;

/**
 * Where training stands.
 *
 * @param reason why the learner waits or failed; empty while training
 * @param updatesPerSecond recent average
 * @param loss recent mean TD loss
 * @param dataWaitFraction share of recent wall time spent waiting for replay data (0..1)
 * @param lastSnapshot newest published snapshot, or null
 */
public record LearnerStatus(
    LearnerState state,
    String reason,
    long updateStep,
    long envFrames,
    double updatesPerSecond,
    float loss,
    double dataWaitFraction,
    String device,
    SnapshotRecord lastSnapshot) {}
