package dqn.inference.registry;

/** A stored version's description and its ONNX file, as DownloadModel sends them. */
public record StoredModel(VersionView view, byte[] onnx) {}
