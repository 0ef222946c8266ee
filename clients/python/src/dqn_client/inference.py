"""The inference-service's client: actions (one call, or a stream), uploads, metadata, live versions.

Every call has a deadline. A failure raises the ``grpc.RpcError`` the server answered with; its
``code()`` and ``details()`` say what to fix (e.g. INVALID_ARGUMENT naming the expected
observation signature).
"""

from __future__ import annotations

import hashlib
import itertools
import queue
from dataclasses import dataclass
from os import PathLike
from pathlib import Path
from typing import Iterator, Mapping

import grpc
import numpy as np

from dqn_client import _channels, health
from dqn_client.tensors import to_tensor
from dqn_client.v1 import inference_pb2, inference_pb2_grpc

# The service accepts upload chunks of at most 1 MiB (the contract's UploadModelRequest.chunk).
UPLOAD_CHUNK_BYTES = 1 << 20


@dataclass(frozen=True)
class ActResult:
    """One Act answer as arrays."""

    model_version: int
    q_values: np.ndarray        # [N, A] float32
    greedy_actions: np.ndarray  # [N] int32, argmax of each row
    actions: np.ndarray         # [N] int32, epsilon-greedy when epsilon was given, else greedy


class InferenceClient:
    """A client of one inference-service; use it as a context manager or call ``close()``.

    Args:
        target: ``host:port`` of the service, e.g. ``"127.0.0.1:50054"``.
        token: bearer token sent with every call when the service requires one (the value of one
            of the server's ``DQN_INFERENCE_AUTH_TOKENS``).
        root_certificates: PEM bytes of the CA to trust for TLS; ``tls=True`` without them trusts
            the system's roots.
        timeout_s: deadline of each call, and of a whole upload.
    """

    def __init__(self, target: str, *, token: str | None = None,
                 root_certificates: bytes | None = None, tls: bool = False,
                 timeout_s: float = 30.0):
        self.target = target
        self._metadata = _channels.bearer_metadata(token)
        self._channel = _channels.open_channel(target, root_certificates, tls)
        self._stub = inference_pb2_grpc.InferenceServiceStub(self._channel)
        self._timeout_s = timeout_s

    def __enter__(self) -> InferenceClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._channel.close()

    def health(self) -> str:
        """The server's gRPC health status, "SERVING" when it is ready (open even with tokens)."""
        return health.check(self._channel, timeout_s=self._timeout_s)

    def upload(self, model: str, onnx: bytes | str | PathLike, *, make_live: bool = False,
               properties: Mapping[str, str] | None = None) -> inference_pb2.ModelVersionInfo:
        """Uploads an ONNX file (bytes or a path) as the model's next version: a header with its
        size and SHA-256, which the service checks, then 1 MiB chunks. A model's first version
        goes live whatever ``make_live`` says."""
        data = bytes(onnx) if isinstance(onnx, (bytes, bytearray, memoryview)) else Path(onnx).read_bytes()
        header = inference_pb2.UploadHeader(
            model=model, make_live=make_live, size_bytes=len(data),
            sha256=hashlib.sha256(data).hexdigest(), properties=dict(properties or {}))
        return self._stub.UploadModel(upload_messages(header, data), timeout=self._timeout_s,
                                      metadata=self._metadata)

    def metadata(self, model: str, version: int = 0) -> inference_pb2.ModelMetadata:
        """What a version expects and returns (input shape with -1 for the batch, dtype, actions);
        version 0 is the live one."""
        return self._stub.GetModelMetadata(
            inference_pb2.GetModelMetadataRequest(model=model, version=version),
            timeout=self._timeout_s, metadata=self._metadata)

    def act(self, model: str, observations: np.ndarray, *, version: int = 0,
            epsilon: float | None = None, seed: int | None = None) -> ActResult:
        """Q-values and actions for a batch ``[N, ...]`` of uint8 or float32 observations (uint8
        frames unscaled). With ``epsilon``, actions are epsilon-greedy, reproducible with ``seed``."""
        response = self._stub.Act(act_request(model, observations, version, epsilon, seed),
                                  timeout=self._timeout_s, metadata=self._metadata)
        return act_result(response)

    def act_stream(self) -> ActStream:
        """A bidirectional ActStream for one caller thread (one request in flight at a time)."""
        return ActStream(self._stub, self._metadata)

    def list_models(self) -> list[inference_pb2.ModelInfo]:
        """The models, sorted by name, each with its live version and stored versions (newest first)."""
        return list(self._stub.ListModels(inference_pb2.ListModelsRequest(),
                                          timeout=self._timeout_s, metadata=self._metadata).models)

    def set_live(self, model: str, version: int) -> inference_pb2.ModelVersionInfo:
        """Makes a stored version the live one."""
        return self._stub.SetLiveVersion(
            inference_pb2.SetLiveVersionRequest(model=model, version=version),
            timeout=self._timeout_s, metadata=self._metadata)

    def download(self, model: str, version: int = 0) -> tuple[inference_pb2.ModelVersionInfo, bytes]:
        """A stored version's ONNX file (version 0: the live one) and its description, checked
        against the size and SHA-256 the service sends first.

        Raises:
            ValueError: when the bytes do not match their header.
        """
        parts = self._stub.DownloadModel(
            inference_pb2.DownloadModelRequest(model=model, version=version),
            timeout=self._timeout_s, metadata=self._metadata)
        info = None
        chunks = []
        for part in parts:
            if part.HasField("header"):
                info = part.header
            else:
                chunks.append(part.chunk)
        data = b"".join(chunks)
        if info is None or len(data) != info.size_bytes or hashlib.sha256(data).hexdigest() != info.sha256:
            raise ValueError(f"the download of '{model}' does not match its header: {len(data)} bytes")
        return info, data

    def roll_back(self, model: str) -> inference_pb2.ModelVersionInfo:
        """Makes the newest stored version older than the live one live.

        Raises:
            LookupError: when the model is unknown or has no stored version older than the live one.
        """
        info = next((m for m in self.list_models() if m.model == model), None)
        if info is None:
            raise LookupError(f"the inference-service at {self.target} has no model '{model}'")
        older = [v.version for v in info.versions if v.version < info.live_version]
        if not older:
            raise LookupError(f"model '{model}' has no stored version older than its live "
                              f"version {info.live_version} to roll back to")
        return self.set_live(model, max(older))


