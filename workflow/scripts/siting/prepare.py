"""Per-tile layer groups on the analysis grid: terrain, land cover, climate, vector layers and zones.

Each function returns named float32/uint8/uint16 arrays on the tile grid *with* its halo; the rule
scripts write them with :func:`siting.io.write_raster`. Band names carry units.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np
import shapely
from affine import Affine
from rasterio import features

from siting import terrain
from siting.layers import LANDCOVER_NODATA
from siting.warp import warp_to_tile

if TYPE_CHECKING:  # not imported at run time: the raster-only prepare jobs start faster without them
    import geopandas as gpd
    import pandas as pd

CLIMATE_BANDS = {
    # band name (siting.layers.CLIMATE_BANDS): source key
    "ghi_kwh_m2_day": "gsa_ghi",
    "dni_kwh_m2_day": "gsa_dni",
    "pvout_kwh_kwp_day": "gsa_pvout",
    "wind_speed_m_s": "gwa_wind_speed",
    "weibull_a_m_s": "gwa_combined_weibull_a",
    "weibull_k": "gwa_combined_weibull_k",
    "air_density_kg_m3": "gwa_air_density",
}


def terrain_layers(
    dem_paths: Sequence[str], *, transform: Affine, shape: tuple[int, int], crs: str
) -> dict[str, np.ndarray]:
    """Elevation [m], slope [°], aspect [° from north, clockwise; NaN when flat] and TRI [m].

    The DEM is warped first (bilinear from coarser, average from finer sources); slope, aspect and
    ruggedness are then computed on the projected grid, so they are true to the grid's cell size.
    Cells no DEM tile covers (e.g. ocean tiles that do not exist) are NaN.
    """
    dem = warp_to_tile(
        dem_paths,
        dst_transform=transform,
        dst_shape=shape,
        dst_crs=crs,
        kind="continuous",
        dst_nodata=np.nan,
        dtype="float32",
    )
    res = abs(transform.a)
    return {
        "elevation_m": dem,
        "slope_deg": terrain.slope_deg(dem, resolution_m=res),
        "aspect_deg": terrain.aspect_deg(dem, resolution_m=res),
        "ruggedness_m": terrain.ruggedness_tri_m(dem),
    }


def landcover_layer(
    paths: Sequence[str], *, transform: Affine, shape: tuple[int, int], crs: str
) -> dict[str, np.ndarray]:
    """ESA WorldCover class codes (uint8, 0 = nodata), resampled by mode from the 10 m source."""
    return {
        "landcover": warp_to_tile(
            paths,
            dst_transform=transform,
            dst_shape=shape,
            dst_crs=crs,
            kind="class",
            dst_nodata=LANDCOVER_NODATA,
            dtype="uint8",
        )
    }


def climate_layers(
    paths: Mapping[str, str], *, transform: Affine, shape: tuple[int, int], crs: str
) -> dict[str, np.ndarray]:
    """Atlas means on the tile: GHI/DNI [kWh/m²/day], PVOUT [kWh/kWp/day], wind [m/s], Weibull, density.

    ``paths`` maps the source keys of :data:`CLIMATE_BANDS` to GDAL paths; missing keys give NaN bands.
    """
    out = {}
    for band, key in CLIMATE_BANDS.items():
        out[band] = warp_to_tile(
            [paths[key]] if key in paths else [],
            dst_transform=transform,
            dst_shape=shape,
            dst_crs=crs,
            kind="continuous",
            dst_nodata=np.nan,
            dtype="float32",
        )
    return out


def rasterize_presence(gdf: gpd.GeoDataFrame, *, transform: Affine, shape: tuple[int, int]) -> np.ndarray:
    """1 where a feature covers the cell centre (polygons) or touches the cell (points, lines), else 0."""
    out = np.zeros(shape, dtype="uint8")
    if gdf.empty:
        return out
    geoms = gdf.geometry.values
    polygonal = shapely.get_type_id(geoms) >= 3
    if polygonal.any():
        features.rasterize(
            ((g, 1) for g in geoms[polygonal]), out=out, transform=transform, all_touched=False
        )
    if (~polygonal).any():
        features.rasterize(
            ((g, 1) for g in geoms[~polygonal]), out=out, transform=transform, all_touched=True
        )
    return out


def distance_to_features_m(
    gdf: gpd.GeoDataFrame, *, transform: Affine, shape: tuple[int, int], block_cells: int = 1 << 18
) -> np.ndarray:
    """Exact distance [m] from every cell centre to the nearest feature (NaN when there is none).

    Uses an STR-tree nearest query on the features, so the result does not depend on tile edges
    (features far outside the tile still count) and costs O(cells · log features). The cell
    centres are made as points in row blocks of about ``block_cells``, so memory does not grow
    with the tile size (a shapely point costs ≈ 250 B).
    """
    out = np.full(shape, np.nan, dtype="float32")
    if gdf.empty:
        return out
    tree = shapely.STRtree(gdf.geometry.values)
    height, width = shape
    rows_per_block = max(1, block_cells // max(width, 1))
    x = transform.c + (np.arange(width) + 0.5) * transform.a
    for r0 in range(0, height, rows_per_block):
        r1 = min(r0 + rows_per_block, height)
        y = transform.f + (np.arange(r0, r1) + 0.5) * transform.e
        points = shapely.points(np.tile(x, r1 - r0), np.repeat(y, width))
        _, dist = tree.query_nearest(points, return_distance=True, all_matches=False)
        out[r0:r1] = dist.reshape(r1 - r0, width)
    return out


def zone_raster(
    zones: gpd.GeoDataFrame, *, transform: Affine, shape: tuple[int, int], id_column: str = "zone"
) -> np.ndarray:
    """uint16 zone ids (cell centre inside the polygon), 0 outside every polygon."""
    out = np.zeros(shape, dtype="uint16")
    if zones.empty:
        return out
    features.rasterize(
        zip(zones.geometry.values, zones[id_column].astype(int), strict=True),
        out=out,
        transform=transform,
        all_touched=False,
        dtype="uint16",
    )
    return out


def soil_layers(
    smu_path: str, salinity: pd.Series, *, transform: Affine, shape: tuple[int, int], crs: str
) -> dict[str, np.ndarray]:
    """Topsoil salinity [dS/m] from the HWSD v2 mapping units (nearest) joined to their ELEC_COND."""
    from siting import soil

    ids = warp_to_tile(
        [smu_path],
        dst_transform=transform,
        dst_shape=shape,
        dst_crs=crs,
        kind="class",
        dst_nodata=soil.SMU_NODATA,
        dtype="uint16",
    )
    return {"salinity_ds_m": soil.salinity_raster(ids, salinity, nodata=soil.SMU_NODATA)}
