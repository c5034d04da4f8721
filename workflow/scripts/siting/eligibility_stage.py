"""The eligibility stage of one technology: every tile in one process, tile by tile.

One Snakemake job per technology reads each tile's prepared rasters (only the bands its rules
need), evaluates the rules (:func:`siting.eligibility.evaluate_tile`), writes the tile's
eligibility and excluded-by rasters, and writes the same arrays straight into the province-wide
COGs, while the per-county areas are summed. Memory holds a few tiles at a time (``threads + 1``
in flight), never the province; start-up (imports, reading the region) is paid once, not per tile.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from siting import eligibility, grid, io, layers

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(func: Callable[[T], R], items: Iterable[T], *, threads: int) -> Iterator[R]:
    """``map(func, items)`` on ``threads`` threads, in order, with at most ``threads + 1`` in flight.

    Unlike :meth:`concurrent.futures.Executor.map`, which submits every item at once, results
    are not allowed to pile up, so memory stays bounded by the number of items in flight (one
    more than the threads, so that a thread can start while the oldest result is consumed).
    """
    if threads <= 1:
        yield from map(func, items)
        return
    with ThreadPoolExecutor(max_workers=threads) as pool:
        pending: deque = deque()
        for item in items:
            pending.append(pool.submit(func, item))
            if len(pending) > threads:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass(frozen=True)
class TileResult:
    """What one tile contributes: core arrays, the per-county summary and the layer sources."""

    tile: str
    eligible: np.ndarray
    excluded_by: np.ndarray
    summary: pd.DataFrame
    sources: dict[str, str]


def rules_table(rules: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """The bit of each rule in the excluded-by raster: ``bit``, ``rule``, ``layer``, ``description``."""
    return pd.DataFrame(
        {
            "bit": range(len(rules)),
            "rule": [r["name"] for r in rules],
            "layer": [r["layer"] for r in rules],
            "description": [r.get("description", "") for r in rules],
        }
    )


def evaluate_tile_files(
    tile: str,
    paths: Mapping[str, str],
    rules: Sequence[eligibility.ExclusionRule],
    *,
    spec: grid.GridSpec,
    proxies: Mapping[str, Any],
    n_counties: int,
) -> TileResult:
    """Read one tile's prepared rasters (the bands the rules need) and evaluate the rules on it."""
    named, sources = layers.read_tile_layers(paths, proxies=proxies, names={r.layer for r in rules})
    zones = named.pop("county_zone")
    eligible, excluded_by, summary = eligibility.evaluate_tile(
        named,
        rules,
        zones=zones,
        zone_ids=range(1, n_counties + 1),
        resolution_m=spec.resolution_m,
        core=grid.core_slice(spec),
        nodata={"landcover": layers.LANDCOVER_NODATA},
    )
    dtype = eligibility.excluded_by_dtype(len(rules))
    return TileResult(tile, eligible, excluded_by.astype(dtype), summary, sources)


def run_stage(
    tile_paths: Mapping[str, Mapping[str, str]],
    rule_configs: Sequence[Mapping[str, Any]],
    *,
    spec: grid.GridSpec,
    proxies: Mapping[str, Any],
    n_counties: int,
    tile_outputs: Mapping[str, tuple[str, str]],
    eligible_path: str,
    excluded_by_path: str,
    tags: Mapping[str, str],
    threads: int = 1,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Evaluate the rules on every tile; write the tile rasters and the two province COGs.

    Parameters
    ----------
    tile_paths
        ``{tile id: {group: prepared GeoTIFF}}`` (groups from :func:`siting.layers.layer_groups`).
    rule_configs
        The technology's exclusion rules (common first) as config dicts.
    spec, proxies, n_counties
        Grid, the ``proxies`` config section, and the number of counties (zone ids ``1..n``).
    tile_outputs
        ``{tile id: (eligible GeoTIFF, excluded-by GeoTIFF)}`` to write, cores only.
    eligible_path, excluded_by_path
        The province-wide COGs (grid: the union of the tile cores).
    tags
        Metadata for every raster (``DATA_BASIS``, ``RULES``, …).
    threads
        Tiles evaluated at once.

    Returns
    -------
    (pandas.DataFrame, dict)
        The per-county summary (:func:`siting.eligibility.combine_exclusion_summaries`) and the
        source of each user/proxy layer (from the first tile).
    """
    rules = [eligibility.ExclusionRule.from_config(r) for r in rule_configs]
    tiles = list(tile_paths)
    transform, shape = grid.mosaic_grid(tiles, spec)
    dtype = eligibility.excluded_by_dtype(len(rules))

    def one(tile: str) -> TileResult:
        return evaluate_tile_files(
            tile, tile_paths[tile], rules, spec=spec, proxies=proxies, n_counties=n_counties
        )

    summaries, sources = [], {}
    common = {"transform": transform, "shape": shape, "crs": spec.crs, "tags": tags, "threads": threads}
    with (
        io.MosaicWriter(
            eligible_path, dtype="uint8", bands=["eligible"], nodata=255, **common
        ) as eligible_cog,
        io.MosaicWriter(
            excluded_by_path, dtype=dtype, bands=["excluded_by"], nodata=None, **common
        ) as bits_cog,
    ):
        for i, result in enumerate(ordered_map(one, tiles, threads=threads), start=1):
            row, col = grid.core_offset(result.tile, transform, spec)
            eligible_cog.write(result.eligible, row, col)
            bits_cog.write(result.excluded_by, row, col)
            core_transform, _ = grid.tile_grid(result.tile, spec, halo=False)
            tile_tags = {**tags, **{f"LAYER_{k.upper()}": v for k, v in result.sources.items()}}
            eligible_out, excluded_by_out = tile_outputs[result.tile]
            io.write_raster(
                eligible_out,
                {"eligible": result.eligible},
                transform=core_transform,
                crs=spec.crs,
                nodata=255,
                tags=tile_tags,
            )
            io.write_raster(
                excluded_by_out,
                {"excluded_by": result.excluded_by},
                transform=core_transform,
                crs=spec.crs,
                nodata=None,
                tags=tile_tags,
            )
            summaries.append(result.summary)
            sources = sources or result.sources
            log.info(
                "tile %s (%d/%d): %.1f km² eligible of %.1f km²",
                result.tile,
                i,
                len(tiles),
                result.summary["eligible_km2"].sum(),
                result.summary["total_km2"].sum(),
            )
    return eligibility.combine_exclusion_summaries(summaries), sources
