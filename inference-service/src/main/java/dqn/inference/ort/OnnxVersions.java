package dqn.inference.ort;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import dqn.inference.model.InvalidModelException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The IR version and default-domain (ai.onnx) opset an ONNX file is stamped with, read from the
 * top level of its ModelProto without parsing the graph, and the range the bundled ONNX Runtime
 * accepts: a model outside it is refused with what to change, instead of ONNX Runtime's loader
 * message.
 */
public record OnnxVersions(long irVersion, OptionalLong opset) {

  /** The bundled ONNX Runtime (onnxruntime.version in the root pom). */
  public static final String RUNTIME = "ONNX Runtime 1.22";

  /** IR 3 brought opset imports; ONNX Runtime 1.22 refuses IR 11 and above (measured). */
  public static final long MIN_IR_VERSION = 3;

  public static final long MAX_IR_VERSION = 10;

  /**
   * ONNX Runtime supports ai.onnx opsets from 7 on; 1.22 refuses 23 and above (measured).
   * OrtModelLoaderTest checks both maxima against the runtime itself.
   */
  public static final long MIN_OPSET = 7;

  public static final long MAX_OPSET = 22;

  /** How to produce an accepted file from PyTorch (IR 8, opset 17). */
  public static final String EXPORT_RECIPE =
      "export with torch.onnx.export(..., dynamo=False, opset_version=17)";

  // ModelProto field numbers (onnx.proto3) and OperatorSetIdProto's.
  private static final int MODEL_IR_VERSION = 1;
  private static final int MODEL_OPSET_IMPORT = 8;
  private static final int OPSET_DOMAIN = 1;
  private static final int OPSET_VERSION = 2;

  /**
   * Reads the versions of an ONNX file.
   *
   * @throws InvalidModelException when the file is not a protobuf ModelProto
   */
  public static OnnxVersions read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      CodedInputStream model = CodedInputStream.newInstance(in);
      model.setSizeLimit(Integer.MAX_VALUE);
      long irVersion = 0;
      OptionalLong opset = OptionalLong.empty();
      for (int tag = model.readTag(); tag != 0; tag = model.readTag()) {
        int field = WireFormat.getTagFieldNumber(tag);
        if (field == MODEL_IR_VERSION && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
          irVersion = model.readInt64();
        } else if (field == MODEL_OPSET_IMPORT
            && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
          int limit = model.pushLimit(model.readRawVarint32());
          OptionalLong version = defaultDomainVersion(model);
          model.popLimit(limit);
          opset = version.isPresent() ? version : opset;
        } else if (!model.skipField(tag)) { // the graph and the rest, without materializing them
          throw new InvalidModelException("not a valid ONNX model: it holds a protobuf group end");
        }
      }
      if (irVersion == 0) {
        throw new InvalidModelException("not a valid ONNX model: it has no IR version (ir_version)");
      }
      return new OnnxVersions(irVersion, opset);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new InvalidModelException("not a valid ONNX model: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model file " + file, e);
    }
  }

  /** The version of one OperatorSetIdProto when its domain is ai.onnx ("" or "ai.onnx"). */
  private static OptionalLong defaultDomainVersion(CodedInputStream opsetId) throws IOException {
    String domain = "";
    long version = 0;
    for (int tag = opsetId.readTag(); tag != 0; tag = opsetId.readTag()) {
      int field = WireFormat.getTagFieldNumber(tag);
      if (field == OPSET_DOMAIN && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
        domain = opsetId.readStringRequireUtf8();
      } else if (field == OPSET_VERSION && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_VARINT) {
        version = opsetId.readInt64();
      } else if (!opsetId.skipField(tag)) {
        throw new InvalidModelException("not a valid ONNX model: an opset import holds a group end");
      }
    }
    return domain.isEmpty() || domain.equals("ai.onnx") ? OptionalLong.of(version) : OptionalLong.empty();
  }

  /**
   * Refuses versions outside the bundled runtime's range, saying what to change. A file without
   * an ai.onnx opset import uses no standard operator, so only its IR version is checked.
   *
   * @throws InvalidModelException naming the file's versions, the accepted range and the recipe
   */
  public void requireSupported() {
    boolean irOk = irVersion >= MIN_IR_VERSION && irVersion <= MAX_IR_VERSION;
    boolean opsetOk =
        opset.isEmpty() || (opset.getAsLong() >= MIN_OPSET && opset.getAsLong() <= MAX_OPSET);
    if (irOk && opsetOk) {
      return;
    }
    throw new InvalidModelException(
        "the model is stamped IR version "
            + irVersion
            + (opset.isPresent() ? ", ai.onnx opset " + opset.getAsLong() : "")
            + "; "
            + RUNTIME
            + " accepts IR versions "
            + MIN_IR_VERSION
            + " to "
            + MAX_IR_VERSION
            + " and ai.onnx opsets "
            + MIN_OPSET
            + " to "
            + MAX_OPSET
            + ": "
            + EXPORT_RECIPE
            + " (IR 8), or convert the file with onnx.version_converter");
  }
}
