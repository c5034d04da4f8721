"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

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
