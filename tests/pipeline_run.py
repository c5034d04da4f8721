"""Run the Snakemake pipeline from tests, in a temporary working directory (nothing lands in the repo)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
TINY = ROOT / "tests" / "config" / "tiny.yaml"
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def snakemake(workdir: Path, *args: str, configfiles: list[Path] = (), check: bool = True):
    """``snakemake --directory workdir --cores 2 args… --configfile …``; raises with the output on failure."""
    cmd = [
        str(SNAKEMAKE),
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--cores",
        "2",
    ]
    cmd += list(args)
    if configfiles:  # last: --configfile takes every argument after it
        cmd += ["--configfile", *map(str, configfiles)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=900)
    if check and result.returncode != 0:
        raise AssertionError(f"snakemake failed:\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return result


def overlay(folder: Path, name: str, data: dict) -> Path:
    """Write a config overlay file and return its path."""
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path
