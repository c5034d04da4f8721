"""Synthetic demo inputs that look to the pipeline exactly like the real downloads.

:func:`build_demo_inputs` writes, under the raw-data root and with the providers' file names and
formats (see :mod:`siting.sources`), at reduced resolution over the real extent:

- Copernicus DEM tiles (1°, float32 COG, ``AREA_OR_POINT=Point``, no nodata): macro relief from
  pvlib's coarse global ``Altitude.h5`` plus seeded ridged noise on the ranges, flat basins;
- ESA WorldCover tiles (3°, uint8, nodata 0, WorldCover codes) classified from that relief, with
  rivers, reservoirs and built-up patches at the real city centres;
- Global Solar Atlas zips (GHI, DNI, PVOUT, kWh/m²/day resp. kWh/kWp/day);
- Global Wind Atlas windows (mean speed, Weibull A and k, air density) as the retrieve rule stores them;
- NASA POWER hourly JSON per reference-weather point (written by :mod:`siting.weather`);
- the user vector layers of :mod:`siting.vector_demo`.

Every field is one continuous function of (lon, lat) sampled at each file's pixel centres, so tiles
mosaic without seams. Rasters carry the dataset tag ``DATA_BASIS=demo-synthetic``.
"""

from __future__ import annotations

import io
import json
import logging
import math
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np
import pandas as pd
import pvlib
import rasterio
from affine import Affine
from rasterio import features
from rasterio.io import MemoryFile
from scipy import ndimage, signal, special
from shapely.geometry import LineString, Polygon
from shapely.geometry.base import BaseGeometry

from siting import sources, vector_demo, weather
from siting.vector_demo import DATA_BASIS

logger = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]

WORLDCOVER_CODES = (10, 20, 30, 40, 50, 60, 70, 80, 90, 95, 100)
"""Legal ESA WorldCover class codes (0 = nodata)."""

WORLDCOVER_COLORS = {
    10: (0, 100, 0, 255),
    20: (255, 187, 34, 255),
    30: (255, 255, 76, 255),
    40: (240, 150, 255, 255),
    50: (250, 0, 0, 255),
    60: (180, 180, 180, 255),
    70: (240, 240, 240, 255),
    80: (0, 100, 200, 255),
    90: (0, 150, 160, 255),
    95: (0, 207, 117, 255),
    100: (250, 230, 160, 255),
}
"""The official WorldCover palette (the real tiles carry it as a colour table)."""

KM_PER_DEG = 111.32
"""Length of one degree of latitude [km] (and of longitude at the equator)."""

_SYNTHETIC_NOTE = "SYNTHETIC demo data (siting.demo), not the real product; same format, reduced resolution"


