"""Addresses of the services under test, from the environment.

``PythonClientIT`` (this folder's Maven module) starts the packaged services on free ports and
runs pytest with these variables set; to run by hand, start the services and set them yourself.
"""

import os
from pathlib import Path

import pytest


def _required(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set: run these tests through PythonClientIT "
                    "(mvn -pl clients/python verify), or start the services and set it")
    return value


@pytest.fixture(scope="session")
def env_target() -> str:
    return _required("DQN_ENV_TARGET")


@pytest.fixture(scope="session")
def inference_target() -> str:
    return _required("DQN_INFERENCE_TARGET")


@pytest.fixture(scope="session")
def secure_inference() -> dict:
    """The inference-service started with TLS and a bearer token: its address, CA and token."""
    return {"target": _required("DQN_INFERENCE_TLS_TARGET"),
            "root_certificates": Path(_required("DQN_INFERENCE_TLS_CA")).read_bytes(),
            "token": _required("DQN_INFERENCE_TLS_TOKEN")}


@pytest.fixture(scope="session")
def inference_api_page() -> Path:
    """The documentation page whose Python walkthrough test_inference_api_walkthrough runs."""
    return Path(__file__).resolve().parents[3] / "docs" / "inference-api.md"
