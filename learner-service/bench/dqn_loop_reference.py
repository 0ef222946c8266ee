#!/usr/bin/env python3
"""The project's single-process DQN loop in PyTorch: what `scripts/bench.sh loop` sets beside
`./dqn train pong` to compare training throughput with learning on (same machine, same minute).

Everything happens in one Python process on one gymnasium Atari env (AtariPreprocessing: frame
skip 4, 84x84 grayscale, up to 30 no-ops after a reset, no terminal on a lost life; 4 frames
stacked as FrameStackObservation stacks them). Each env step:
  act    epsilon-greedy; the network runs (batch 1) only when the action is greedy
  step   one env step
  store  the new 84x84 frame into the replay, once
and with learning on, every --train-freq env steps one update on --batch transitions:
  sample    uniform, the 4-frame states rebuilt from the stored frames
  target    r + gamma * max_a Q_target(s', a) * (1 - terminal)   (no gradients; no Double DQN)
  online    Q(s, a), Huber loss, backward, gradient norm clipped to --max-grad-norm, Adam step
and every --target-period env steps the target network becomes a copy of the online one.

Measuring: --learning-starts env steps at random fill the replay, then the loop runs for
--seconds with learning on at epsilon --measure-epsilon and prints one JSON line (stdout):
  learning_phase_env_steps_per_s   env steps per second of the learning phase
  update_ms_median                 one update, sampling the batch included
  sample_ms_median                 the sampling part of it
  act_ms_median                    one greedy action (batch-1 forward)
  env_step_ms_median               one env step (4 emulator frames and the preprocessing)
  learner_bound_env_steps_per_s    train_freq / update time: the rate if updates were all it did
with the run's settings, the torch version and the 1-minute load average beside them.

--precision bfloat16 runs every forward pass under torch.autocast("cpu", dtype=torch.bfloat16)
(PyTorch's CPU mixed precision, to set beside the learner's bfloat16 mode); parameters, Adam's
state and the loss stay float32.

    python learner-service/bench/dqn_loop_reference.py --net nips --threads 1 --seconds 90
    python learner-service/bench/dqn_loop_reference.py --net nature --precision bfloat16
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time

import ale_py
import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

gym.register_envs(ale_py)

STACK = 4
SIDE = 84


class QNetwork(nn.Module):
    """Q-values for a [N, 4, 84, 84] uint8 batch; pixels scaled to [0, 1] here."""

    def __init__(self, net: str, actions: int):
        super().__init__()
        if net == "nips":  # Mnih et al. 2013, "Playing Atari with Deep Reinforcement Learning"
            convs, hidden = [(16, 8, 4), (32, 4, 2)], 256
        elif net == "nature":  # Mnih et al. 2015, "Human-level control through deep RL"
            convs, hidden = [(32, 8, 4), (64, 4, 2), (64, 3, 1)], 512
        else:
            raise ValueError(f"network {net!r}: nips or nature")
        layers, channels, side = [], STACK, SIDE
        for out, kernel, stride in convs:
            layers += [nn.Conv2d(channels, out, kernel, stride), nn.ReLU()]
            channels, side = out, (side - kernel) // stride + 1
        layers += [nn.Flatten(), nn.Linear(channels * side * side, hidden), nn.ReLU(),
                   nn.Linear(hidden, actions)]
        self.layers = nn.Sequential(*layers)

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.layers(pixels.float() * (1.0 / 255.0))


class FrameRing:
    """A replay that keeps each preprocessed frame once, in a ring of `capacity` slots.

    Slot i (an absolute count; the ring position is i % capacity) holds the frame seen after
    env step i, or an episode's first frame after a reset. `age[i]` is how many steps into its
    episode that frame is (0 for a reset frame, which no transition leads into). The stack that
    ends at slot i takes the frames i-3..i of the same episode, oldest first, and repeats the
    episode's first frame where the episode is younger than the stack (reset padding).
    """

    def __init__(self, capacity: int):
        if capacity < 2 * STACK:
            raise ValueError(f"--buffer {capacity}: at least {2 * STACK}")
        self.capacity = capacity
        self.frames = np.zeros((capacity, SIDE, SIDE), np.uint8)
        self.action = np.zeros(capacity, np.int64)
        self.reward = np.zeros(capacity, np.float32)
        self.terminal = np.zeros(capacity, np.float32)
        self.age = np.zeros(capacity, np.int64)
        self.written = 0  # slots ever written
        self._back = np.arange(STACK - 1, -1, -1)  # 3, 2, 1, 0: oldest frame first

    def _write(self, frame, age: int, action: int = 0, reward: float = 0.0, terminal: bool = False):
        slot = self.written % self.capacity
        self.frames[slot] = frame
        self.age[slot] = age
        self.action[slot] = action
        self.reward[slot] = reward
        self.terminal[slot] = terminal
        self.written += 1

    def begin_episode(self, frame) -> None:
        self._write(frame, 0)

    def add_step(self, frame, action: int, reward: float, terminal: bool) -> None:
        previous = self.age[(self.written - 1) % self.capacity]
        self._write(frame, previous + 1, action, reward, terminal)

    def _stacks(self, last: np.ndarray, age: np.ndarray) -> np.ndarray:
        """[len(last), 4, 84, 84]: the stacks ending at the absolute slots `last`."""
        slots = last[:, None] - np.minimum(self._back[None, :], age[:, None])
        return self.frames[slots % self.capacity]

    def newest_stack(self) -> np.ndarray:
        """The stack the agent sees now, [4, 84, 84]."""
        last = np.array([self.written - 1])
        return self._stacks(last, self.age[last % self.capacity])[0]

    def sample(self, batch: int, rng: np.random.Generator):
        """`batch` transitions drawn uniformly: states, actions, rewards, next states, terminals."""
        oldest = max(0, self.written - self.capacity)
        chosen = np.empty(0, np.int64)
        while chosen.size < batch:
            slots = rng.integers(oldest, self.written, size=2 * batch)
            age = self.age[slots % self.capacity]
            # A step (not a reset frame) whose oldest frame, padding included, is still stored.
            keep = (age > 0) & (slots - np.minimum(age, STACK) >= oldest)
            chosen = np.concatenate([chosen, slots[keep]])
        chosen = chosen[:batch]
        ring = chosen % self.capacity
        age = self.age[ring]
        states = self._stacks(chosen - 1, age - 1)
        next_states = self._stacks(chosen, age)
        return states, self.action[ring], self.reward[ring], next_states, self.terminal[ring]


def median_ms(seconds: list[float]) -> float:
    return statistics.median(seconds) * 1e3 if seconds else float("nan")


def main() -> int:
    ap = argparse.ArgumentParser(
        description="Single-process PyTorch DQN on one Atari env: env steps per second with learning on.")
    ap.add_argument("--env", default="PongNoFrameskip-v4", help="a gymnasium Atari id without frame skip")
    ap.add_argument("--net", choices=["nips", "nature"], default="nips")
    ap.add_argument("--precision", choices=["float32", "bfloat16"], default="float32",
                    help="bfloat16: forward passes under torch.autocast on the CPU; loss and Adam in float32")
    ap.add_argument("--threads", type=int, default=1, help="torch intra-op threads")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--buffer", type=int, default=100_000, help="replay capacity in env steps")
    ap.add_argument("--learning-starts", type=int, default=10_000, help="random env steps before learning")
    ap.add_argument("--train-freq", type=int, default=4, help="env steps per update")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--target-period", type=int, default=1_000, help="env steps between target syncs")
    ap.add_argument("--lr", type=float, default=1e-4, help="Adam's learning rate")
    ap.add_argument("--adam-eps", type=float, default=1.5e-4, help="Adam's epsilon (the learner's)")
    ap.add_argument("--gamma", type=float, default=0.99)
    ap.add_argument("--max-grad-norm", type=float, default=10.0)
    ap.add_argument("--seconds", type=float, default=120.0, help="length of the measured learning phase")
    ap.add_argument("--measure-epsilon", type=float, default=0.01, help="epsilon while learning")
    ap.add_argument("--json", default="", help="also write the result to this file")
    args = ap.parse_args()
    if args.learning_starts < args.batch:
        ap.error(f"--learning-starts {args.learning_starts} is below --batch {args.batch}")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    if args.precision == "bfloat16":
        def mixed():
            return torch.autocast("cpu", dtype=torch.bfloat16)
    else:
        mixed = contextlib.nullcontext

    env = gym.wrappers.AtariPreprocessing(
        gym.make(args.env), noop_max=30, frame_skip=4, screen_size=SIDE,
        terminal_on_life_loss=False, grayscale_obs=True, scale_obs=False)
    actions = int(env.action_space.n)
    online = QNetwork(args.net, actions)
    target = QNetwork(args.net, actions)
    target.load_state_dict(online.state_dict())
    target.requires_grad_(False)
    adam = torch.optim.Adam(online.parameters(), lr=args.lr, eps=args.adam_eps)
    replay = FrameRing(args.buffer)

    def update() -> float:
        """One gradient step; returns the seconds spent sampling."""
        t0 = time.perf_counter()
        s, a, r, s_next, terminal = replay.sample(args.batch, rng)
        s, s_next = torch.from_numpy(s), torch.from_numpy(s_next)
        a, r, terminal = torch.from_numpy(a), torch.from_numpy(np.sign(r)), torch.from_numpy(terminal)
        sampled = time.perf_counter() - t0
        with torch.no_grad():
            with mixed():
                best_next = target(s_next).max(dim=1).values
            goal = r + args.gamma * best_next.float() * (1.0 - terminal)
        with mixed():
            q = online(s)
        q_taken = q.float().gather(1, a.unsqueeze(1)).squeeze(1)
        loss = F.smooth_l1_loss(q_taken, goal)
        adam.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(online.parameters(), args.max_grad_norm)
        adam.step()
        return sampled

    frame, _ = env.reset(seed=args.seed)
    replay.begin_episode(frame)
    update_s, sample_s, act_s, env_s = [], [], [], []
    steps = updates = episodes = 0
    learn_steps, learn_began = 0, None

    while True:
        learning = steps >= args.learning_starts
        if learning and learn_began is None:
            learn_began = time.perf_counter()
            print(f"dqn_loop_reference: replay holds {steps} steps; learning for {args.seconds:g} s",
                  file=sys.stderr, flush=True)
        epsilon = args.measure_epsilon if learning else 1.0
        if rng.random() < epsilon:
            action = int(rng.integers(actions))
        else:
            t0 = time.perf_counter()
            with torch.no_grad(), mixed():
                q = online(torch.from_numpy(replay.newest_stack()).unsqueeze(0))
            action = int(q.argmax(dim=1).item())
            act_s.append(time.perf_counter() - t0)

        t0 = time.perf_counter()
        frame, reward, terminated, truncated, _ = env.step(action)
        env_s.append(time.perf_counter() - t0)
        replay.add_step(frame, action, float(reward), bool(terminated))
        steps += 1
        if terminated or truncated:
            episodes += 1
            frame, _ = env.reset()
            replay.begin_episode(frame)

        if not learning:
            continue
        learn_steps += 1
        if steps % args.train_freq == 0:
            t0 = time.perf_counter()
            sample_s.append(update())
            update_s.append(time.perf_counter() - t0)
            updates += 1
        if steps % args.target_period == 0:
            target.load_state_dict(online.state_dict())
        if time.perf_counter() - learn_began >= args.seconds:
            break

    elapsed = time.perf_counter() - learn_began
    update_ms = median_ms(update_s)
    result = {
        "env": args.env,
        "net": args.net,
        "precision": args.precision,
        "threads": args.threads,
        "batch": args.batch,
        "train_freq": args.train_freq,
        "learning_phase_seconds": round(elapsed, 2),
        "learning_phase_env_steps": learn_steps,
        "learning_phase_updates": updates,
        "learning_phase_env_steps_per_s": round(learn_steps / elapsed, 1),
        "update_ms_median": round(update_ms, 2),
        "sample_ms_median": round(median_ms(sample_s), 3),
        "act_ms_median": round(median_ms(act_s), 3),
        "env_step_ms_median": round(median_ms(env_s), 3),
        "learner_bound_env_steps_per_s": round(args.train_freq / (update_ms / 1e3), 1),
        "episodes": episodes,
        "torch": torch.__version__,
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(result), flush=True)
    if args.json:
        with open(args.json, "w") as out:
            json.dump(result, out, indent=1)
            out.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
