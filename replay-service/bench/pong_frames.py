"""Plays Pong with random actions through gymnasium's AtariPreprocessing and dumps the 84x84 frames
the replay-service benchmark inserts (real frames, so compression figures mean something).

File layout (little-endian): b"DQNF", int32 steps, int32 height, int32 width, then per step:
uint8 flags (1 episode start, 2 terminated, 4 truncated), uint8 action, float32 reward,
height*width uint8 frame.

    /work/main/.cache/pyenv/bin/python replay-service/bench/pong_frames.py --steps 200000 \
        --out .cache/replay-bench/pong-frames.bin
"""
import argparse
import struct
import sys
from pathlib import Path

import ale_py
import gymnasium as gym
import numpy as np
from gymnasium.wrappers import AtariPreprocessing

START, TERMINATED, TRUNCATED = 1, 2, 4


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=200_000, help="agent steps to record")
    parser.add_argument("--out", type=Path, required=True, help="output file")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    gym.register_envs(ale_py)
    # frameskip=1 in the emulator: AtariPreprocessing does the skip of 4 and the two-frame max.
    env = AtariPreprocessing(
        gym.make("ALE/Pong-v5", frameskip=1, repeat_action_probability=0.0),
        frame_skip=4, noop_max=30, screen_size=84, grayscale_obs=True)
    rng = np.random.default_rng(args.seed)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.open("wb") as out:
        out.write(b"DQNF" + struct.pack("<iii", args.steps, 84, 84))
        frame, _ = env.reset(seed=args.seed)
        out.write(struct.pack("<BBf", START, 0, 0.0) + frame.tobytes())
        for _ in range(args.steps - 1):
            if frame is None:
                frame, _ = env.reset()
                out.write(struct.pack("<BBf", START, 0, 0.0) + frame.tobytes())
                continue
            action = int(rng.integers(env.action_space.n))
            frame, reward, terminated, truncated, _ = env.step(action)
            flags = (TERMINATED if terminated else 0) | (TRUNCATED if truncated else 0)
            out.write(struct.pack("<BBf", flags, action, float(reward)) + frame.tobytes())
            if terminated or truncated:
                frame = None
    print(f"wrote {args.steps} steps to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
