#!/usr/bin/env python3
"""Writes bfloat16-cast.pt, the TorchScript module the learner casts tensors to and from bfloat16
with (dqn.learner.djl.BFloat16Cast).

Why a module at all: DJL's PyTorch engine maps only nine dtypes across its native boundary, and
bfloat16 is not one of them (NDArray.toType(BFLOAT16) ends the process), and its own casts record
no gradient. A scripted module run by libtorch casts in both directions with autograd recording,
so gradients flow back to the float32 parameters.

The file is committed; run this (with any torch >= 1.10) only to change the module:
  python3 learner-service/src/main/torchscript/bfloat16_cast.py \
      learner-service/src/main/resources/dqn/learner/djl/bfloat16-cast.pt
"""

import sys

import torch


class BFloat16Cast(torch.nn.Module):
    """bfloat16 in, float32 out; anything else (float32, uint8) in, bfloat16 out."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dtype == torch.bfloat16:
            return x.to(torch.float32)
        return x.to(torch.bfloat16)


if __name__ == "__main__":
    torch.jit.script(BFloat16Cast()).save(sys.argv[1])
