"""Channels to the dqn services: one place for addresses, message limits, TLS and bearer tokens."""

from __future__ import annotations

import grpc

# Largest answer accepted (as the Java client): a stacked Sample of 1,024 Atari transitions is ~58 MB.
MAX_RECEIVE_MESSAGE_BYTES = 64 << 20


def open_channel(target: str, root_certificates: bytes | None = None,
                 tls: bool = False) -> grpc.Channel:
    """A channel to ``host:port``: TLS when ``tls`` or ``root_certificates`` (PEM) is given
    (without certificates the system's trusted roots are used), plain text otherwise."""
    parse_target(target)
    options = [("grpc.max_receive_message_length", MAX_RECEIVE_MESSAGE_BYTES)]
    if tls or root_certificates is not None:
        credentials = grpc.ssl_channel_credentials(root_certificates=root_certificates)
        return grpc.secure_channel(target, credentials, options=options)
    return grpc.insecure_channel(target, options=options)


def bearer_metadata(token: str | None) -> tuple[tuple[str, str], ...]:
    """The ``authorization`` header for every call, or nothing without a token."""
    if token is None:
        return ()
    if not token.strip():
        raise ValueError("the bearer token is blank: pass None to send no token")
    return (("authorization", f"Bearer {token.strip()}"),)


def parse_target(target: str) -> tuple[str, int]:
    """Splits ``host:port`` (IPv6 hosts in brackets), refusing anything else."""
    if not isinstance(target, str):
        raise TypeError(f"a service address is a str host:port, got {type(target).__name__}")
    host, _, port_text = target.rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    port = int(port_text) if port_text.isdigit() else -1
    if not host or not 1 <= port <= 65535:
        raise ValueError(f"'{target}' is not a service address: expected host:port, e.g. 127.0.0.1:50054")
    return host, port
