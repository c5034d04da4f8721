"""The pip and conda package lists name the same packages at the same versions."""

from pathlib import Path

import yaml

ENVS = Path(__file__).resolve().parents[2] / "envs"


def _pip(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if not line or line.startswith("-r"):
            continue
        name, version = line.split("==")
        out[name.lower()] = version
    return out


def _conda() -> dict[str, str]:
    env = yaml.safe_load((ENVS / "environment.yaml").read_text())
    out = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for line in dep["pip"]:
                name, version = line.split("==")
                out[name.lower()] = version
        elif "=" in dep and not dep.startswith("python"):
            name, version = dep.split("=", 1)
            out[name.lower()] = version
    return out


def test_pip_and_conda_lists_match():
    pip = _pip(ENVS / "requirements.txt") | _pip(ENVS / "requirements-test.txt")
    conda = _conda()
    assert pip == conda, {
        "only in pip": sorted(set(pip) - set(conda)),
        "only in conda": sorted(set(conda) - set(pip)),
        "different versions": sorted(k for k in set(pip) & set(conda) if pip[k] != conda[k]),
    }
