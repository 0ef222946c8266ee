package dqn.learner.grpc;

import dqn.learner.dqn.LearnerStatus;
import dqn.learner.snapshot.SnapshotRecord;
import dqn.v1.LearnerState;
import dqn.v1.SnapshotInfo;

/** Domain ↔ proto conversions of the LearnerService. */
final class LearnerProtos {

  private LearnerProtos() {}

  static dqn.v1.LearnerStatus toProto(LearnerStatus s) {
    dqn.v1.LearnerStatus.Builder b =
        dqn.v1.LearnerStatus.newBuilder()
            .setState(toProto(s.state()))
            .setReason(s.reason())
            .setUpdateStep(s.updateStep())
            .setEnvFrames(s.envFrames())
            .setUpdatesPerSecond(s.updatesPerSecond())
            .setLoss(Float.isNaN(s.loss()) ? 0f : s.loss())
            .setDataWaitFraction(s.dataWaitFraction())
            .setDevice(s.device());
    if (s.lastSnapshot() != null) {
      b.setLastSnapshot(toProto(s.lastSnapshot()));
    }
    return b.build();
  }

  static SnapshotInfo toProto(SnapshotRecord r) {
    return SnapshotInfo.newBuilder()
        .setModel(r.model())
        .setVersion(r.version())
        .setUpdateStep(r.updateStep())
        .setEnvFrames(r.envFrames())
        .setPath(r.path())
        .setSha256(r.sha256())
        .setCreatedUnixMs(r.createdUnixMs())
        .setPublished(r.published())
        .setMaxAbsDiff(r.maxAbsDiff())
        .build();
  }

  static LearnerState toProto(dqn.learner.dqn.LearnerState state) {
    return switch (state) {
      case IDLE -> LearnerState.LEARNER_STATE_IDLE;
      case TRAINING -> LearnerState.LEARNER_STATE_TRAINING;
      case WAITING -> LearnerState.LEARNER_STATE_WAITING;
      case PAUSED -> LearnerState.LEARNER_STATE_PAUSED;
      case FAILED -> LearnerState.LEARNER_STATE_FAILED;
    };
  }
}
