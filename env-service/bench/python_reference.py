#!/usr/bin/env python3
"""Python reference throughput for the env-service benchmark (dqn.env.bench.EnvThroughputBench).

Preprocessed Pong env steps per second with random actions, the standard DQN setup (frame skip
4 with max-pool, 84x84 grayscale, stack 4, up to 30 no-ops, repeat_action_probability 0):

  gym_1env   PongNoFrameskip-v4 + gymnasium AtariPreprocessing + FrameStackObservation(4),
             one env in this process
  vec_<N>env ale_py.vector_env.AtariVectorEnv("pong", N): ALE's own C++ vector environment
             with the same preprocessing in its worker threads (steps summed over the N envs)

Prints one line per case: "<case> <steps/s> <steps per CPU-second of this process>" (the CPU
figure does not depend on what else runs on the machine).
"""

import argparse
import time

import ale_py
import gymnasium as gym
import numpy as np


def gym_single(seconds: float, seed: int) -> tuple[float, float]:
    from gymnasium.wrappers import AtariPreprocessing, FrameStackObservation

    gym.register_envs(ale_py)
    env = FrameStackObservation(
        AtariPreprocessing(gym.make("PongNoFrameskip-v4"), noop_max=30, frame_skip=4,
                           screen_size=84, grayscale_obs=True), 4)
    env.action_space.seed(seed)
    env.reset(seed=seed)
    steps = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        _, _, terminated, truncated, _ = env.step(env.action_space.sample())
        steps += 1
        if terminated or truncated:
            env.reset()
        if steps % 256 == 0 and time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    env.close()
    return steps / elapsed, steps / cpu


def vector(seconds: float, seed: int, num_envs: int) -> tuple[float, float]:
    from ale_py.vector_env import AtariVectorEnv

    env = AtariVectorEnv(game="pong", num_envs=num_envs, frameskip=4, stack_num=4,
                         img_height=84, img_width=84, grayscale=True, maxpool=True,
                         noop_max=30, repeat_action_probability=0.0)
    env.action_space.seed(seed)
    env.reset(seed=seed)
    calls = 0
    start = time.perf_counter()
    cpu_start = time.process_time()
    while True:
        env.step(env.action_space.sample())
        calls += 1
        if calls % 64 == 0 and time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu_start
    env.close()
    return calls * num_envs / elapsed, calls * num_envs / cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vector-envs", type=int, default=8)
    args = parser.parse_args()
    np.random.seed(args.seed)
    rate, per_cpu = vector(args.seconds, args.seed, args.vector_envs)
    print(f"vec_{args.vector_envs}env {rate:.1f} {per_cpu:.1f}", flush=True)
    rate, per_cpu = gym_single(args.seconds, args.seed)
    print(f"gym_1env {rate:.1f} {per_cpu:.1f}", flush=True)


if __name__ == "__main__":
    main()
