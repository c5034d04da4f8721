"""Fixtures of the browser tests: Debian's Chromium driven by playwright-core (from envs/node_modules).

Locally a missing Chromium, Node or playwright-core skips the tests with the reason; in CI (``CI=true``)
it fails them, so a CI machine without the browser never passes silently.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
NODE_MODULES = Path(os.environ.get("SITING_NODE_MODULES", REPO / "envs" / "node_modules"))
CHECK_SCRIPT = Path(__file__).with_name("check_pages.cjs")
SETUP_HINT = "install with: bash envs/browser-setup.sh (apt-get install chromium; npm ci --prefix envs)"


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the browser tests: {SETUP_HINT}")
    pytest.skip(f"{reason}; {SETUP_HINT}")


@pytest.fixture(scope="session")
def browser_tools() -> dict[str, str]:
    """Paths of chromium, node and playwright-core; skip (locally) or fail (CI) when one is missing."""
    chromium = os.environ.get("SITING_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        _missing("chromium is not installed (Debian package `chromium`)")
    node = shutil.which("node")
    if node is None:
        _missing("node is not installed")
    playwright = NODE_MODULES / "playwright-core"
    if not (playwright / "package.json").exists():
        _missing(f"playwright-core is not installed in {NODE_MODULES}")
    return {"chromium": chromium, "node": node, "playwright": str(playwright)}


@pytest.fixture(scope="session")
def open_pages(browser_tools, tmp_path_factory):
    """Open pages in one headless Chromium with the network off; returns ``run(specs) -> results``.

    Each spec is ``{"path", "screenshot", "enable": [layer labels], "search": text, "baseFilter": id,
    "fullPage": bool}``; each result has ``console``, ``pageErrors``, ``blocked`` (requests aborted),
    ``dom`` (layer-control labels, legend text, banner, controls …) and the screenshot path.
    """

    def run(specs: list[dict]) -> list[dict]:
        work = tmp_path_factory.mktemp("chromium")
        job = {
            "chromium": browser_tools["chromium"],
            "playwright": browser_tools["playwright"],
            "userDataDir": str(work / "user-data"),  # a new, empty profile
            "pages": specs,
        }
        job_path = work / "job.json"
        job_path.write_text(json.dumps(job), encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        proc = subprocess.run(
            [browser_tools["node"], str(CHECK_SCRIPT), str(job_path)],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise AssertionError(f"headless chromium failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
        return json.loads(proc.stdout)

    return run
