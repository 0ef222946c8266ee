"""Gymnasium environments backed by the env-service's emulator sessions.

``RemoteAtariEnv`` is one session behind the ``gymnasium.Env`` API; ``RemoteAtariVectorEnv`` is
many sessions behind ``gymnasium.vector.VectorEnv``, all stepped in one ``Step`` call (the
service steps them in parallel on its workers). Observations are the service's preprocessed
stacks, uint8 ``[frame_stack, height, width]`` (``[4, 84, 84]`` by default), rewards the raw game
score change. Preprocessing options are the fields of ``dqn.v1.PreprocessingOptions``, e.g.
``{"noop_max": 0, "fire_on_reset": False, "terminal_on_life_loss": True}``; unset ones take the
service's standard DQN defaults.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import gymnasium as gym
import numpy as np
from gymnasium.vector import AutoresetMode, VectorEnv
from gymnasium.vector.utils import batch_space

from dqn_client import _channels
from dqn_client.tensors import from_tensor
from dqn_client.v1 import common_pb2, env_pb2, env_pb2_grpc

# Atari runs at 60 Hz and the default frame skip is 4.
_RENDER_FPS = 15


class _Sessions:
    """The env-service calls both environments make, with one deadline for each."""

    def __init__(self, target: str, root_certificates: bytes | None, tls: bool, timeout_s: float):
        self.target = target
        self.channel = _channels.open_channel(target, root_certificates, tls)
        self.stub = env_pb2_grpc.EnvServiceStub(self.channel)
        self.timeout_s = timeout_s

    def create(self, game: str, options: Mapping[str, Any] | None,
               seed: int | None) -> env_pb2.CreateSessionResponse:
        try:
            preprocessing = common_pb2.PreprocessingOptions(**dict(options or {}))
        except ValueError as e:
            fields = ", ".join(common_pb2.PreprocessingOptions.DESCRIPTOR.fields_by_name)
            raise ValueError(f"bad preprocessing options {dict(options)}: {e} (fields: {fields})") from None
        request = env_pb2.CreateSessionRequest(game=game, options=preprocessing)
        if seed is not None:
            request.seed = seed
        return self.stub.CreateSession(request, timeout=self.timeout_s)

    def reset(self, session_id: str, seed: int | None):
        request = env_pb2.ResetRequest(session_id=session_id)
        if seed is not None:
            request.seed = _seed(seed)
        return self.stub.Reset.future(request, timeout=self.timeout_s)

    def step(self, actions: Sequence[env_pb2.SessionAction]) -> list[env_pb2.StepResult]:
        return list(self.stub.Step(env_pb2.StepRequest(actions=actions), timeout=self.timeout_s).results)

    def frame(self, session_id: str) -> np.ndarray:
        answer = self.stub.GetFrame(env_pb2.GetFrameRequest(session_id=session_id), timeout=self.timeout_s)
        return np.frombuffer(answer.rgb, dtype=np.uint8).reshape(answer.height, answer.width, 3)

    def close(self, session_ids: Sequence[str]) -> None:
        try:
            for session_id in session_ids:
                self.stub.CloseSession(env_pb2.CloseSessionRequest(session_id=session_id),
                                       timeout=self.timeout_s)
        finally:
            self.channel.close()


def _seed(seed: int) -> int:
    if not isinstance(seed, (int, np.integer)) or not 0 <= seed < 1 << 64:
        raise ValueError(f"a seed is an int in [0, 2^64), got {seed!r}")
    return int(seed)


def _spaces(created: env_pb2.CreateSessionResponse) -> tuple[gym.spaces.Box, gym.spaces.Discrete]:
    observation = gym.spaces.Box(0, 255, tuple(created.observation_shape), np.uint8)
    return observation, gym.spaces.Discrete(len(created.actions))


def _info(result: env_pb2.StepResult) -> dict[str, Any]:
    # Keys as gymnasium's AtariEnv names them where they exist.
    info = {"lives": result.lives, "episode_frame_number": result.episode_frames,
            "life_lost": result.life_lost, "game_over": result.game_over,
            "clipped_reward": result.clipped_reward}
    if result.HasField("episode"):
        info["episode"] = {"r": result.episode.episode_return, "l": result.episode.steps,
                           "frames": result.episode.frames}
    return info


class RemoteAtariEnv(gym.Env):
    """One env-service session as a gymnasium environment.

    Args:
        game: ALE name of the game, e.g. ``"pong"`` (the service lists them with ListGames).
        target: ``host:port`` of the env-service.
        options: preprocessing settings (``dqn.v1.PreprocessingOptions`` field names).
        render_mode: ``"rgb_array"`` makes ``render()`` return the full-resolution RGB screen.
        root_certificates, tls: TLS as for ``InferenceClient``.
        timeout_s: deadline of each call.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": _RENDER_FPS}

    def __init__(self, game: str, target: str = "127.0.0.1:50051", *,
                 options: Mapping[str, Any] | None = None, render_mode: str | None = None,
                 root_certificates: bytes | None = None, tls: bool = False,
                 timeout_s: float = 30.0):
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.render_mode = render_mode
        self._sessions = _Sessions(target, root_certificates, tls, timeout_s)
        try:
            created = self._sessions.create(game, options, None)
        except BaseException:
            self._sessions.channel.close()
            raise
        self.session_id = created.session_id
        self.game = game
        self.action_meanings = [a.meaning for a in created.actions]
        self.options = created.options  # every default filled in
        self.observation_space, self.action_space = _spaces(created)
        self._closed = False

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        """Starts a new episode; a seed reloads the ROM and reseeds the session, as gymnasium's
        own Atari environments do, so the same seed gives the same episode."""
        super().reset(seed=seed)
        self._require_open()
        answer = self._sessions.reset(self.session_id, seed).result()
        # ResetResponse carries no frame count (no-ops and FIRE may have played some): lives only.
        return from_tensor(answer.observation), {"lives": answer.lives}

    def step(self, action):
        self._require_open()
        if not self.action_space.contains(action):
            raise ValueError(f"action {action!r} is not in {self.action_space} ({self.action_meanings})")
        result, = self._sessions.step([env_pb2.SessionAction(session_id=self.session_id, action=int(action))])
        return (from_tensor(result.observation), float(result.reward), result.terminated,
                result.truncated, _info(result))

    def render(self):
        """The current RGB screen, uint8 ``[210, 160, 3]`` for Atari (with render_mode "rgb_array")."""
        if self.render_mode is None:
            gym.logger.warn("render() without a render_mode: create the env with render_mode='rgb_array'")
            return None
        self._require_open()
        return self._sessions.frame(self.session_id)

    def close(self):
        """Closes the session and the channel (idempotent)."""
        if not getattr(self, "_closed", True):
            self._closed = True
            self._sessions.close([self.session_id])

    def _require_open(self):
        if self._closed:
            raise RuntimeError(f"the {self.game} environment (session {self.session_id}) is closed")


