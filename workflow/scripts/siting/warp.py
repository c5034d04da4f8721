"""Warp source rasters (provider tiles in EPSG:4326) onto one analysis tile of the equal-area grid.

The source tiles covering the tile plus halo are mosaicked by window (:func:`rasterio.merge.merge` reads
only the needed window of each file, so memory depends on the tile, not on the province) and
reprojected with :func:`rasterio.warp.reproject`. Classes are resampled by nearest (coarser source) or
mode (finer source); continuous values by bilinear (coarser source) or average (finer source).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.merge import merge
from rasterio.warp import reproject, transform_bounds

from siting.errors import InputError

METRES_PER_DEGREE = 111_320.0


def resampling_for(kind: str, *, src_res_m: float, dst_res_m: float) -> Resampling:
    """Resampling method for a ``kind`` (``class`` or ``continuous``) layer.

    Finer sources are aggregated (mode / average) so that every source cell counts; coarser sources are
    interpolated (nearest / bilinear).
    """
    finer = src_res_m < 0.75 * dst_res_m
    if kind == "class":
        return Resampling.mode if finer else Resampling.nearest
    if kind == "continuous":
        return Resampling.average if finer else Resampling.bilinear
    raise ValueError(f"unknown layer kind {kind!r}")


def warp_to_tile(
    paths: Sequence[str],
    *,
    dst_transform: Affine,
    dst_shape: tuple[int, int],
    dst_crs: str,
    kind: str,
    band: int = 1,
    src_nodata: float | None = None,
    dst_nodata: float,
    dtype: str,
    expected_crs: str = "EPSG:4326",
) -> np.ndarray:
    """Mosaic the ``paths`` over the tile (plus a margin) and warp them onto the tile grid.

    Parameters
    ----------
    paths
        Source rasters (GDAL paths, ``/vsizip/`` allowed) in ``expected_crs``, already checked with
        :func:`siting.verify.check_raster`. Only those overlapping the tile need to be given; cells no
        source covers get ``dst_nodata``.
    dst_transform, dst_shape, dst_crs
        The tile grid (with halo).
    kind
        ``class`` or ``continuous``; chooses the resampling, see :func:`resampling_for`.
    src_nodata
        Nodata of the sources when the files do not declare one (Copernicus DEM COGs have none).
    dst_nodata, dtype
        Output nodata and dtype.

    Returns
    -------
    numpy.ndarray
        ``dst_shape`` array of ``dtype``.
    """
    out = np.full(dst_shape, dst_nodata, dtype=dtype)
    if not paths:
        return out
    height, width = dst_shape
    west, north = dst_transform * (0, 0)
    east, south = dst_transform * (width, height)
    bounds = transform_bounds(dst_crs, expected_crs, west, south, east, north, densify_pts=21)
    with rasterio.open(paths[0]) as first:
        res = first.res
        nodata = first.nodata if first.nodata is not None else src_nodata
        src_dtype = first.dtypes[band - 1]
    margin = 2 * max(res)
    padded = (bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin)
    try:
        mosaic, mosaic_transform = merge(list(paths), bounds=padded, indexes=[band], nodata=nodata, dtype=src_dtype)
    except (rasterio.errors.RasterioIOError, ValueError) as err:
        raise InputError(f"could not read {len(paths)} source raster(s) (first: {paths[0]}): {err}")
    latitude = 0.5 * (bounds[1] + bounds[3])
    src_res_m = min(res[0] * METRES_PER_DEGREE * math.cos(math.radians(latitude)), res[1] * METRES_PER_DEGREE)
    dst_res_m = abs(dst_transform.a)
    reproject(
        source=mosaic[0],
        destination=out,
        src_transform=mosaic_transform,
        src_crs=expected_crs,
        src_nodata=nodata,
        dst_transform=dst_transform,
        dst_crs=dst_crs,
        dst_nodata=dst_nodata,
        resampling=resampling_for(kind, src_res_m=src_res_m, dst_res_m=dst_res_m),
    )
    return out


def tile_bounds_wgs84(
    dst_transform: Affine, dst_shape: tuple[int, int], dst_crs: str
) -> tuple[float, float, float, float]:
    """``(w, s, e, n)`` in degrees of a tile grid (used to pick the source tiles it needs)."""
    height, width = dst_shape
    west, north = dst_transform * (0, 0)
    east, south = dst_transform * (width, height)
    return transform_bounds(dst_crs, "EPSG:4326", west, south, east, north, densify_pts=21)
