"""Fetch one file of a catalogued source: the right download method and format check per source kind.

This joins the catalogue (:mod:`siting.sources`), the HTTP layer (:mod:`siting.retrieve`) and the
format checks (:mod:`siting.verify`), so each retrieve rule script is a single call.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from siting import retrieve, verify
from siting.sources import BBox, get_source

NASA_POWER_KEYS = ("properties.parameter", "header")


def verifier(source_id: str, *, bounds_wgs84: BBox | None) -> Callable[[Path], object]:
    """The format check for a file of ``source_id`` (expected CRS, overlap with the region, format)."""
    src = get_source(source_id)
    if source_id == "hwsd2_raster":  # GDAL reads its ESRI .prj as OGC:CRS84, equivalent to EPSG:4326
        from siting import soil

        return partial(soil.check_smu_raster, bounds_overlap=bounds_wgs84)
    if src.kind in {"raster", "raster-window"}:
        return partial(verify.check_raster, expected_crs="EPSG:4326", bounds_overlap=bounds_wgs84)
    if src.kind == "raster-zip":
        return partial(
            verify.check_raster, expected_crs="EPSG:4326", bounds_overlap=bounds_wgs84, member=src.member
        )
    if src.kind == "json":
        return partial(verify.check_json_api, required_keys=NASA_POWER_KEYS)
    if src.kind == "vector":
        return partial(verify.check_vector, bounds_overlap=bounds_wgs84)
    if src.kind == "sqlite":
        return partial(verify.check_sqlite, table="HWSD2_LAYERS")
    raise ValueError(f"source {source_id!r} of kind {src.kind!r} is not downloadable")


def fetch(
    source_id: str,
    url: str,
    dest: str | Path,
    *,
    offline: bool,
    bounds_wgs84: BBox,
    window_wgs84: BBox | None = None,
    timeout_s: tuple[float, float] = retrieve.DEFAULT_TIMEOUT_S,
    retries: int = 4,
) -> Path:
    """Download (or, offline, require) one file of ``source_id`` to ``dest``, verified and atomic.

    Sources of kind ``raster-window`` (Global Wind Atlas) are read by window over HTTP: only
    ``window_wgs84`` travels. Raises :class:`~siting.errors.DownloadError` naming the URL and the local
    path where the file may be placed by hand.
    """
    src = get_source(source_id)
    check = verifier(source_id, bounds_wgs84=bounds_wgs84)
    if src.kind == "raster-window":
        return retrieve.read_window(
            url,
            dest,
            bounds_wgs84=window_wgs84 or bounds_wgs84,
            verify=check,
            offline=offline,
            timeout_s=timeout_s,
            retries=retries,
        )
    return retrieve.ensure(url, dest, offline=offline, verify=check, timeout_s=timeout_s, retries=retries)
