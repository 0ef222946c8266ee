"""A Python game with its own PyTorch Q-network: exported to ONNX, uploaded, played through the
inference-service, every answer checked against ONNX Runtime in this process."""

import hashlib
import io

import grpc
import numpy as np
import onnx
import onnxruntime
import pytest
import torch

from dqn_client import UPLOAD_CHUNK_BYTES, InferenceClient
from dqn_client.inference import upload_messages
from dqn_client.v1 import common_pb2, inference_pb2

ACTIONS = ["LEFT", "STAY", "RIGHT"]
SIZE = 7  # the board is SIZE x SIZE pixels


class Catch:
    """A ball falls one row per step from a random column; the paddle on the bottom row moves
    one column per step. Reward +1 for a catch, -1 for a miss; one ball per episode."""

    def __init__(self, seed: int):
        self.rng = np.random.default_rng(seed)

    def reset(self) -> np.ndarray:
        self.ball_row, self.ball_col = 0, int(self.rng.integers(SIZE))
        self.paddle = SIZE // 2
        return self.frame()

    def step(self, action: int):
        self.paddle = int(np.clip(self.paddle + action - 1, 0, SIZE - 1))
        self.ball_row += 1
        done = self.ball_row == SIZE - 1
        reward = (1.0 if self.ball_col == self.paddle else -1.0) if done else 0.0
        return self.frame(), reward, done

    def frame(self) -> np.ndarray:
        board = np.zeros((1, SIZE, SIZE), np.uint8)  # uint8 [1, 7, 7], 255 where something is
        board[0, self.ball_row, self.ball_col] = 255
        board[0, SIZE - 1, self.paddle] = 255
        return board


class QNetwork(torch.nn.Module):
    """uint8 frames in, scaled inside the graph (the service passes uint8 inputs unscaled)."""

    def __init__(self):
        super().__init__()
        self.layers = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(SIZE * SIZE, 32),
                                          torch.nn.ReLU(), torch.nn.Linear(32, len(ACTIONS)))

    def forward(self, frames):
        return self.layers(frames.float() / 255.0)


def export(seed: int, opset: int = 17) -> bytes:
    """The documented recipe: the TorchScript exporter, opset 17, a dynamic batch dimension."""
    torch.manual_seed(seed)
    buffer = io.BytesIO()
    torch.onnx.export(QNetwork().eval(), (torch.zeros(1, 1, SIZE, SIZE, dtype=torch.uint8),), buffer,
                      dynamo=False, opset_version=opset, input_names=["frames"],
                      output_names=["q_values"], dynamic_axes={"frames": {0: "N"}, "q_values": {0: "N"}})
    model = onnx.load_from_string(buffer.getvalue())
    onnx.helper.set_model_props(model, {"dqn.action_meanings": ",".join(ACTIONS)})
    return model.SerializeToString()


