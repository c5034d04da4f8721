"""Reading and writing pipeline files; every write is atomic (temporary name, then rename).

Only this module (and :mod:`siting.retrieve` for downloads) touches paths; the analysis modules take
and return arrays and (Geo)DataFrames.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyogrio

from siting.errors import InputError


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it onto ``path`` only if the block succeeds.

    The temporary file keeps the suffix of ``path`` so GDAL drivers recognise it. On error the
    temporary file is removed and nothing is left at ``path``.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # let the writer create it (some drivers refuse an existing empty file)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, path)
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_gpkg_layers(layers: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> None:
    """Write several layers into one GeoPackage, atomically."""
    with atomic_path(path) as tmp:
        for name, gdf in layers.items():
            gdf.to_file(tmp, layer=name, driver="GPKG", engine="pyogrio")


def read_gpkg_layer(path: str | Path, layer: str) -> gpd.GeoDataFrame:
    """Read one layer of a pipeline GeoPackage; a missing file or layer is an InputError."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist; run the rule that writes it (snakemake {path})")
    layers = [name for name, _ in pyogrio.list_layers(path)]
    if layer not in layers:
        raise InputError(f"{path} has no layer {layer!r} (layers: {layers}); delete it and re-run")
    return gpd.read_file(path, layer=layer, engine="pyogrio")


def write_json(obj: Any, path: str | Path) -> None:
    """Write JSON (UTF-8, indented, Chinese kept readable), atomically."""
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(obj, ensure_ascii=False, indent=2, default=str), encoding="utf-8")


def read_json(path: str | Path) -> Any:
    """Read a JSON file written by :func:`write_json`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
