"""The env-service session behind gymnasium's API: the checker, parity with gymnasium's own Atari
preprocessing, and the vector form."""

import warnings

import ale_py
import gymnasium as gym
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

from dqn_client import RemoteAtariEnv, RemoteAtariVectorEnv

# What gymnasium's AtariPreprocessing below does: no random no-ops, no FIRE press at reset.
GYM_LIKE = {"noop_max": 0, "fire_on_reset": False}


def test_passes_gymnasiums_env_checker(env_target):
    env = gym.make("dqn/RemoteAtari-v0", game="breakout", target=env_target, options=GYM_LIKE,
                   render_mode="rgb_array")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # the checker reports problems as warnings
            check_env(env.unwrapped)
        assert env.unwrapped.observation_space == gym.spaces.Box(0, 255, (4, 84, 84), np.uint8)
        assert env.unwrapped.action_meanings == ["NOOP", "FIRE", "RIGHT", "LEFT"]
        env.reset(seed=1)
        frame = env.render()
        assert frame.shape == (210, 160, 3) and frame.dtype == np.uint8 and frame.any()
    finally:
        env.close()
    env.close()  # closing twice is allowed


def test_bad_arguments_are_refused_with_the_fix(env_target):
    with pytest.raises(ValueError, match="fields: repeat_action_probability"):
        RemoteAtariEnv("pong", env_target, options={"frame_skipping": 4})
    with pytest.raises(ValueError, match="host:port"):
        RemoteAtariEnv("pong", "localhost")
    with RemoteAtariEnv("pong", env_target) as env:
        env.reset(seed=0)
        with pytest.raises(ValueError, match=r"not in Discrete\(6\)"):
            env.step(6)
    with pytest.raises(RuntimeError, match="is closed"):
        env.step(0)


@pytest.mark.parametrize("game, seed, steps, sticky",
                         [("Breakout", 5, 600, 0.0), ("Breakout", 11, 300, 0.25), ("Pong", 3, 300, 0.0)])
def test_observations_equal_gymnasiums_atari_preprocessing(env_target, game, seed, steps, sticky):
    gym.register_envs(ale_py)
    reference = FrameStackObservation(
        AtariPreprocessing(gym.make(f"{game}NoFrameskip-v4", repeat_action_probability=sticky),
                           noop_max=0, frame_skip=4, screen_size=84, terminal_on_life_loss=False,
                           grayscale_obs=True, scale_obs=False), 4)
    remote = RemoteAtariEnv(game.lower(), env_target,
                            options={**GYM_LIKE, "repeat_action_probability": sticky})
    try:
        actions = np.random.default_rng(seed).integers(0, reference.action_space.n, size=steps)
        assert remote.action_space == reference.action_space
        expected, expected_info = reference.reset(seed=seed)
        got, info = remote.reset(seed=seed)
        np.testing.assert_array_equal(got, expected)
        assert info["lives"] == expected_info["lives"]
        episodes = 0
        for step, action in enumerate(actions):
            expected, expected_reward, expected_end, expected_cut, expected_info = reference.step(action)
            got, reward, end, cut, info = remote.step(action)
            where = f"{game} seed {seed} step {step}"
            np.testing.assert_array_equal(got, expected, err_msg=where)
            assert (reward, end, cut) == (expected_reward, expected_end, expected_cut), where
            assert info["lives"] == expected_info["lives"], where
            assert info["episode_frame_number"] == expected_info["episode_frame_number"], where
            if end or cut:
                episodes += 1
                expected, _ = reference.reset()
                got, _ = remote.reset()
                np.testing.assert_array_equal(got, expected, err_msg=where + " reset")
        if (game, sticky) == ("Breakout", 0.0):
            assert episodes > 0, "the sequence should end an episode"
    finally:
        reference.close()
        remote.close()


def test_vector_env_steps_sessions_together_and_resets_in_the_same_step(env_target):
    # Truncation after 200 emulator frames (50 steps) ends every episode within the test.
    options = {**GYM_LIKE, "max_episode_frames": 200}
    with RemoteAtariVectorEnv("breakout", 3, env_target, options=options, render_mode="rgb_array") as envs:
        singles = [RemoteAtariEnv("breakout", env_target, options=options) for _ in range(3)]
        try:
            assert envs.single_action_space == gym.spaces.Discrete(4)
            assert envs.observation_space.shape == (3, 4, 84, 84)
            observations, infos = envs.reset(seed=20)
            for k, single in enumerate(singles):
                np.testing.assert_array_equal(observations[k], single.reset(seed=20 + k)[0])
            np.testing.assert_array_equal(infos["lives"], [5, 5, 5])
            rng = np.random.default_rng(0)
            ended = 0
            for step in range(60):
                actions = rng.integers(0, 4, size=3)
                observations, rewards, terminations, truncations, infos = envs.step(actions)
                for k, single in enumerate(singles):
                    expected, reward, end, cut, _ = single.step(actions[k])
                    assert (rewards[k], terminations[k], truncations[k]) == (reward, end, cut)
                    if end or cut:
                        ended += 1
                        assert infos["_final_obs"][k]
                        np.testing.assert_array_equal(infos["final_obs"][k], expected)
                        expected, _ = single.reset()
                    np.testing.assert_array_equal(observations[k], expected, err_msg=f"step {step} env {k}")
            assert ended == 3, "each session's episode is truncated once in 60 steps"
            frames = envs.render()
            assert [f.shape for f in frames] == [(210, 160, 3)] * 3
            np.testing.assert_array_equal(frames[1], singles[1].unwrapped._sessions.frame(singles[1].session_id))
        finally:
            for single in singles:
                single.close()
