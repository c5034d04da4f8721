"""Province-wide rasters made small enough to travel inside a map: warp to Web Mercator, colour, PNG.

Leaflet's ``L.imageOverlay`` stretches an image linearly between the Web Mercator projections of its
south-west and north-east corners. An image is therefore placed right only when its rows are evenly
spaced in Web Mercator *y* (not in latitude), so each raster is warped to EPSG:3857 here, at a reduced
resolution (≤ ``max_px`` on the long side), and its corner latitudes/longitudes are handed to the overlay
(with folium's own ``mercator_project`` off).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

WEB_MERCATOR = "EPSG:3857"
DEFAULT_MAX_PX = 1500
"""Long side of a display raster [px]: a 4,000 × 7,000 province grid becomes ~860 × 1,500."""


@dataclass(frozen=True)
class GridArray:
    """A raster held in memory: ``array`` on ``transform`` in ``crs``, ``nodata`` marking empty cells."""

    array: np.ndarray
    transform: Any
    crs: str
    nodata: float | int | None = None


RasterSource = str | Path | GridArray
"""A GeoTIFF path (read through GDAL, decimated while warping) or an in-memory :class:`GridArray`."""


@dataclass(frozen=True)
class DisplayRaster:
    """A raster warped to Web Mercator for display.

    Attributes
    ----------
    array : numpy.ndarray
        Values on a Web Mercator grid, rows evenly spaced in mercator *y*.
    nodata : float or int or None
        Value of empty cells (NaN for float rasters).
    bounds_latlon : tuple
        ``((south, west), (north, east))`` [degrees], the corners Leaflet's image overlay takes.
    bounds_mercator : tuple
        ``(left, bottom, right, top)`` [m] in EPSG:3857.
    """

    array: np.ndarray
    nodata: float | int | None
    bounds_latlon: tuple[tuple[float, float], tuple[float, float]]
    bounds_mercator: tuple[float, float, float, float]


def mercator_to_latlon(x_m: float, y_m: float) -> tuple[float, float]:
    """Latitude and longitude [degrees] of a Web Mercator point [m] (spherical formula, R = 6378137 m)."""
    radius_m = 6378137.0
    lon = np.degrees(x_m / radius_m)
    lat = np.degrees(2.0 * np.arctan(np.exp(y_m / radius_m)) - np.pi / 2.0)
    return float(lat), float(lon)


def _warp(
    source: Any,
    src_crs: Any,
    src_transform: Any,
    width: int,
    height: int,
    *,
    dtype: Any,
    nodata: Any,
    categorical: bool,
    max_px: int,
) -> DisplayRaster:
    from rasterio.enums import Resampling
    from rasterio.transform import array_bounds
    from rasterio.warp import calculate_default_transform, reproject

    left, bottom, right, top = array_bounds(height, width, src_transform)
    dst_transform, dst_w, dst_h = calculate_default_transform(
        src_crs, WEB_MERCATOR, width, height, left=left, bottom=bottom, right=right, top=top
    )
    scale = max(dst_w, dst_h) / max_px
    if scale > 1:
        dst_w, dst_h = max(1, round(dst_w / scale)), max(1, round(dst_h / scale))
        res_x = dst_transform.a * scale
        res_y = -dst_transform.e * scale
        from affine import Affine

        dst_transform = Affine(res_x, 0.0, dst_transform.c, 0.0, -res_y, dst_transform.f)
    fill = np.nan if np.issubdtype(np.dtype(dtype), np.floating) else nodata
    out = np.full((dst_h, dst_w), fill if fill is not None else 0, dtype=dtype)
    reproject(
        source=source,
        destination=out,
        src_transform=src_transform,
        src_crs=src_crs,
        src_nodata=nodata,
        dst_transform=dst_transform,
        dst_crs=WEB_MERCATOR,
        dst_nodata=fill,
        resampling=Resampling.mode if categorical else Resampling.average,
    )
    m_left, m_bottom, m_right, m_top = array_bounds(dst_h, dst_w, dst_transform)
    south, west = mercator_to_latlon(m_left, m_bottom)
    north, east = mercator_to_latlon(m_right, m_top)
    return DisplayRaster(
        array=out,
        nodata=fill,
        bounds_latlon=((south, west), (north, east)),
        bounds_mercator=(m_left, m_bottom, m_right, m_top),
    )


def display_raster(
    source: RasterSource, *, categorical: bool, band: int = 1, max_px: int = DEFAULT_MAX_PX
) -> DisplayRaster:
    """Warp a raster to Web Mercator at ≤ ``max_px`` on its long side, for an image overlay.

    Parameters
    ----------
    source : str, Path or GridArray
        A GeoTIFF (e.g. the province-wide COG) or an in-memory grid, in any projected CRS.
    categorical : bool
        Classes (eligibility, land categories) are resampled by mode; continuous values (scores) by
        average, ignoring nodata.
    band : int
        Band to read from a file.
    max_px : int
        Long side of the result [px].

    Returns
    -------
    DisplayRaster
    """
    if isinstance(source, GridArray):
        arr = np.asarray(source.array)
        nodata = source.nodata
        if np.issubdtype(arr.dtype, np.floating) and nodata is None:
            nodata = np.nan
        return _warp(
            arr,
            source.crs,
            source.transform,
            arr.shape[1],
            arr.shape[0],
            dtype=arr.dtype,
            nodata=nodata,
            categorical=categorical,
            max_px=max_px,
        )
    import rasterio

    with rasterio.open(source) as src:
        nodata = src.nodata
        dtype = src.dtypes[band - 1]
        if np.issubdtype(np.dtype(dtype), np.floating) and nodata is None:
            nodata = np.nan
        return _warp(
            rasterio.band(src, band),
            src.crs,
            src.transform,
            src.width,
            src.height,
            dtype=dtype,
            nodata=nodata,
            categorical=categorical,
            max_px=max_px,
        )


def _palette_png(index: np.ndarray, palette: list[tuple[int, int, int, int]]) -> str:
    """A palette PNG (``data:`` URI) of uint8 indices into ``palette`` (RGBA, alpha as tRNS)."""
    from PIL import Image

    height, width = index.shape
    image = Image.frombytes("P", (width, height), np.ascontiguousarray(index, dtype=np.uint8).tobytes())
    image.putpalette([c for rgba in palette for c in rgba[:3]])
    buf = io.BytesIO()
    image.save(buf, format="PNG", optimize=True, transparency=bytes(rgba[3] for rgba in palette))
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _rgba(color: str | Sequence[float]) -> tuple[int, int, int, int]:
    from matplotlib.colors import to_rgba

    r, g, b, a = to_rgba(color)
    return round(r * 255), round(g * 255), round(b * 255), round(a * 255)


def classes_png(raster: DisplayRaster, colors: dict[int, str]) -> str:
    """A palette PNG (``data:`` URI) of a class raster: class value → colour; other values transparent.

    Colours are any matplotlib colour, with alpha (e.g. ``"#1a9850cc"``).
    """
    arr = raster.array
    index = np.zeros(arr.shape, dtype=np.uint8)  # 0 = transparent
    palette = [(0, 0, 0, 0)]
    for i, (value, color) in enumerate(colors.items(), start=1):
        index[arr == value] = i
        palette.append(_rgba(color))
    return _palette_png(index, palette)


def continuous_png(
    raster: DisplayRaster,
    *,
    vmin: float,
    vmax: float,
    cmap: str = "viridis",
    levels: int = 100,
    alpha: float = 0.85,
) -> str:
    """A palette PNG (``data:`` URI) of a continuous raster on ``levels`` (≤ 255) colour steps; NaN and
    nodata transparent."""
    from matplotlib import colormaps

    arr = np.asarray(raster.array, dtype="float64")
    valid = np.isfinite(arr)
    if raster.nodata is not None and not np.isnan(raster.nodata):
        valid &= arr != raster.nodata
    steps = np.clip(
        np.round((np.where(valid, arr, vmin) - vmin) / (vmax - vmin) * (levels - 1)), 0, levels - 1
    )
    index = np.where(valid, steps + 1, 0).astype(np.uint8)
    colors = colormaps[cmap](np.linspace(0, 1, levels))
    palette = [(0, 0, 0, 0)] + [_rgba((*c[:3], alpha)) for c in colors]
    return _palette_png(index, palette)


def gradient_colors(cmap: str, n: int = 6) -> list[str]:
    """``n`` hex colours evenly along a matplotlib colormap (for a legend's gradient bar)."""
    from matplotlib import colormaps
    from matplotlib.colors import to_hex

    return [to_hex(c) for c in colormaps[cmap](np.linspace(0, 1, n))]
