"""The root README's Python walkthrough, run as written against the started services."""

import os
import re
import subprocess
import sys

SECTION = "## Calling the inference API from your game"


def walkthrough(readme_text: str) -> str:
    section = readme_text[readme_text.index(SECTION):]
    section = section[:section.index("\n## ", len(SECTION))]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"the section should hold one Python block, it holds {len(blocks)}"
    return blocks[0]


def test_readme_walkthrough_runs_as_written(readme, env_target, inference_target, tmp_path):
    code = walkthrough(readme.read_text())
    environment = {**os.environ, "DQN_ENV_TARGET": env_target, "DQN_INFERENCE_TARGET": inference_target}
    environment.pop("DQN_INFERENCE_TOKEN", None)  # this service runs without tokens
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=environment,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "health: SERVING" in done.stdout, done.stdout
    assert re.search(r"^uploaded version \d+$", done.stdout, re.MULTILINE), done.stdout
    assert "input [-1, 4, 84, 84]" in done.stdout, done.stdout
    assert re.search(r"^Q-values \[.+\] score -?\d+\.0$", done.stdout, re.MULTILINE | re.DOTALL), done.stdout
    assert (tmp_path / "my-pong.onnx").stat().st_size > 0
