"""Terrain derivatives of a DEM on the projected analysis grid: slope, aspect, ruggedness.

All functions take a 2-D elevation array [m] on a square projected grid whose rows run from
north to south (row 0 is the northern edge, the y axis of the array points down, as in a
north-up GeoTIFF) and return a new float32 array of the same shape.

Conventions shared by all functions:

- **Nodata** is NaN. A cell whose 3×3 window contains a NaN is NaN in the output (NaN
  propagates through the arithmetic, nothing is interpolated). Convert the DEM's nodata value
  to NaN before calling.
- **Edges**: the outermost ring of cells has no complete 3×3 window and is NaN. The caller
  reads tiles with a halo of at least one cell (the tile halo for exclusion buffers is far
  wider), so the core of every tile is exact and independent of tile edges.
- Arithmetic is float32 throughout; neighbour differences are formed before they are summed,
  so absolute elevations (thousands of metres) do not cost precision.

References
----------
Horn, B. K. P. (1981). Hill shading and the reflectance map. *Proceedings of the IEEE*,
69(1), 14–47. https://doi.org/10.1109/PROC.1981.11918

Riley, S. J., DeGloria, S. D., & Elliot, R. (1999). A terrain ruggedness index that
quantifies topographic heterogeneity. *Intermountain Journal of Sciences*, 5(1–4), 23–27.
"""

from __future__ import annotations

import numpy as np

__all__ = ["aspect_deg", "ruggedness_tri_m", "slope_deg"]


def _as_dem(dem_m: np.ndarray) -> np.ndarray:
    """Return ``dem_m`` as a 2-D float32 array (no copy when it already is one)."""
    dem = np.asarray(dem_m, dtype=np.float32)
    if dem.ndim != 2:
        raise ValueError(f"the DEM must be a 2-D array, got shape {dem.shape}")
    return dem


def _check_resolution(resolution_m: float) -> float:
    resolution_m = float(resolution_m)
    if not np.isfinite(resolution_m) or resolution_m <= 0:
        raise ValueError(f"resolution_m must be a positive number of metres, got {resolution_m}")
    return resolution_m


