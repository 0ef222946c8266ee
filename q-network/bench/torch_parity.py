"""PyTorch parity and timing reference for the ONNX Q-models written by dqn-q-network.

For each file it builds a PyTorch nn.Module from the file's dqn.* metadata, whose attribute names
follow the parameter naming scheme of QNetworkSpec (conv1, fc1, out, value.fc, advantage.out, ...),
loads the ONNX initializers into it with load_state_dict(strict=True) -- so any name or shape that
differs from PyTorch's layout fails -- and compares PyTorch's Q-values with ONNX Runtime's on a
random probe batch. It then times both at batch 1 and 32 with one thread.

    mvn -B -o -q -pl q-network test-compile exec:java -Dexec.classpathScope=test \
        -Dexec.mainClass=dqn.qnetwork.bench.ExportExamples -Dexec.args=/tmp/qnet-examples
    python3 -m venv .cache/qnet-torch && .cache/qnet-torch/bin/pip install torch onnxruntime onnx numpy
    .cache/qnet-torch/bin/python q-network/bench/torch_parity.py /tmp/qnet-examples/*.onnx
"""
import os
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort
import torch
from onnx import numpy_helper
from torch import nn

CONV_STACKS = {
    "nips_2013": [(16, 8, 4), (32, 4, 2)],
    "nature_2015": [(32, 8, 4), (64, 4, 2), (64, 3, 1)],
    "mlp": [],
}


class Stream(nn.Module):
    """One dueling stream: hidden layer with ReLU, then the output layer."""

    def __init__(self, width, hidden, outputs):
        super().__init__()
        self.fc = nn.Linear(width, hidden)
        self.out = nn.Linear(hidden, outputs)

    def forward(self, x):
        return self.out(torch.relu(self.fc(x)))


class QNetwork(nn.Module):
    def __init__(self, meta):
        super().__init__()
        shape = [int(d) for d in meta["dqn.input_shape"].split(",")]
        hidden = [int(h) for h in meta["dqn.hidden_sizes"].split(",")]
        actions = int(meta["dqn.num_actions"])
        self.divisor = float(meta["dqn.input_divisor"])
        self.dueling = meta["dqn.dueling"] == "true"
        self.convs = []
        channels, size = shape[0], shape[1:]
        for i, (out, k, s) in enumerate(CONV_STACKS[meta["dqn.network"]]):
            setattr(self, f"conv{i + 1}", nn.Conv2d(channels, out, k, s))
            self.convs.append(f"conv{i + 1}")
            channels, size = out, [(d - k) // s + 1 for d in size]
        width = int(np.prod([channels] + size))
        shared = hidden[:-1] if self.dueling else hidden
        self.fcs = []
        for j, h in enumerate(shared):
            setattr(self, f"fc{j + 1}", nn.Linear(width, h))
            self.fcs.append(f"fc{j + 1}")
            width = h
        if self.dueling:
            self.value = Stream(width, hidden[-1], 1)
            self.advantage = Stream(width, hidden[-1], actions)
        else:
            self.out = nn.Linear(width, actions)

    def forward(self, x):
        x = x.float() / self.divisor
        for name in self.convs:
            x = torch.relu(getattr(self, name)(x))
        x = x.flatten(1)
        for name in self.fcs:
            x = torch.relu(getattr(self, name)(x))
        if not self.dueling:
            return self.out(x)
        advantage = self.advantage(x)
        return self.value(x) + advantage - advantage.mean(dim=1, keepdim=True)


def probe(meta, batch, rng):
    shape = [batch] + [int(d) for d in meta["dqn.input_shape"].split(",")]
    if meta["dqn.input_dtype"] == "uint8":
        return rng.integers(0, 256, size=shape, dtype=np.uint8)
    return rng.uniform(-3, 3, size=shape).astype(np.float32)


def median_ms(fn, runs):
    for _ in range(max(1, runs // 10)):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return float(np.median(times))


def main(paths):
    torch.set_num_threads(1)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    rng = np.random.default_rng(0)
    print(f"load average at start: {os.getloadavg()}  torch {torch.__version__}  onnxruntime {ort.__version__}")
    print(f"{'file':28} {'max|torch-ort|':>15} {'torch b1 ms':>12} {'ort b1 ms':>10} {'torch b32 ms':>13} {'ort b32 ms':>11}")
    worst = 0.0
    for path in paths:
        model = onnx.load(path)
        meta = {p.key: p.value for p in model.metadata_props}
        net = QNetwork(meta).eval()
        state = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
                 for t in model.graph.initializer if t.name != "input_divisor"}
        net.load_state_dict(state, strict=True)
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        x = probe(meta, 3, rng)
        with torch.no_grad():
            expected = net(torch.from_numpy(x)).numpy()
        actual = session.run(["q_values"], {"observations": x})[0]
        diff = float(np.abs(expected - actual).max())
        worst = max(worst, diff)
        timings = []
        for batch, runs in ((1, 500), (32, 50)):
            xb = probe(meta, batch, rng)
            tb = torch.from_numpy(xb)
            with torch.no_grad():
                timings.append(median_ms(lambda: net(tb), runs))
            timings.append(median_ms(lambda: session.run(["q_values"], {"observations": xb}), runs))
        print(f"{os.path.basename(path):28} {diff:15.2e} {timings[0]:12.3f} {timings[1]:10.3f} "
              f"{timings[2]:13.3f} {timings[3]:11.3f}")
    print(f"load average at end: {os.getloadavg()}")
    if worst > 1e-4:
        sys.exit(f"PyTorch and ONNX Runtime differ by {worst:.2e} > 1e-4")


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1:])
