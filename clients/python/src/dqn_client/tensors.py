"""dqn.v1 tensors to and from numpy arrays: raw row-major bytes, float32 little-endian."""

from __future__ import annotations

import numpy as np

from dqn_client.v1 import common_pb2

_TO_PROTO = {np.dtype(np.uint8): common_pb2.DTYPE_UINT8, np.dtype(np.float32): common_pb2.DTYPE_FLOAT32}
_FROM_PROTO = {common_pb2.DTYPE_UINT8: np.dtype(np.uint8), common_pb2.DTYPE_FLOAT32: np.dtype("<f4")}


def to_tensor(array: np.ndarray) -> common_pb2.Tensor:
    """A uint8 or float32 array as a Tensor; any other dtype is refused, never converted."""
    array = np.asarray(array)
    dtype = _TO_PROTO.get(array.dtype)
    if dtype is None:
        raise TypeError(
            f"observations must be uint8 or float32, got {array.dtype}: convert with "
            ".astype(np.float32), or pass uint8 frames unscaled (any /255 belongs in the model)")
    data = np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<")).tobytes()
    return common_pb2.Tensor(shape=array.shape, dtype=dtype, data=data)


def from_tensor(tensor: common_pb2.Tensor) -> np.ndarray:
    """A Tensor's elements as a read-only numpy array of its shape."""
    dtype = _FROM_PROTO.get(tensor.dtype)
    if dtype is None:
        raise ValueError(f"unsupported tensor dtype {common_pb2.DType.Name(tensor.dtype)}")
    return np.frombuffer(tensor.data, dtype=dtype).reshape(tuple(tensor.shape))
