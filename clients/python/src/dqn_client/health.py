"""The standard gRPC health check (grpc.health.v1.Health/Check) without grpcio-health-checking.

Its two messages are tiny, so they are encoded here by hand: the request carries the service
name as field 1 (a string), the answer its status as field 1 (an enum).
"""

from __future__ import annotations

import grpc

_CHECK = "/grpc.health.v1.Health/Check"
# grpc.health.v1.HealthCheckResponse.ServingStatus
STATUS_NAMES = {0: "UNKNOWN", 1: "SERVING", 2: "NOT_SERVING", 3: "SERVICE_UNKNOWN"}


def check(channel: grpc.Channel, service: str = "", timeout_s: float = 5.0) -> str:
    """The server's health status name, e.g. "SERVING"; "" asks for the whole server."""
    call = channel.unary_unary(_CHECK, request_serializer=_encode_request,
                               response_deserializer=_decode_status)
    return STATUS_NAMES.get(call(service, timeout=timeout_s), "UNKNOWN")


def _encode_request(service: str) -> bytes:
    name = service.encode()
    return b"\x0a" + _varint(len(name)) + name if name else b""


def _decode_status(answer: bytes) -> int:
    # The answer holds at most field 1 (tag 0x08) with a varint; absent means 0 (UNKNOWN).
    if not answer:
        return 0
    if answer[0] != 0x08:
        raise ValueError(f"unexpected health answer {answer!r}")
    status, shift = 0, 0
    for byte in answer[1:]:
        status |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            break
    return status


def _varint(value: int) -> bytes:
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)