def _horn_gradients(dem: np.ndarray, resolution_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Horn (1981) gradients of the interior cells.

    Parameters
    ----------
    dem : numpy.ndarray
        2-D float32 elevation [m], at least 3×3, row 0 in the north.
    resolution_m : float
        Cell size [m].

    Returns
    -------
    dz_deast, dz_dnorth : numpy.ndarray
        float32 arrays of shape ``(rows - 2, cols - 2)``: the rate of change of elevation
        towards the east and towards the north [m m⁻¹] for every interior cell; NaN where
        the window, including its centre, contains a NaN.

    Notes
    -----
    With the 3×3 window ::

        a b c      (north)
        d e f
        g h i      (south)

    ``dz/dx = ((c - a) + 2 (f - d) + (i - g)) / (8 Δ)`` and
    ``dz/dy_north = ((a - g) + 2 (b - h) + (c - i)) / (8 Δ)``.
    """
    a = dem[:-2, :-2]
    b = dem[:-2, 1:-1]
    c = dem[:-2, 2:]
    d = dem[1:-1, :-2]
    f = dem[1:-1, 2:]
    g = dem[2:, :-2]
    h = dem[2:, 1:-1]
    i = dem[2:, 2:]
    scale = np.float32(1.0 / (8.0 * resolution_m))

    dz_deast = np.subtract(f, d)
    dz_deast *= np.float32(2.0)
    dz_deast += c
    dz_deast -= a
    dz_deast += i
    dz_deast -= g
    dz_deast *= scale

    dz_dnorth = np.subtract(b, h)
    dz_dnorth *= np.float32(2.0)
    dz_dnorth += a
    dz_dnorth -= g
    dz_dnorth += c
    dz_dnorth -= i
    dz_dnorth *= scale

    # Horn's kernel ignores the centre cell; a nodata centre still has no slope.
    nodata_centre = np.isnan(dem[1:-1, 1:-1])
    if nodata_centre.any():
        dz_deast[nodata_centre] = np.nan
        dz_dnorth[nodata_centre] = np.nan
    return dz_deast, dz_dnorth


def _nan_like(dem: np.ndarray) -> np.ndarray:
    return np.full(dem.shape, np.nan, dtype=np.float32)


def slope_deg(dem_m: np.ndarray, *, resolution_m: float) -> np.ndarray:
    """Slope of the terrain by Horn's (1981) third-order finite difference.

    Parameters
    ----------
    dem_m : numpy.ndarray
        2-D elevation [m] on a square projected grid, row 0 in the north, NaN as nodata.
    resolution_m : float
        Cell size of the grid [m] (the same in x and y).

    Returns
    -------
    numpy.ndarray
        float32 slope [degrees], 0 (flat) to < 90, same shape as ``dem_m``. NaN on the
        one-cell outer ring and wherever the 3×3 window contains a NaN.

    Examples
    --------
    A plane rising 1 m per 1 m cell has a slope of 45°:

    >>> import numpy as np
    >>> dem = np.add.outer(np.zeros(4), np.arange(4.0)).astype(np.float32)
    >>> float(slope_deg(dem, resolution_m=1.0)[1, 1])
    45.0

    References
    ----------
    Horn, B. K. P. (1981). Hill shading and the reflectance map. *Proceedings of the IEEE*,
    69(1), 14–47.
    """
    dem = _as_dem(dem_m)
    resolution_m = _check_resolution(resolution_m)
    out = _nan_like(dem)
    if min(dem.shape) < 3:
        return out
    dz_deast, dz_dnorth = _horn_gradients(dem, resolution_m)
    gradient = np.hypot(dz_deast, dz_dnorth, out=dz_deast)
    np.arctan(gradient, out=gradient)
    np.degrees(gradient, out=out[1:-1, 1:-1])
    return out


def aspect_deg(dem_m: np.ndarray, *, resolution_m: float, flat_slope_deg: float = 0.0) -> np.ndarray:
    """Aspect (the compass direction a slope faces) by Horn's (1981) finite difference.

    Parameters
    ----------
    dem_m : numpy.ndarray
        2-D elevation [m] on a square projected grid, row 0 in the north, NaN as nodata.
    resolution_m : float
        Cell size of the grid [m] (the same in x and y).
    flat_slope_deg : float, optional
        Cells whose slope is at most this [degrees] are flat and get NaN. The default 0 marks
        only exactly flat cells (zero gradient) as NaN.

    Returns
    -------
    numpy.ndarray
        float32 aspect [degrees] in ``[0, 360)``: the grid bearing of steepest descent,
        clockwise from grid north (0 = north-facing, 90 = east, 180 = south, 270 = west).
        NaN on flat cells, on the one-cell outer ring and wherever the 3×3 window contains a
        NaN.

    Notes
    -----
    The bearing is relative to grid north of the projected CRS, which in the Albers grid
    differs from true north by the meridian convergence (a few degrees away from the central
    meridian). This is the same convention as ``gdaldem aspect``.

    References
    ----------
    Horn, B. K. P. (1981). Hill shading and the reflectance map. *Proceedings of the IEEE*,
    69(1), 14–47.
    """
    dem = _as_dem(dem_m)
    resolution_m = _check_resolution(resolution_m)
    out = _nan_like(dem)
    if min(dem.shape) < 3:
        return out
    dz_deast, dz_dnorth = _horn_gradients(dem, resolution_m)
    flat = np.hypot(dz_deast, dz_dnorth) <= np.float32(np.tan(np.radians(flat_slope_deg)))
    # Steepest descent points along (-dz/deast, -dz/dnorth); its bearing is atan2(east, north).
    np.negative(dz_deast, out=dz_deast)
    np.negative(dz_dnorth, out=dz_dnorth)
    bearing = np.arctan2(dz_deast, dz_dnorth, out=dz_deast)
    np.degrees(bearing, out=bearing)
    bearing[bearing < 0] += np.float32(360.0)
    bearing[bearing >= np.float32(360.0)] = 0.0  # -0.0 + 360 may round to 360 in float32
    bearing[flat] = np.nan
    out[1:-1, 1:-1] = bearing
    return out


def ruggedness_tri_m(dem_m: np.ndarray) -> np.ndarray:
    """Terrain ruggedness index (TRI) of Riley et al. (1999).

    ``TRI = sqrt(sum over the 8 neighbours of (z_neighbour - z_centre)**2)``.

    Parameters
    ----------
    dem_m : numpy.ndarray
        2-D elevation [m], row 0 in the north, NaN as nodata. The index does not depend on
        the cell size, but its values do (a coarser grid sees larger differences).

    Returns
    -------
    numpy.ndarray
        float32 TRI [m], ≥ 0 (0 on a flat plane), same shape as ``dem_m``. NaN on the
        one-cell outer ring and wherever the 3×3 window contains a NaN.

    Notes
    -----
    This is Riley's original definition (``gdaldem TRI -alg Riley``), not the mean absolute
    difference of Wilson et al. (2007) that ``gdaldem`` uses by default.

    References
    ----------
    Riley, S. J., DeGloria, S. D., & Elliot, R. (1999). A terrain ruggedness index that
    quantifies topographic heterogeneity. *Intermountain Journal of Sciences*, 5(1–4), 23–27.
    """
    dem = _as_dem(dem_m)
    out = _nan_like(dem)
    if min(dem.shape) < 3:
        return out
    rows, cols = dem.shape
    centre = dem[1:-1, 1:-1]
    total = np.zeros_like(centre)
    diff = np.empty_like(centre)
    for dy in (0, 1, 2):
        for dx in (0, 1, 2):
            if dy == 1 and dx == 1:
                continue
            np.subtract(dem[dy : rows - 2 + dy, dx : cols - 2 + dx], centre, out=diff)
            diff *= diff
            total += diff
    np.sqrt(total, out=out[1:-1, 1:-1])
    return out
