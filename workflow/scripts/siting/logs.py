"""Logging and error handling for the per-rule scripts.

Modules never configure logging; scripts do, through :func:`script_logging`, which sends records to the
rule's ``log:`` file and to the console, turns a :class:`~siting.errors.SitingError` into one clear
message (no traceback) and a non-zero exit, and removes partial outputs.
"""

from __future__ import annotations

import contextlib
import logging
import shutil
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from siting.errors import SitingError

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(log_path: str | Path | None, *, level: int = logging.INFO) -> logging.Logger:
    """Log to ``log_path`` (created, truncated) and to stderr; return the script's logger."""
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=level, format=FORMAT, handlers=handlers, force=True)
    logging.captureWarnings(True)
    return logging.getLogger("siting.script")


def _remove(paths: Iterable[str | Path]) -> None:
    for p in map(Path, paths):
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        elif p.exists() or p.is_symlink():
            p.unlink(missing_ok=True)


@contextlib.contextmanager
def script_logging(snakemake) -> Iterator[logging.Logger]:
    """Context for a rule script: logging set up, user errors reported cleanly, partial outputs removed.

    Example
    -------
    >>> with script_logging(snakemake) as log:          # doctest: +SKIP
    ...     log.info("building region")
    """
    log_path = snakemake.log[0] if len(snakemake.log) else None
    logger = configure(log_path)
    logger.info("rule %s", snakemake.rule)
    try:
        yield logger
    except SitingError as err:
        logger.error("%s", err)
        _remove(snakemake.output)
        sys.exit(1)
    except Exception:
        logger.exception("unexpected error in rule %s", snakemake.rule)
        _remove(snakemake.output)
        raise
