"""Python clients of the dqn services.

- ``InferenceClient``: the inference-service (upload, metadata, act, act stream, list, set live,
  roll back, health), with bearer tokens and TLS.
- ``RemoteAtariEnv`` / ``RemoteAtariVectorEnv``: gymnasium environments backed by env-service
  sessions; also registered as ``gymnasium.make("dqn/RemoteAtari-v0", game=..., target=...)``.
"""

import gymnasium as _gym

from dqn_client.env import RemoteAtariEnv, RemoteAtariVectorEnv
from dqn_client.inference import UPLOAD_CHUNK_BYTES, ActResult, ActStream, InferenceClient

__all__ = ["InferenceClient", "ActStream", "ActResult", "UPLOAD_CHUNK_BYTES",
           "RemoteAtariEnv", "RemoteAtariVectorEnv"]

if "dqn/RemoteAtari-v0" not in _gym.registry:
    _gym.register(id="dqn/RemoteAtari-v0", entry_point="dqn_client.env:RemoteAtariEnv",
                  disable_env_checker=True)