# --------------------------------------------------------------------------------------------------
# Continuous fields on absolute lattices
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatticeField:
    """Values on a regular lon/lat lattice, sampled anywhere by spline interpolation.

    Attributes
    ----------
    coeffs : numpy.ndarray
        Spline coefficients (prefiltered values), row 0 = north.
    west, north : float
        Longitude of column 0 and latitude of row 0 (lattice points, i.e. cell centres) [°].
    step_deg : float
        Lattice spacing [°].
    order : int
        Spline order (1 linear, 3 cubic).
    """

    coeffs: np.ndarray
    west: float
    north: float
    step_deg: float
    order: int = 3

    @classmethod
    def from_values(cls, values: np.ndarray, west: float, north: float, step_deg: float, *, order: int = 3):
        """Build from plain values (prefilters them for ``order`` > 1)."""
        values = np.asarray(values, dtype="float64")
        coeffs = ndimage.spline_filter(values, order=order, mode="nearest") if order > 1 else values
        return cls(coeffs, west, north, step_deg, order)

    def sample(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Interpolated values at ``(lon, lat)`` [°] (arrays of any equal shape)."""
        rows = (self.north - np.asarray(lat)) / self.step_deg
        cols = (np.asarray(lon) - self.west) / self.step_deg
        return ndimage.map_coordinates(
            self.coeffs, [rows, cols], order=self.order, mode="nearest", prefilter=False
        )


def lattice_frame(extent: BBox, step_deg: float) -> tuple[float, float, int, int]:
    """Lattice aligned to multiples of ``step_deg`` covering ``extent``: (west, north, rows, cols)."""
    w, s, e, n = extent
    west = math.floor(w / step_deg) * step_deg
    north = math.ceil(n / step_deg) * step_deg
    cols = round((math.ceil(e / step_deg) * step_deg - west) / step_deg) + 1
    rows = round((north - math.floor(s / step_deg) * step_deg) / step_deg) + 1
    return west, north, rows, cols


def lattice_transform(west: float, north: float, step_deg: float) -> Affine:
    """Raster transform whose pixel centres are the lattice points."""
    return Affine(step_deg, 0.0, west - step_deg / 2, 0.0, -step_deg, north + step_deg / 2)


def noise_field(rng: np.random.Generator, extent: BBox, step_deg: float) -> LatticeField:
    """Smooth Gaussian noise (unit standard deviation, wavelength ≈ 4 × ``step_deg``)."""
    west, north, rows, cols = lattice_frame(extent, step_deg)
    white = rng.standard_normal((rows, cols))
    smooth = ndimage.gaussian_filter(white, sigma=1.0, mode="nearest")
    smooth /= smooth.std()
    return LatticeField.from_values(smooth, west, north, step_deg)


def macro_elevation(extent: BBox) -> LatticeField:
    """pvlib's coarse global elevation (1/12° ≈ 9 km, 28 m steps), lightly smoothed [m].

    Cell (i, j) of ``Altitude.h5`` is centred at lat 90 − (i + ½)/12, lon −180 + (j + ½)/12; code 255
    is nodata (taken as 0 m, as pvlib does).
    """
    path = Path(pvlib.__file__).parent / "data" / "Altitude.h5"
    w, s, e, n = extent
    i0, i1 = max(int((90 - n) * 12) - 2, 0), min(int((90 - s) * 12) + 3, 2160)
    j0, j1 = max(int((w + 180) * 12) - 2, 0), min(int((e + 180) * 12) + 3, 4320)
    with h5py.File(path, "r") as h5:
        codes = h5["Altitude"][i0:i1, j0:j1]
    metres = np.where(codes == 255, 0.0, codes.astype("float64") * 28.0 - 450.0)
    metres = ndimage.gaussian_filter(metres, sigma=0.7, mode="nearest")
    return LatticeField.from_values(metres, -180 + (j0 + 0.5) / 12, 90 - (i0 + 0.5) / 12, 1 / 12)


def smoothstep(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    """0 below ``lo``, 1 above ``hi``, smooth (C1) in between."""
    t = np.clip((x - lo) / (hi - lo), 0.0, 1.0)
    return t * t * (3 - 2 * t)


# --------------------------------------------------------------------------------------------------
# Terrain
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Terrain:
    """The synthetic landscape: every field a continuous function of (lon, lat).

    Attributes
    ----------
    macro, floor : LatticeField
        Coarse real elevation and its valley-floor envelope [m].
    basin, ridge, river : LatticeField
        Basin weight (0–1), range weight (0–1) and river-valley weight (0–1).
    octaves : tuple of LatticeField
        Noise octaves of the mountain relief, coarse to fine.
    patches : tuple of LatticeField
        Independent noise fields for land-cover patches and atlas variability.
    """

    macro: LatticeField
    floor: LatticeField
    basin: LatticeField
    ridge: LatticeField
    river: LatticeField
    octaves: tuple[LatticeField, ...]
    patches: tuple[LatticeField, ...]

    relief_hill_m: float = 600.0
    relief_range_m: float = 2000.0
    octave_weights: tuple[float, ...] = (0.25, 0.30, 0.27, 0.18)

    def detail(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Ridged multi-octave relief in [−0.5, 0.5] (sharp crests, rounded valleys)."""
        total = np.zeros(np.shape(lon))
        for weight, octave in zip(self.octave_weights, self.octaves, strict=True):
            total += weight * (1.0 - np.minimum(np.abs(octave.sample(lon, lat)), 1.6) / 1.6) ** 1.5
        return total / sum(self.octave_weights) - 0.45

    def elevation_m(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Elevation above the geoid [m] at ``(lon, lat)`` [°]."""
        z0 = self.macro.sample(lon, lat)
        basin = np.clip(self.basin.sample(lon, lat), 0, 1)
        ridge = np.clip(self.ridge.sample(lon, lat), 0, 1)
        valley = np.clip(self.river.sample(lon, lat), 0, 1)
        hills = (1 - basin) * smoothstep(z0, 150.0, 600.0)
        relief = hills * (self.relief_hill_m + self.relief_range_m * ridge)
        z = (1 - basin) * z0 + basin * self.floor.sample(lon, lat)
        z += relief * self.detail(lon, lat) * (1 - 0.7 * valley) + 150.0 * ridge * hills
        z -= 0.35 * relief * valley
        above_floor = z - (self.floor.sample(lon, lat) - 100.0)
        return z - above_floor + 0.5 * (above_floor + np.hypot(above_floor, 60.0))

    def weights(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Basin, range and river-valley weights (0–1) at ``(lon, lat)``."""
        return tuple(np.clip(f.sample(lon, lat), 0, 1) for f in (self.basin, self.ridge, self.river))


def _geography_fields(extent: BBox, region: BaseGeometry, step_deg: float):
    """Basin, range and river-valley weights on a lattice of ``step_deg`` (from vector_demo)."""
    west, north, rows, cols = lattice_frame(extent, step_deg)
    transform = lattice_transform(west, north, step_deg)
    shape = (rows, cols)
    basins = features.rasterize(
        [(Polygon(c), 1) for c in vector_demo.BASINS.values()], out_shape=shape, transform=transform
    )
    basin = ndimage.gaussian_filter(basins.astype("float64"), sigma=2.0, mode="nearest")

    lat_mid = (extent[1] + extent[3]) / 2
    sampling = (step_deg * KM_PER_DEG, step_deg * KM_PER_DEG * math.cos(math.radians(lat_mid)))
    axes = features.rasterize(
        [(LineString(c), s) for c, s in vector_demo.RANGES.values()],
        out_shape=shape,
        transform=transform,
        all_touched=True,
        dtype="float32",
    )
    dist_km, (ii, jj) = ndimage.distance_transform_edt(axes == 0, sampling=sampling, return_indices=True)
    ridge = axes[ii, jj] * np.exp(-((dist_km / 22.0) ** 2))

    rivers = vector_demo.river_lines(region)
    channels = features.rasterize(
        [(g, 1) for g in rivers.geometry], out_shape=shape, transform=transform, all_touched=True
    )
    if channels.any():
        river_km = ndimage.distance_transform_edt(channels == 0, sampling=sampling)
        valley = np.exp(-((river_km / 3.0) ** 2))
    else:
        valley = np.zeros(shape)
    return tuple(LatticeField.from_values(v, west, north, step_deg, order=1) for v in (basin, ridge, valley))


def build_terrain(extent: BBox, region: BaseGeometry, *, seed: int) -> Terrain:
    """The synthetic landscape over ``extent`` (w, s, e, n) [°], deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    margin = 0.3
    padded = (extent[0] - margin, extent[1] - margin, extent[2] + margin, extent[3] + margin)
    macro = macro_elevation(padded)
    west, north, rows, cols = lattice_frame(padded, 1 / 12)
    lon, lat = np.meshgrid(west + np.arange(cols) / 12, north - np.arange(rows) / 12)
    low = ndimage.minimum_filter(macro.sample(lon, lat), size=3, mode="nearest")
    floor = LatticeField.from_values(ndimage.gaussian_filter(low, 1.5, mode="nearest"), west, north, 1 / 12)
    basin, ridge, river = _geography_fields(padded, region, 1 / 60)
    octaves = tuple(noise_field(rng, padded, step) for step in (0.06, 0.025, 0.011, 0.005))
    patches = tuple(noise_field(rng, padded, step) for step in (0.02, 0.008, 0.05, 0.1))
    return Terrain(macro, floor, basin, ridge, river, octaves, patches)


# --------------------------------------------------------------------------------------------------
# Grids and writing
# --------------------------------------------------------------------------------------------------


def pixel_centres(transform: Affine, height: int, width: int, *, pad: int = 0):
    """Lon and lat [°] of the pixel centres of a north-up grid (optionally padded by ``pad`` pixels)."""
    cols = np.arange(-pad, width + pad) + 0.5
    rows = np.arange(-pad, height + pad) + 0.5
    lon = transform.c + cols * transform.a
    lat = transform.f + rows * transform.e
    return np.meshgrid(lon, lat)


def slope_deg(z: np.ndarray, transform: Affine, lat: np.ndarray) -> np.ndarray:
    """Slope [°] of an elevation grid [m] on a lon/lat grid (central differences)."""
    dz_dy, dz_dx = np.gradient(z)
    dy = abs(transform.e) * KM_PER_DEG * 1000.0
    dx = transform.a * KM_PER_DEG * 1000.0 * np.cos(np.radians(lat))
    return np.degrees(np.arctan(np.hypot(dz_dx / dx, dz_dy / dy)))


def _tags(description: str, **extra: str) -> dict[str, str]:
    return {"DATA_BASIS": DATA_BASIS, "DESCRIPTION": f"{description}. {_SYNTHETIC_NOTE}", **extra}


def write_raster(
    path: Path,
    array: np.ndarray,
    transform: Affine,
    *,
    nodata: float | None,
    tags: dict[str, str],
    colormap: dict | None = None,
    cog: bool = True,
) -> Path:
    """Write a single-band EPSG:4326 GeoTIFF (COG by default, deflate, tiled) with dataset tags."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    profile = {
        "driver": "COG" if cog else "GTiff",
        "height": array.shape[0],
        "width": array.shape[1],
        "count": 1,
        "dtype": array.dtype.name,
        "crs": "EPSG:4326",
        "transform": transform,
        "nodata": nodata,
        "compress": "DEFLATE",
        "predictor": 3 if array.dtype.kind == "f" else 2,
    }
    profile |= {"blocksize": 512, "overviews": "AUTO"} if cog else {"tiled": True}
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(array, 1)
        dst.update_tags(**tags)
        if colormap:
            dst.write_colormap(1, colormap)
    return path


# --------------------------------------------------------------------------------------------------
# Layers
# --------------------------------------------------------------------------------------------------


def dem_tile(terrain: Terrain, lat: int, lon: int, *, cells_per_degree: int) -> tuple[np.ndarray, Affine]:
    """One 1°×1° DEM tile (float32 [m]) with the Copernicus grid (pixel is point, NW corner first)."""
    step = 1.0 / cells_per_degree
    transform = Affine(step, 0.0, lon - step / 2, 0.0, -step, lat + 1 + step / 2)
    lon_c, lat_c = pixel_centres(transform, cells_per_degree, cells_per_degree)
    return terrain.elevation_m(lon_c, lat_c).astype("float32"), transform


def classify_landcover(
    terrain: Terrain, transform: Affine, height: int, width: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """WorldCover classes of the terrain on a grid, before water and built-up are burnt in.

    Returns the classes (uint8), the slope [°] and the basin weight.
    """
    lon_p, lat_p = pixel_centres(transform, height, width, pad=1)
    z = terrain.elevation_m(lon_p, lat_p)
    slope = slope_deg(z, transform, lat_p)[1:-1, 1:-1]
    z, lon, lat = z[1:-1, 1:-1], lon_p[1:-1, 1:-1], lat_p[1:-1, 1:-1]
    basin, ridge, valley = terrain.weights(lon, lat)
    fine, finer, broad, _ = (p.sample(lon, lat) for p in terrain.patches)
    north = smoothstep(lat, 36.5, 40.0)

    classes = np.full(z.shape, 30, dtype="uint8")
    classes[(slope > 10) & (fine + 0.3 * north < -0.5)] = 20
    forest = ((ridge > 0.3) & (slope > 12) & (z > 1100) & (broad > -0.8)) | ((z > 1500) & (fine > 0.4))
    classes[forest & (z < 2500)] = 10
    crop = (basin > 0.45) & (slope < 5)
    crop |= (slope < 4) & (z < 1500) & (broad > -1.0)
    crop |= (slope < 12) & (ridge < 0.35) & (finer > 0.0) & (broad > -0.6)
    crop |= (z < 200) & (slope < 3)
    classes[crop] = 40
    classes[crop & (finer > 2.0) & (fine > 0.3)] = 50
    classes[((finer > 1.9) & (slope > 14)) | ((broad > 1.6) & (fine > 1.2) & (basin < 0.3))] = 60
    classes[(valley > 0.55) & (basin > 0.3) & (slope < 2) & (fine > 1.3)] = 90
    return classes, slope, basin


def burn_vectors(classes: np.ndarray, transform: Affine, region: BaseGeometry, *, seed: int) -> np.ndarray:
    """Burn built-up areas (50), the salt lake (60/80), rivers and reservoirs (80) into ``classes``."""
    shape = classes.shape
    out = classes.copy()
    burns = [
        (vector_demo.built_up_areas(seed).geometry, 50),
        ([vector_demo.salt_lake()], 60),
        ([vector_demo.ellipse(*vector_demo.YUNCHENG_SALT_LAKE[:2], 9.0, 1.0, 12.0)], 80),
        (vector_demo.water_bodies().geometry, 80),
    ]
    rivers = vector_demo.river_lines(region)
    wide = rivers[rivers.width_m > 400]
    burns.append(
        ([vector_demo.buffer_km(g, w / 2000.0) for g, w in zip(wide.geometry, wide.width_m, strict=True)], 80)
    )
    for geoms, code in burns:
        mask = features.rasterize(list(geoms), out_shape=shape, transform=transform, fill=0, default_value=1)
        out[mask.astype(bool)] = code
    lines = features.rasterize(list(rivers.geometry), out_shape=shape, transform=transform, all_touched=False)
    out[lines.astype(bool)] = 80
    return out


def worldcover_tile(
    terrain: Terrain, region: BaseGeometry, lat: int, lon: int, *, cells_per_degree: int, seed: int
) -> tuple[np.ndarray, Affine]:
    """One 3°×3° WorldCover tile (uint8 codes; pixel is area, origin at the NW corner)."""
    size = 3 * cells_per_degree
    step = 1.0 / cells_per_degree
    transform = Affine(step, 0.0, float(lon), 0.0, -step, float(lat + 3))
    classes, _, _ = classify_landcover(terrain, transform, size, size)
    return burn_vectors(classes, transform, region, seed=seed), transform


def solar_atlas(
    terrain: Terrain, extent: BBox, *, cells_per_degree: int
) -> tuple[dict[str, np.ndarray], Affine]:
    """GHI, DNI [kWh/m²/day] and PVOUT [kWh/kWp/day] on an aligned grid covering ``extent``.

    GHI rises to the north-west and with elevation (≈ 1,350–1,650 kWh/m²/yr over Shanxi); the DNI/GHI
    ratio grows with clearness; PVOUT/GHI (optimum tilt, all losses) ≈ 0.95–1.0, higher where cooler.
    """
    transform, height, width = _aligned_grid(extent, cells_per_degree)
    lon, lat = pixel_centres(transform, height, width)
    z = terrain.macro.sample(lon, lat)
    haze = terrain.patches[3].sample(lon, lat)
    ghi_year = 1400 + 26 * (lat - 34.5) + 16 * (114.6 - lon) + 0.03 * (z - 1000) + 12 * haze
    ghi_year = np.clip(ghi_year, 1250, 1750)
    dni_year = ghi_year * (0.72 + 0.9 * (ghi_year - 1350) / 1000)
    pv_ratio = 0.95 + 0.025 * smoothstep(lat, 34.5, 40.8) + 0.01 * np.clip(z / 2000, 0, 1)
    layers = {
        "GHI": ghi_year / 365.25,
        "DNI": dni_year / 365.25,
        "PVOUT": ghi_year * pv_ratio / 365.25,
    }
    return {k: v.astype("float32") for k, v in layers.items()}, transform


def wind_atlas(
    terrain: Terrain, window: BBox, *, cells_per_degree: int
) -> tuple[dict[str, np.ndarray], Affine]:
    """GWA-like layers on the whole-degree ``window``: wind speed and Weibull A [m/s], Weibull k [1],
    air density [kg/m³], all at 100 m above ground.

    Speed rises to the north and on exposed ridges (topographic position, 5 km scale); A follows from
    mean = A·Γ(1 + 1/k); density from the standard-atmosphere pressure at the site's elevation
    plus 100 m and a 12 °C sea-level annual mean temperature lapsing at 6.5 K/km.
    """
    transform, height, width = _aligned_grid(window, cells_per_degree)
    lon, lat = pixel_centres(transform, height, width)
    z = terrain.elevation_m(lon, lat)
    basin, ridge, _ = terrain.weights(lon, lat)
    km_per_cell = KM_PER_DEG / cells_per_degree
    exposure = (z - ndimage.gaussian_filter(z, sigma=5.0 / km_per_cell, mode="nearest")) / 250.0
    north = smoothstep(lat, 35.0, 40.5)
    speed = 4.4 + 2.4 * north + 0.8 * np.clip(exposure, -1, 1.5) + 0.5 * ridge - 0.4 * basin
    speed += 0.25 * terrain.patches[2].sample(lon, lat)
    speed = np.clip(speed, 3.8, 8.5)
    k = np.clip(2.1 + 0.1 * north + 0.15 * terrain.patches[3].sample(lon, lat) - 0.1 * ridge, 1.8, 2.6)
    scale_a = speed / special.gamma(1.0 + 1.0 / k)
    layers = {
        "gwa_wind_speed": speed,
        "gwa_combined_weibull_a": scale_a,
        "gwa_combined_weibull_k": k,
        "gwa_air_density": weather.air_density_kg_m3(z + 100.0, 12.0 - 6.5 * (z + 100.0) / 1000.0),
    }
    return {key: v.astype("float32") for key, v in layers.items()}, transform


def _aligned_grid(extent: BBox, cells_per_degree: int) -> tuple[Affine, int, int]:
    """North-up grid with edges on multiples of 1/``cells_per_degree`` covering ``extent``."""
    w, s, e, n = extent
    c = cells_per_degree
    west, east = math.floor(w * c + 1e-9) / c, math.ceil(e * c - 1e-9) / c
    south, north = math.floor(s * c + 1e-9) / c, math.ceil(n * c - 1e-9) / c
    transform = Affine(1 / c, 0.0, west, 0.0, -1 / c, north)
    return transform, round((north - south) * c), round((east - west) * c)


# --------------------------------------------------------------------------------------------------
# Hourly reference weather
# --------------------------------------------------------------------------------------------------


def _ar1(rng: np.random.Generator, n: int, phi: float) -> np.ndarray:
    """Stationary AR(1) series with unit variance."""
    shocks = rng.standard_normal(n) * math.sqrt(1 - phi**2)
    series = signal.lfilter([1.0], [1.0, -phi], shocks)
    return series + phi ** np.arange(1, n + 1) * rng.standard_normal()


def synthetic_weather(lat: float, lon: float, elevation_m: float, year: int, *, seed: int) -> pd.DataFrame:
    """Hourly weather of one reference point for ``year``, UTC, labelled at the start of each hour.

    Irradiance is pvlib's Ineichen clear sky (Linke turbidity from pvlib) times a clear-sky index
    that follows a daily AR(1) (shared regionally, monsoon-cloudy in summer) and an hourly AR(1);
    DNI and DHI come from the Erbs decomposition. Temperature has seasonal and diurnal cycles and
    a −6.5 K/km lapse; wind at 10 and 50 m has diurnal (stable nights shear more) and seasonal
    (windy spring) cycles.

    Returns
    -------
    pandas.DataFrame
        Columns ``ghi, dni, dhi`` [W/m²], ``temp_air`` [°C], ``wind_speed_10m, wind_speed_50m`` [m/s].
    """
    times = pd.date_range(f"{year}-01-01", f"{year + 1}-01-01", freq="1h", tz="UTC", inclusive="left")
    mid = times + pd.Timedelta(minutes=30)
    site = pvlib.location.Location(lat, lon, tz="UTC", altitude=elevation_m)
    solpos = site.get_solarposition(mid)
    clear = site.get_clearsky(mid, model="ineichen", solar_position=solpos)

    days = len(times) // 24
    doy = mid.day_of_year.to_numpy()
    regional = np.random.default_rng([seed, year])
    local = np.random.default_rng([seed, year, round(lat * 100) + 9000, round(lon * 100) + 18000])
    common = _ar1(regional, days + 1, 0.6)
    daily = 0.75 * common + 0.66 * _ar1(local, days + 1, 0.5)
    summer = np.exp(-(((doy - 200) / 45.0) ** 2))
    mean_index = 0.76 - 0.16 * summer
    day_idx = np.minimum(np.arange(len(times)) // 24, days)
    kc = mean_index + 0.17 * daily[day_idx] + 0.07 * _ar1(local, len(times), 0.8)
    kc = np.clip(kc, 0.08, 1.05)
    ghi = (clear["ghi"].to_numpy() * kc).clip(0)
    parts = pvlib.irradiance.erbs(ghi, solpos["zenith"].to_numpy(), mid.day_of_year.to_numpy())

    solar_hour = (mid.hour.to_numpy() + mid.minute.to_numpy() / 60 + lon / 15.0) % 24
    season = np.cos(2 * np.pi * (doy - 200) / 365.25)
    temp_mean = 17.5 - 1.1 * (lat - 35.0) - 6.5 * elevation_m / 1000.0
    amplitude = 14.0 + 0.5 * (lat - 35.0)
    diurnal = (5.0 + 1.5 * season) * np.cos(2 * np.pi * (solar_hour - 15.0) / 24)
    synoptic = 3.0 * _ar1(regional, days + 1, 0.7)[day_idx] - 2.0 * (kc - mean_index) * summer
    temp = temp_mean + amplitude * season + diurnal * np.clip(kc + 0.2, 0.4, 1.0) + synoptic

    spring = np.exp(-(((doy - 105) / 50.0) ** 2))
    day_mix = np.clip(np.cos(2 * np.pi * (solar_hour - 14.0) / 24), 0, None)
    gust = np.exp(0.35 * _ar1(regional, len(times), 0.95) + 0.2 * _ar1(local, len(times), 0.7))
    ws10 = (
        (2.0 + 0.8 * spring + 0.4 * smoothstep(np.asarray(lat), 35.0, 40.5)) * (0.75 + 0.5 * day_mix) * gust
    )
    shear = 0.32 - 0.18 * day_mix
    ws50 = ws10 * 5.0**shear
    frame = pd.DataFrame(
        {
            "ghi": ghi,
            "dni": np.nan_to_num(parts["dni"]),
            "dhi": np.nan_to_num(parts["dhi"]),
            "temp_air": temp,
            "wind_speed_10m": ws10,
            "wind_speed_50m": ws50,
        },
        index=times,
    )
    return frame.round(2)


# --------------------------------------------------------------------------------------------------
# The whole demo
# --------------------------------------------------------------------------------------------------


def _extent_union(*boxes: BBox) -> BBox:
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _tile_box(lat: int, lon: int, size: float) -> BBox:
    return (lon, lat, lon + size, lat + size)


def _write_dem(raw_dir, terrain, bounds, source_id, cells_per_degree) -> list[Path]:
    src = sources.get_source(source_id)
    written = []
    for lat, lon in sources.degree_tiles(bounds, src.tiling_deg or 1.0):
        name = sources.copdem_tile_name(lat, lon, arcsec=src.extra["arcsec"])
        array, transform = dem_tile(terrain, lat, lon, cells_per_degree=cells_per_degree)
        tags = _tags(f"{src.title} tile {name}: elevation [m]", AREA_OR_POINT="Point")
        written.append(
            write_raster(raw_dir / src.path_for(name=name), array, transform, nodata=None, tags=tags)
        )
    return written


def _write_worldcover(raw_dir, terrain, region, bounds, source_id, cells_per_degree, seed) -> list[Path]:
    src = sources.get_source(source_id)
    written = []
    for lat, lon in sources.degree_tiles(bounds, src.tiling_deg or 3.0):
        tile = sources.worldcover_tile_name(lat, lon)
        array, transform = worldcover_tile(
            terrain, region, lat, lon, cells_per_degree=cells_per_degree, seed=seed
        )
        tags = _tags(f"{src.title} tile {tile}: land cover class")
        path = raw_dir / src.path_for(tile=tile)
        written.append(write_raster(path, array, transform, nodata=0, tags=tags, colormap=WORLDCOVER_COLORS))
    return written


def _write_solar(raw_dir, terrain, extent, cells_per_degree) -> list[Path]:
    layers, transform = solar_atlas(terrain, extent, cells_per_degree=cells_per_degree)
    written = []
    for layer, array in layers.items():
        src = sources.get_source(f"gsa_{layer.lower()}")
        path = raw_dir / src.path_for()
        folder = Path(path.name).stem
        with MemoryFile() as mem:
            tags = _tags(f"{src.title} [{src.units}]")
            profile = {"driver": "GTiff", "height": array.shape[0], "width": array.shape[1], "count": 1}
            profile |= {
                "dtype": "float32",
                "crs": "EPSG:4326",
                "transform": transform,
                "nodata": float("nan"),
            }
            profile |= {"compress": "DEFLATE", "predictor": 3, "tiled": True}
            with mem.open(**profile) as dst:
                dst.write(array, 1)
                dst.update_tags(**tags)
            payload = mem.read()
        path.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as zf:
            zf.writestr(zipfile.ZipInfo(f"{folder}/{src.member}", date_time=(2020, 1, 1, 0, 0, 0)), payload)
            readme = io.StringIO(f"{_SYNTHETIC_NOTE}\ndata_basis: {DATA_BASIS}\n{src.attribution}\n")
            zf.writestr(
                zipfile.ZipInfo(f"{folder}/README_demo.txt", date_time=(2020, 1, 1, 0, 0, 0)),
                readme.getvalue(),
            )
        written.append(path)
    return written


def _write_wind(raw_dir, terrain, bounds, height_m, cells_per_degree, country="CHN") -> list[Path]:
    window = sources.gwa_window_bounds(bounds)
    label = sources.gwa_window_label(bounds)
    layers, transform = wind_atlas(terrain, window, cells_per_degree=cells_per_degree)
    written = []
    for source_id, array in layers.items():
        src = sources.get_source(source_id)
        path = raw_dir / src.path_for(country=country, height=height_m, window=label)
        tags = _tags(f"{src.title} at {height_m} m [{src.units}]")
        written.append(write_raster(path, array, transform, nodata=float("nan"), tags=tags))
    return written


def _write_weather(raw_dir, region, year, spacing_deg, seed) -> list[Path]:
    src = sources.get_source("nasa_power_hourly")
    written = []
    for lat, lon in sources.weather_points(region, spacing_deg):
        elevation = float(pvlib.location.lookup_altitude(lat, lon))
        frame = synthetic_weather(lat, lon, elevation, year, seed=seed)
        path = raw_dir / src.path_for(year=year, point=sources.nasa_power_point_label(lat, lon))
        weather.write_nasa_power_hourly(frame, lat, lon, elevation, path)
        label_json(path)
        written.append(path)
    return written


def label_json(path: Path) -> None:
    """Add ``data_basis`` and a synthetic-data note to the ``header`` of a written API response."""
    body = json.loads(path.read_text(encoding="utf-8"))
    body.setdefault("header", {}).update({"data_basis": DATA_BASIS, "description": _SYNTHETIC_NOTE})
    path.write_text(json.dumps(body), encoding="utf-8")


def _user_layer_masks(terrain: Terrain, region: BaseGeometry, bounds: BBox, seed: int):
    """Red-line and farmland masks on a 1/120° grid over ``bounds``."""
    transform, height, width = _aligned_grid(bounds, 120)
    classes, _, _ = classify_landcover(terrain, transform, height, width)
    lon, lat = pixel_centres(transform, height, width)
    z = terrain.elevation_m(lon, lat)
    _, ridge, _ = terrain.weights(lon, lat)
    redline = (classes == 10) & (ridge > 0.45) & (z > 1400)
    redline = ndimage.binary_opening(ndimage.binary_closing(redline, iterations=2), iterations=1)
    towns = features.rasterize(
        [vector_demo.buffer_km(g, 2.0) for g in vector_demo.built_up_areas(seed).geometry],
        out_shape=(height, width),
        transform=transform,
    ).astype(bool)
    # Permanent basic farmland covers most cropland in China (about 80 %, basins and terraces alike).
    farmland = (classes == 40) & ~towns & (terrain.patches[0].sample(lon, lat) > -0.6)
    farmland = ndimage.binary_opening(farmland, iterations=1)
    return redline, farmland, transform


def write_hwsd(
    raw_dir: Path,
    *,
    bounds: BBox,
    region_wgs84: BaseGeometry,
    seed: int,
    terrain: Terrain | None = None,
) -> list[Path]:
    """Write HWSD v2.0 ``HWSD2_RASTER.zip`` and ``HWSD2_DB.zip`` over ``bounds`` in the real formats.

    The raster zip holds ``HWSD2.bil`` + ``HWSD2.hdr`` + ``HWSD2.prj`` as GDAL's ``EHdr`` driver
    writes them (``uint16`` mapping-unit ids, nodata 65535, 30″ cells on the global 1/120° lattice,
    ESRI ``GCS_WGS_1984`` .prj) over ``bounds`` + 0.25°, plus ``HWSD2.bil.aux.xml`` (GDAL metadata
    ``DATA_BASIS=demo-synthetic``) and ``README_demo.txt``. The database zip holds ``HWSD2.sqlite``
    with ``HWSD2_SMU``, ``HWSD2_LAYERS`` (one row per unit, component and depth D1–D7, ``SHARE`` [%],
    ``ELEC_COND`` [dS m⁻¹], fill −9) and ``METADATA`` (``data_basis``). Eight units: loess upland,
    mountains, basin floor (all < 2 dS/m in D1), water (−9), and saline units of 4.6–16 dS/m
    (SHARE-weighted D1 mean) along the 桑干河 in the 大同 basin (阳高, 应县, 山阴, 朔城, 怀仁) and
    around 运城盐湖.

    Parameters
    ----------
    raw_dir : Path
        Raw-data root; file paths come from the catalogue ids ``hwsd2_raster`` and ``hwsd2_db``.
    bounds : tuple of float
        (west, south, east, north) [°] of the region.
    region_wgs84 : shapely geometry
        Region polygon [EPSG:4326] (unused beyond ``bounds``; kept for a uniform writer signature).
    seed : int
        Seed of the patch pattern of the saline clusters.
    terrain : Terrain, optional
        The demo landscape; its basin and range weights place basin-floor and mountain units. Without
        it the basin polygons and range axes of :mod:`siting.vector_demo` are used.

    Returns
    -------
    list of Path
        The two zip files.
    """
    import sqlite3
    import tempfile

    del region_wgs84
    rng = np.random.default_rng([seed, 2023])
    # id: (description, [(SEQUENCE, SHARE %, WRB2, FAO90, D1 ELEC_COND dS/m)])
    units = {
        21001: ("loess upland", [(1, 70, "CM", "CMc", 0.3), (2, 30, "RG", "RGc", 0.2)]),
        21002: (
            "mountains",
            [(1, 60, "LP", "LPe", 0.1), (2, 25, "CM", "CMe", 0.2), (3, 15, "RK", "RK", -9.0)],
        ),
        21003: ("basin floor", [(1, 60, "FL", "FLc", 1.2), (2, 40, "CM", "CMc", 0.5)]),
        21004: (
            "桑干河 valley",
            [(1, 50, "SC", "SCg", 7.0), (2, 30, "FL", "FLc", 3.0), (3, 20, "CM", "CMc", 0.8)],
        ),
        21005: ("saline patches", [(1, 70, "SC", "SCh", 11.0), (2, 30, "FL", "FLc", 3.0)]),
        21006: ("运城盐湖 salt flat", [(1, 80, "SC", "SCh", 18.0), (2, 20, "SC", "SCg", 8.0)]),
        21007: ("around 运城盐湖", [(1, 60, "SC", "SCh", 9.0), (2, 40, "FL", "FLc", 2.5)]),
        21008: ("water bodies", [(1, 100, "WR", "WR", -9.0)]),
    }
    depths = [("D1", 0, 20), ("D2", 20, 40), ("D3", 40, 60), ("D4", 60, 80)]
    depths += [("D5", 80, 100), ("D6", 100, 150), ("D7", 150, 200)]

    extent = (bounds[0] - 0.25, bounds[1] - 0.25, bounds[2] + 0.25, bounds[3] + 0.25)
    transform, height, width = _aligned_grid(extent, 120)
    shape = (height, width)
    lon, lat = pixel_centres(transform, height, width)

    def burn(shapes: list) -> np.ndarray:
        shapes = [g for g in shapes if not g.is_empty]
        if not shapes:
            return np.zeros(shape, dtype=bool)
        return features.rasterize([(g, 1) for g in shapes], out_shape=shape, transform=transform).astype(bool)

    datong = Polygon(vector_demo.BASINS["大同盆地"])
    if terrain is not None:
        basin, ridge, _ = terrain.weights(lon, lat)
        basin, mountains = basin > 0.5, ridge > 0.3
    else:
        basin = burn([Polygon(c) for c in vector_demo.BASINS.values()])
        mountains = burn([LineString(c).buffer(0.12) for c, _ in vector_demo.RANGES.values()]) & ~basin
    ids = np.full(shape, 21001, dtype="uint16")
    ids[mountains] = 21002
    ids[basin] = 21003
    valley = vector_demo.buffer_km(LineString(vector_demo.RIVERS["桑干河"]), 7.0).intersection(
        datong.buffer(0.05)
    )
    ids[burn([valley])] = 21004
    patches = []
    for lon0, lat0, radius_km, count in vector_demo.SALINE_AREAS.values():
        patches.append(vector_demo.ellipse(lon0, lat0, 0.6 * radius_km, 0.4 * radius_km, 30.0))
        for _ in range(count // 2):
            dx, dy = rng.uniform(-radius_km, radius_km, 2) / KM_PER_DEG
            patches.append(vector_demo.ellipse(lon0 + dx, lat0 + dy, 2.5, 1.5, float(rng.uniform(0, 180))))
    ids[burn([p.intersection(datong) for p in patches])] = 21005
    lake = vector_demo.salt_lake()
    ids[burn([vector_demo.buffer_km(lake, 6.0)])] = 21007
    ids[burn([vector_demo.buffer_km(lake, 1.0)])] = 21006
    ids[burn(list(vector_demo.water_bodies().geometry))] = 21008

    raster_src, db_src = sources.get_source("hwsd2_raster"), sources.get_source("hwsd2_db")
    raster_zip, db_zip = raw_dir / raster_src.path, raw_dir / db_src.path
    stamp = (2023, 9, 1, 0, 0, 0)
    readme = f"{_SYNTHETIC_NOTE}\ndata_basis: {DATA_BASIS}\n"
    with tempfile.TemporaryDirectory(prefix="demo_hwsd_") as tmp:
        bil = Path(tmp) / "HWSD2.bil"
        profile = {"driver": "EHdr", "height": height, "width": width, "count": 1, "dtype": "uint16"}
        profile |= {"crs": "EPSG:4326", "transform": transform, "nodata": 65535}
        with rasterio.open(bil, "w", **profile) as dst:
            dst.write(ids, 1)
            dst.update_tags(**_tags(f"{raster_src.title}: soil mapping unit id (HWSD2_SMU_ID)"))
        raster_zip.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(raster_zip, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name in ("HWSD2.bil", "HWSD2.hdr", "HWSD2.prj", "HWSD2.bil.aux.xml"):
                zf.writestr(zipfile.ZipInfo(name, date_time=stamp), (Path(tmp) / name).read_bytes())
            zf.writestr(zipfile.ZipInfo("README_demo.txt", date_time=stamp), readme + raster_src.attribution)

        db = Path(tmp) / "HWSD2.sqlite"
        con = sqlite3.connect(db)
        try:
            con.execute(
                "CREATE TABLE HWSD2_SMU (ID INTEGER PRIMARY KEY, HWSD2_SMU_ID INTEGER, COVERAGE INTEGER, "
                "SHARE REAL, WRB2 TEXT, FAO90 TEXT, DESCRIPTION TEXT)"
            )
            con.execute(
                "CREATE TABLE HWSD2_LAYERS (ID INTEGER PRIMARY KEY, HWSD2_SMU_ID INTEGER, COVERAGE INTEGER, "
                "SEQUENCE INTEGER, SHARE REAL, WRB2 TEXT, FAO90 TEXT, LAYER TEXT, TOPDEP INTEGER, "
                "BOTDEP INTEGER, PH_WATER REAL, ESP REAL, ELEC_COND REAL)"
            )
            con.execute("CREATE TABLE METADATA (KEY TEXT PRIMARY KEY, VALUE TEXT)")
            smu_rows, layer_rows = [], []
            for unit, (description, components) in units.items():
                top = max(components, key=lambda c: c[1])
                smu_rows.append((unit, 1, top[1], top[2], top[3], description))
                for seq, share, wrb2, fao90, ec in components:
                    for k, (layer, topdep, botdep) in enumerate(depths):
                        # Salinity falls with depth below the topsoil; fill values stay -9.
                        value = ec if ec < 0 else round(ec * 0.85**k, 2)
                        ph = round(8.0 + 0.08 * max(ec, 0.0) ** 0.5 * 3, 1)
                        esp = round(max(ec, 0.0) * 1.5, 1) if ec >= 0 else -9.0
                        layer_rows.append(
                            (unit, 1, seq, share, wrb2, fao90, layer, topdep, botdep, ph, esp, value)
                        )
            con.executemany(
                "INSERT INTO HWSD2_SMU (HWSD2_SMU_ID, COVERAGE, SHARE, WRB2, FAO90, DESCRIPTION) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                smu_rows,
            )
            con.executemany(
                "INSERT INTO HWSD2_LAYERS (HWSD2_SMU_ID, COVERAGE, SEQUENCE, SHARE, WRB2, FAO90, LAYER, "
                "TOPDEP, BOTDEP, PH_WATER, ESP, ELEC_COND) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                layer_rows,
            )
            meta = {
                "data_basis": DATA_BASIS,
                "description": _SYNTHETIC_NOTE,
                "attribution": db_src.attribution,
            }
            con.executemany("INSERT INTO METADATA VALUES (?, ?)", list(meta.items()))
            con.commit()
        finally:
            con.close()
        db_zip.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(db, db_zip)  # ISRIC's stand-alone SQLite (FAO's HWSD2_DB.zip holds an .mdb)
    return [raster_zip, db_zip]


def build_demo_inputs(
    raw_dir: Path,
    *,
    region_wgs84: BaseGeometry,
    bounds: BBox,
    year: int,
    seed: int = 42,
    dem_source: str = "copdem_glo90",
    landcover_source: str = "worldcover_2021",
    gwa_height_m: int = 100,
    weather_spacing_deg: float = 1.0,
    dem_cells_per_degree: int = 360,
    landcover_cells_per_degree: int = 400,
    gsa_cells_per_degree: int = 120,
    gwa_cells_per_degree: int = 100,
    with_hwsd: bool = True,
) -> list[Path]:
    """Write every demo input under ``raw_dir`` with the real file names and formats.

    Parameters
    ----------
    raw_dir : Path
        Raw-data root (``resources/raw``); relative paths come from :mod:`siting.sources`.
    region_wgs84 : shapely geometry
        Region polygon [EPSG:4326]; vector layers are clipped to it, weather points kept near it.
    bounds : tuple of float
        (west, south, east, north) [°] of the region.
    year : int
        Year of the hourly reference weather.
    seed : int
        Seed of every random field (same seed → same files).
    dem_source, landcover_source : str
        Catalogue ids whose tile names and layout are used.
    gwa_height_m : int
        Height of the wind-atlas layers [m].
    weather_spacing_deg : float
        Spacing of the reference-weather lattice [°].
    dem_cells_per_degree, landcover_cells_per_degree, gsa_cells_per_degree, gwa_cells_per_degree : int
        Resolution of the synthetic rasters [cells per degree] (real: 1200, 12000, 120, 400).
    with_hwsd : bool
        Also write the HWSD v2.0 soil raster and database (:func:`write_hwsd`).

    Returns
    -------
    list of Path
        Every written file.
    """
    raw_dir = Path(raw_dir)
    wc_tiles = sources.degree_tiles(bounds, 3.0)
    dem_tiles = sources.degree_tiles(bounds, 1.0)
    gsa_extent = (bounds[0] - 0.5, bounds[1] - 0.5, bounds[2] + 0.5, bounds[3] + 0.5)
    extent = _extent_union(
        *(_tile_box(la, lo, 3.0) for la, lo in wc_tiles),
        *(_tile_box(la, lo, 1.0) for la, lo in dem_tiles),
        gsa_extent,
    )
    terrain = build_terrain(extent, region_wgs84, seed=seed)
    written = _write_dem(raw_dir, terrain, bounds, dem_source, dem_cells_per_degree)
    written += _write_worldcover(
        raw_dir, terrain, region_wgs84, bounds, landcover_source, landcover_cells_per_degree, seed
    )
    written += _write_solar(raw_dir, terrain, gsa_extent, gsa_cells_per_degree)
    written += _write_wind(raw_dir, terrain, bounds, gwa_height_m, gwa_cells_per_degree)
    redline, farmland, transform = _user_layer_masks(terrain, region_wgs84, bounds, seed)
    written += vector_demo.write_user_layers(
        raw_dir, region_wgs84, redline_mask=redline, farmland_mask=farmland, transform=transform, seed=seed
    )
    written += _write_weather(raw_dir, region_wgs84, year, weather_spacing_deg, seed)
    if with_hwsd:
        written += write_hwsd(raw_dir, bounds=bounds, region_wgs84=region_wgs84, seed=seed, terrain=terrain)
    logger.info("wrote %d demo input files under %s", len(written), raw_dir)
    return written