class RemoteAtariVectorEnv(VectorEnv):
    """``num_envs`` env-service sessions of one game, stepped together in one ``Step`` call.

    An episode that ends resets within the same step (``AutoresetMode.SAME_STEP``): the returned
    observation is the next episode's first, and ``info["final_obs"]``/``info["final_info"]``
    (masked by ``info["_final_obs"]``) hold the last observation and info of the ended one.
    ``reset(seed=s)`` seeds session ``k`` with ``s + k``; a list gives each session its seed.
    Other arguments as for ``RemoteAtariEnv``.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": _RENDER_FPS,
                "autoreset_mode": AutoresetMode.SAME_STEP}

    def __init__(self, game: str, num_envs: int, target: str = "127.0.0.1:50051", *,
                 options: Mapping[str, Any] | None = None, render_mode: str | None = None,
                 root_certificates: bytes | None = None, tls: bool = False,
                 timeout_s: float = 30.0):
        if not isinstance(num_envs, int) or num_envs < 1:
            raise ValueError(f"num_envs must be an int >= 1, got {num_envs!r}")
        if render_mode not in (None, *self.metadata["render_modes"]):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.num_envs = num_envs
        self.render_mode = render_mode
        self.game = game
        self._sessions = _Sessions(target, root_certificates, tls, timeout_s)
        self.session_ids: list[str] = []
        try:
            for _ in range(num_envs):
                created = self._sessions.create(game, options, None)
                self.session_ids.append(created.session_id)
        except BaseException:
            self._sessions.close(self.session_ids)
            raise
        self.action_meanings = [a.meaning for a in created.actions]
        self.options = created.options
        self.single_observation_space, self.single_action_space = _spaces(created)
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self._closed = False

    def reset(self, *, seed: int | Sequence[int] | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self._require_open()
        if seed is None:
            seeds = [None] * self.num_envs
        elif isinstance(seed, (int, np.integer)):
            seeds = [int(seed) + k for k in range(self.num_envs)]
        else:
            seeds = list(seed)
            if len(seeds) != self.num_envs:
                raise ValueError(f"{len(seeds)} seeds for {self.num_envs} environments")
        answers = [f.result() for f in [self._sessions.reset(s, k) for s, k in zip(self.session_ids, seeds)]]
        observations = np.stack([from_tensor(a.observation) for a in answers])
        infos = {}
        for k, answer in enumerate(answers):
            infos = self._add_info(infos, {"lives": answer.lives}, k)
        return observations, infos

    def step(self, actions):
        self._require_open()
        actions = np.asarray(actions)
        if actions.shape != (self.num_envs,) or not self.action_space.contains(actions.astype(np.int64)):
            raise ValueError(f"actions must be {self.num_envs} ints in [0, {self.single_action_space.n}),"
                             f" got {actions!r}")
        results = self._sessions.step([
            env_pb2.SessionAction(session_id=s, action=int(a), auto_reset=True)
            for s, a in zip(self.session_ids, actions)])
        observations = np.empty(self.observation_space.shape, np.uint8)
        rewards = np.empty(self.num_envs, np.float64)
        terminations = np.empty(self.num_envs, np.bool_)
        truncations = np.empty(self.num_envs, np.bool_)
        infos = {}
        for k, result in enumerate(results):
            info = _info(result)
            rewards[k], terminations[k], truncations[k] = result.reward, result.terminated, result.truncated
            if result.terminated or result.truncated:
                observations[k] = from_tensor(result.reset_observation)
                info = {"final_obs": from_tensor(result.observation), "final_info": info}
            else:
                observations[k] = from_tensor(result.observation)
            infos = self._add_info(infos, info, k)
        return observations, rewards, terminations, truncations, infos

    def render(self):
        """The current RGB screen of every session, as a tuple."""
        if self.render_mode is None:
            gym.logger.warn("render() without a render_mode: create the env with render_mode='rgb_array'")
            return None
        self._require_open()
        return tuple(self._sessions.frame(s) for s in self.session_ids)

    def __enter__(self) -> RemoteAtariVectorEnv:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close_extras(self, **kwargs):
        if not getattr(self, "_closed", True):
            self._closed = True
            self._sessions.close(self.session_ids)

    def _require_open(self):
        if self._closed:
            raise RuntimeError(f"the {self.game} vector environment is closed")
