"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_server import LocalHTTPServer


@pytest.fixture
def http_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalHTTPServer]:
    """A :class:`http_server.LocalHTTPServer` on 127.0.0.1 for this test (proxies bypassed)."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    with LocalHTTPServer() as server:
        yield server


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory) -> Path:
    """The whole pipeline on the tiny config (two counties, synthetic inputs), run once per session."""
    from pipeline_run import TINY, snakemake

    workdir = tmp_path_factory.mktemp("tiny")
    snakemake(workdir, configfiles=[TINY])
    return workdir
