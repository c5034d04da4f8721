"""The analysis grid: one equal-area CRS, square cells snapped to the CRS origin, cut into tiles.

Cells are aligned to multiples of ``resolution_m`` from the CRS origin and tiles to multiples of
``tile_size_m`` (itself a multiple of the resolution), so changing the tile size changes only the
tiling, never the cell alignment, and a tile id (``x009_y084``: column and row of the tile counted
from the CRS origin, east and north) does not depend on the region. Only tiles that touch the region
exist. Each tile is processed with a halo of ``halo_m`` on every side so that buffers and slopes do
not depend on tile edges.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from affine import Affine
from shapely.geometry import box

if TYPE_CHECKING:  # geopandas (and pandas) are imported where used: tile jobs start faster without them
    import geopandas as gpd

DEFAULT_CRS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84"


@dataclass(frozen=True)
class GridSpec:
    """Grid parameters.

    Attributes
    ----------
    crs : str
        Equal-area CRS (PROJ string, EPSG code or WKT).
    resolution_m : float
        Cell size [m].
    tile_size_m : float
        Tile edge length [m]; a multiple of ``resolution_m``.
    halo_m : float
        Extra margin read around each tile [m]; rounded up to whole cells.
    """

    crs: str = DEFAULT_CRS
    resolution_m: float = 100.0
    tile_size_m: float = 50_000.0
    halo_m: float = 2_000.0

    @property
    def tile_cells(self) -> int:
        """Cells along a tile edge."""
        return round(self.tile_size_m / self.resolution_m)

    @property
    def halo_cells(self) -> int:
        """Halo width in cells (rounded up)."""
        return math.ceil(self.halo_m / self.resolution_m - 1e-9)

    @property
    def cell_area_km2(self) -> float:
        """Area of one cell [km²]."""
        return self.resolution_m**2 / 1e6

    def to_dict(self) -> dict:
        """Plain dict for JSON metadata."""
        return asdict(self)


@dataclass(frozen=True)
class Tile:
    """One tile of the grid.

    Attributes
    ----------
    id : str
        Stable id, ``x{col:03d}_y{row:03d}`` (negative indices keep their sign).
    col, row : int
        Tile indices counted from the CRS origin (``row`` grows northwards).
    bounds : tuple of float
        ``(xmin, ymin, xmax, ymax)`` of the tile core [m].
    """

    id: str
    col: int
    row: int
    bounds: tuple[float, float, float, float]


def tile_id(col: int, row: int) -> str:
    """Stable tile id from its indices, e.g. ``x009_y084``."""
    return f"x{col:03d}_y{row:03d}"


def parse_tile_id(tid: str) -> tuple[int, int]:
    """Inverse of :func:`tile_id`."""
    xs, ys = tid.split("_")
    return int(xs[1:]), int(ys[1:])


def tile_for(col: int, row: int, spec: GridSpec) -> Tile:
    """The tile at ``(col, row)``."""
    size = spec.tile_size_m
    return Tile(tile_id(col, row), col, row, (col * size, row * size, (col + 1) * size, (row + 1) * size))


def make_tiles(region, spec: GridSpec) -> list[Tile]:
    """Tiles that touch ``region`` (a shapely geometry in ``spec.crs``), sorted by id.

    A tile whose core only touches the region along an edge is not kept (it would hold no cell of
    the region).
    """
    xmin, ymin, xmax, ymax = region.bounds
    size = spec.tile_size_m
    cols = range(math.floor(xmin / size), math.ceil(xmax / size))
    rows = range(math.floor(ymin / size), math.ceil(ymax / size))
    candidates = [tile_for(c, r, spec) for c in cols for r in rows]
    boxes = shapely.box(*np.array([t.bounds for t in candidates]).T)
    shapely.prepare(region)
    keep = shapely.intersects(region, boxes) & ~shapely.touches(region, boxes)
    return sorted((t for t, k in zip(candidates, keep, strict=True) if k), key=lambda t: t.id)


def tiles_frame(tiles: list[Tile], spec: GridSpec) -> gpd.GeoDataFrame:
    """Tiles as polygons (in ``spec.crs``) with their ids, indices, sizes and halo."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {
            "tile_id": [t.id for t in tiles],
            "col": [t.col for t in tiles],
            "row": [t.row for t in tiles],
            "width_cells": spec.tile_cells,
            "height_cells": spec.tile_cells,
            "halo_cells": spec.halo_cells,
            "halo_m": spec.halo_cells * spec.resolution_m,
            "resolution_m": spec.resolution_m,
        },
        geometry=[box(*t.bounds) for t in tiles],
        crs=spec.crs,
    )


def tile_transform(tile: Tile, spec: GridSpec, *, halo: bool = True) -> tuple[Affine, int, int]:
    """Affine transform, width and height of a tile (with or without its halo).

    Returns
    -------
    (affine.Affine, int, int)
        North-up transform with square cells of ``spec.resolution_m``, then width and height [cells].
    """
    pad = spec.halo_cells if halo else 0
    res = spec.resolution_m
    xmin, _, _, ymax = tile.bounds
    transform = Affine(res, 0.0, xmin - pad * res, 0.0, -res, ymax + pad * res)
    n = spec.tile_cells + 2 * pad
    return transform, n, n


def core_slice(spec: GridSpec) -> tuple[slice, slice]:
    """Row and column slices that cut the core out of a haloed tile array."""
    h = spec.halo_cells
    return slice(h, h + spec.tile_cells), slice(h, h + spec.tile_cells)


def bounds_wgs84(geometry, crs: str, *, margin_deg: float = 0.0) -> tuple[float, float, float, float]:
    """Bounds ``(w, s, e, n)`` in degrees of a geometry given in ``crs``, widened by ``margin_deg``."""
    import geopandas as gpd

    west, south, east, north = gpd.GeoSeries([geometry], crs=crs).to_crs("EPSG:4326").total_bounds
    return (west - margin_deg, south - margin_deg, east + margin_deg, north + margin_deg)


def tile_grid(tid: str, spec: GridSpec, *, halo: bool = True) -> tuple[Affine, tuple[int, int]]:
    """Transform and ``(height, width)`` of the tile ``tid`` (with its halo by default)."""
    transform, width, height = tile_transform(tile_for(*parse_tile_id(tid), spec), spec, halo=halo)
    return transform, (height, width)


def mosaic_grid(tids: list[str], spec: GridSpec) -> tuple[Affine, tuple[int, int]]:
    """Transform and ``(height, width)`` of the smallest grid that holds the cores of the tiles ``tids``."""
    bounds = np.array([tile_for(*parse_tile_id(t), spec).bounds for t in tids])
    xmin, ymax = bounds[:, 0].min(), bounds[:, 3].max()
    res = spec.resolution_m
    width = round((bounds[:, 2].max() - xmin) / res)
    height = round((ymax - bounds[:, 1].min()) / res)
    return Affine(res, 0.0, xmin, 0.0, -res, ymax), (height, width)


def core_offset(tid: str, mosaic_transform: Affine, spec: GridSpec) -> tuple[int, int]:
    """Row and column [cells] of the tile ``tid``'s core in a mosaic grid (see :func:`mosaic_grid`)."""
    xmin, _, _, ymax = tile_for(*parse_tile_id(tid), spec).bounds
    res = spec.resolution_m
    return round((mosaic_transform.f - ymax) / res), round((xmin - mosaic_transform.c) / res)
