#!/usr/bin/env python3
"""Reference run for the env-service parity test (dqn.env.preprocess.GymParityTest).

Plays a seeded random action sequence on a NoFrameskip-v4 Atari game through gymnasium's
AtariPreprocessing (frame_skip 4, screen 84x84, grayscale, noop_max 0, no life-loss terminal)
and FrameStackObservation(4), resetting without a seed whenever an episode ends, and writes:

  <out>.tsv   a first line "# actions NOOP FIRE ...", then one line per observation:
              kind (reset|step), action, reward, terminated, truncated, lives,
              episode_frame_number (tab-separated; action and reward are 0 on resets)
  <out>.obs   the observations, uint8 [4, 84, 84] each, in line order

The Java test replays the same actions through AtariPreprocessor and compares everything.
"""

import argparse

import ale_py
import gymnasium as gym
import numpy as np
from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--game", required=True, help="gymnasium id stem, e.g. Pong")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--sticky", type=float, default=0.0, help="repeat_action_probability")
    parser.add_argument("--out", required=True, help="output path without extension")
    args = parser.parse_args()

    gym.register_envs(ale_py)
    env = gym.make(f"{args.game}NoFrameskip-v4", repeat_action_probability=args.sticky)
    env = AtariPreprocessing(env, noop_max=0, frame_skip=4, screen_size=84,
                             terminal_on_life_loss=False, grayscale_obs=True, scale_obs=False)
    env = FrameStackObservation(env, 4)
    actions = np.random.default_rng(args.seed).integers(0, env.action_space.n, size=args.steps)

    events = []
    with open(args.out + ".obs", "wb") as obs_file:
        def record(obs, info, **fields):
            assert obs.shape == (4, 84, 84) and obs.dtype == np.uint8, (obs.shape, obs.dtype)
            obs_file.write(np.ascontiguousarray(obs).tobytes())
            events.append([fields["kind"], fields.get("action", 0), fields.get("reward", 0.0),
                           int(fields.get("terminated", False)),
                           int(fields.get("truncated", False)), int(info["lives"]),
                           int(info["episode_frame_number"])])

        obs, info = env.reset(seed=args.seed)
        record(obs, info, kind="reset")
        for action in actions:
            obs, reward, terminated, truncated, info = env.step(int(action))
            record(obs, info, kind="step", action=int(action), reward=float(reward),
                   terminated=bool(terminated), truncated=bool(truncated))
            if terminated or truncated:
                obs, info = env.reset()
                record(obs, info, kind="reset")

    meanings = env.unwrapped.get_action_meanings()
    with open(args.out + ".tsv", "w") as tsv:
        tsv.write("# actions " + " ".join(meanings) + "\n")
        for event in events:
            tsv.write("\t".join(str(field) for field in event) + "\n")


if __name__ == "__main__":
    main()
