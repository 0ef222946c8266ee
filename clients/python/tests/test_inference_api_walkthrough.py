"""The Python walkthrough of docs/inference-api.md, run as written against the started services."""

import os
import re
import subprocess
import sys

SECTION = "## From Python"


def walkthrough(page_text: str) -> str:
    assert SECTION in page_text, f"the page has no section {SECTION!r}"
    section = page_text[page_text.index(SECTION):]
    end = section.find("\n## ", len(SECTION))
    section = section if end < 0 else section[:end]
    blocks = re.findall(r"^```python\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"the section should hold one Python block, it holds {len(blocks)}"
    return blocks[0]


def test_inference_api_walkthrough_runs_as_written(inference_api_page, env_target, inference_target,
                                                    tmp_path):
    code = walkthrough(inference_api_page.read_text())
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