class ActStream:
    """One ActStream call: ``act`` sends a request and waits for its answer. After a failure the
    next ``act`` opens a new call. Use it as a context manager or call ``close()``.

    The call has no deadline (it lives as long as the caller plays): the service answers every
    request in order, or ends the call with the status of the first bad one.
    """

    _END = object()

    def __init__(self, stub: inference_pb2_grpc.InferenceServiceStub, metadata):
        self._stub = stub
        self._metadata = metadata
        self._request_ids = itertools.count(1)
        self._requests: queue.Queue | None = None
        self._call = None

    def __enter__(self) -> ActStream:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def act(self, model: str, observations: np.ndarray, *, version: int = 0,
            epsilon: float | None = None, seed: int | None = None) -> ActResult:
        request = act_request(model, observations, version, epsilon, seed)
        request.request_id = next(self._request_ids)
        if self._call is None:
            self._requests = queue.Queue()
            self._call = self._stub.ActStream(self._pending(self._requests), metadata=self._metadata)
        self._requests.put(request)
        try:
            response = self._next_answer()
        except BaseException:
            self.close()
            raise
        if response.request_id != request.request_id:
            self.close()
            raise RuntimeError(f"ActStream answered request {response.request_id} "
                               f"for request {request.request_id}")
        return act_result(response)

    def close(self) -> None:
        """Ends the call (idempotent)."""
        if self._call is not None:
            self._requests.put(self._END)
            self._call.cancel()
            self._call = None

    def _next_answer(self) -> inference_pb2.ActResponse:
        try:
            return next(self._call)
        except StopIteration:
            raise RuntimeError("the inference-service closed the action stream") from None

    @classmethod
    def _pending(cls, requests: queue.Queue) -> Iterator[inference_pb2.ActRequest]:
        while (request := requests.get()) is not cls._END:
            yield request


def upload_messages(header: inference_pb2.UploadHeader, data: bytes,
                    chunk_bytes: int = UPLOAD_CHUNK_BYTES) -> Iterator[inference_pb2.UploadModelRequest]:
    """The messages of one upload: the header, then the file in slices of ``chunk_bytes``."""
    yield inference_pb2.UploadModelRequest(header=header)
    for offset in range(0, len(data), chunk_bytes):
        yield inference_pb2.UploadModelRequest(chunk=data[offset:offset + chunk_bytes])


def act_request(model: str, observations: np.ndarray, version: int = 0,
                epsilon: float | None = None, seed: int | None = None) -> inference_pb2.ActRequest:
    request = inference_pb2.ActRequest(model=model, version=version,
                                       observations=to_tensor(observations))
    if epsilon is not None:
        request.epsilon = epsilon
    if seed is not None:
        request.seed = seed
    return request


def act_result(response: inference_pb2.ActResponse) -> ActResult:
    return ActResult(
        model_version=response.model_version,
        q_values=np.asarray(response.q_values, dtype=np.float32).reshape(-1, response.num_actions),
        greedy_actions=np.asarray(response.greedy_actions, dtype=np.int32),
        actions=np.asarray(response.actions, dtype=np.int32))
