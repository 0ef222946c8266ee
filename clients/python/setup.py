"""Generates the dqn.v1 gRPC code from the repository's proto/ folder while the package builds.

The generated modules are written into the build folder as ``dqn_client.v1`` (never into the
source tree), with protoc's absolute imports (``from dqn.v1 import ...``) pointed at that package,
so the wheel is self-contained and cannot clash with another package named ``dqn``.
"""

import re
import tempfile
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
PROTO_ROOT = HERE.parent.parent / "proto" / "src" / "main" / "proto"
PROTO_PACKAGE = Path("dqn") / "v1"
IMPORT = re.compile(r"^from dqn\.v1 import ", re.MULTILINE)


def generate(out_package: Path) -> None:
    from grpc_tools import protoc  # a build requirement (pyproject.toml)

    protos = sorted((PROTO_ROOT / PROTO_PACKAGE).glob("*.proto"))
    if not protos:
        raise RuntimeError(
            f"no .proto files in {PROTO_ROOT / PROTO_PACKAGE}: build dqn-client from a clone of "
            "the dqn repository (pip install ./clients/python from its root)")
    include = Path(protoc.__file__).parent / "_proto"  # google/protobuf/*.proto
    with tempfile.TemporaryDirectory() as scratch:
        args = ["protoc", f"-I{PROTO_ROOT}", f"-I{include}", f"--python_out={scratch}",
                f"--pyi_out={scratch}", f"--grpc_python_out={scratch}"]
        if protoc.main(args + [str(p.relative_to(PROTO_ROOT)) for p in protos]) != 0:
            raise RuntimeError(f"protoc failed on {PROTO_ROOT / PROTO_PACKAGE}")
        out_package.mkdir(parents=True, exist_ok=True)
        (out_package / "__init__.py").write_text('"""dqn.v1 messages and stubs, generated from proto/ at build time."""\n')
        for generated in sorted((Path(scratch) / PROTO_PACKAGE).iterdir()):
            text = IMPORT.sub("from dqn_client.v1 import ", generated.read_text())
            (out_package / generated.name).write_text(text)


class BuildPyWithProtos(build_py):
    def run(self):
        super().run()
        generate(Path(self.build_lib) / "dqn_client" / "v1")


setup(cmdclass={"build_py": BuildPyWithProtos})