def test_plays_its_own_exported_model_with_the_q_values_of_onnx_runtime(inference_target):
    name = f"catch-py-{np.random.default_rng().integers(1 << 30)}"
    first, second = export(seed=1), export(seed=2)
    runtimes = {v: onnxruntime.InferenceSession(m) for v, m in ((1, first), (2, second))}
    with InferenceClient(inference_target) as client:
        assert client.health() == "SERVING"
        info = client.upload(name, first, properties={"trained-by": "test"})
        assert (info.version, info.live, info.sha256) == (1, True, hashlib.sha256(first).hexdigest())
        meta = client.metadata(name)
        assert list(meta.input_shape) == [-1, 1, SIZE, SIZE]
        assert meta.input_dtype == common_pb2.DTYPE_UINT8
        assert list(meta.action_meanings) == ACTIONS
        assert meta.properties["trained-by"] == "test"

        game, returns = Catch(seed=3), []
        for episode in range(5):
            frame, done, total = game.reset(), False, 0.0
            while not done:
                answer = client.act(name, frame[None])
                expected = runtimes[1].run(None, {"frames": frame[None]})[0]
                np.testing.assert_allclose(answer.q_values, expected, rtol=1e-5, atol=1e-6)
                assert answer.actions[0] == answer.greedy_actions[0] == int(np.argmax(expected))
                frame, reward, done = game.step(int(answer.actions[0]))
                total += reward
            returns.append(total)
        assert len(returns) == 5

        # A batch, epsilon-greedy with a seed: the same request gives the same actions.
        batch = np.stack([Catch(s).reset() for s in range(16)])
        explore = [client.act(name, batch, epsilon=0.5, seed=9).actions for _ in range(2)]
        np.testing.assert_array_equal(explore[0], explore[1])
        assert (explore[0] != client.act(name, batch).greedy_actions).any()

        # A second version goes live on request; roll back returns to the first.
        assert client.upload(name, second, make_live=True).version == 2
        np.testing.assert_allclose(client.act(name, batch).q_values,
                                   runtimes[2].run(None, {"frames": batch})[0], rtol=1e-5, atol=1e-6)
        assert client.roll_back(name).version == 1
        listed = {m.model: m for m in client.list_models()}[name]
        assert listed.live_version == 1 and [v.version for v in listed.versions] == [2, 1]
        with pytest.raises(LookupError, match="no stored version older"):
            client.roll_back(name)
        assert client.set_live(name, 2).live
        # Each stored file comes back as it was uploaded, the live one when no version is named.
        live, live_file = client.download(name)
        assert (live.version, live.live, live_file) == (2, True, second)
        assert client.download(name, 1)[1] == first
        np.testing.assert_allclose(client.act(name, batch, version=1).q_values,
                                   runtimes[1].run(None, {"frames": batch})[0], rtol=1e-5, atol=1e-6)

        # The stream gives the answers of single calls, in order.
        with client.act_stream() as stream:
            for k in range(4):
                streamed = stream.act(name, batch[k:k + 1])
                assert streamed.model_version == 2
                np.testing.assert_array_equal(streamed.q_values, client.act(name, batch[k:k + 1]).q_values)


def test_bad_input_is_refused_with_what_to_change(inference_target):
    name = f"catch-bad-{np.random.default_rng().integers(1 << 30)}"
    with InferenceClient(inference_target) as client:
        client.upload(name, export(seed=1))
        with pytest.raises(TypeError, match=r"uint8 or float32, got float64.*astype\(np.float32\)"):
            client.act(name, np.zeros((1, 1, SIZE, SIZE)))
        with pytest.raises(grpc.RpcError) as wrong_shape:
            client.act(name, np.zeros((1, SIZE, SIZE), np.uint8))
        assert wrong_shape.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "[N, 1, 7, 7] uint8" in wrong_shape.value.details()

        # An opset newer than the bundled ONNX Runtime's is refused at upload, naming the fix.
        too_new = onnx.load_from_string(export(seed=1))
        too_new.opset_import[0].version = 23
        with pytest.raises(grpc.RpcError) as refused:
            client.upload(name, too_new.SerializeToString())
        assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "opset 23" in refused.value.details()
        assert "torch.onnx.export(..., dynamo=False, opset_version=17)" in refused.value.details()

        # Chunks larger than the contract's 1 MiB are refused.
        data = bytes(UPLOAD_CHUNK_BYTES + 1)
        header = inference_pb2.UploadHeader(model=name, size_bytes=len(data))
        with pytest.raises(grpc.RpcError) as big_chunk:
            client._stub.UploadModel(upload_messages(header, data, chunk_bytes=len(data)), timeout=30)
        assert big_chunk.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "1048576" in big_chunk.value.details()
        assert [v.version for v in {m.model: m for m in client.list_models()}[name].versions] == [1]


def test_tokens_and_tls(secure_inference):
    target, ca, token = (secure_inference[k] for k in ("target", "root_certificates", "token"))
    with InferenceClient(target, root_certificates=ca) as anonymous:
        assert anonymous.health() == "SERVING"  # health stays open for probes
        with pytest.raises(grpc.RpcError) as refused:
            anonymous.list_models()
        assert refused.value.code() == grpc.StatusCode.UNAUTHENTICATED
    with InferenceClient(target, root_certificates=ca, token=token) as client:
        client.upload("catch-tls", export(seed=1))
        frame = Catch(seed=0).reset()[None]
        np.testing.assert_allclose(client.act("catch-tls", frame).q_values,
                                   onnxruntime.InferenceSession(export(seed=1)).run(None, {"frames": frame})[0],
                                   rtol=1e-5, atol=1e-6)
    with InferenceClient(target.replace("localhost", "127.0.0.1"), token=token, timeout_s=5) as plain:
        with pytest.raises(grpc.RpcError) as no_tls:
            plain.list_models()
        assert no_tls.value.code() == grpc.StatusCode.UNAVAILABLE
