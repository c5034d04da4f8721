"""Small synthetic inputs in the analysis contracts, for the map and report tests (unit and browser).

Region layers (EPSG:4326), province-wide rasters in the equal-area CRS (COG), site layers and tables,
shaped like the pipeline's outputs but made up here: nothing is read from the pipeline.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
from affine import Affine
from pyproj import Transformer
from shapely.geometry import Polygon, box

from siting.io import write_raster


def origin_transform(x0: float, y0: float, res_x: float, res_y: float) -> Affine:
    """North-up transform with its top-left corner at (x0, y0) [CRS units] (rasterio's from_origin)."""
    return Affine(res_x, 0.0, x0, 0.0, -res_y, y0)


ALBERS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84"
WEST, SOUTH, EAST, NORTH = 110.3, 34.6, 114.5, 40.7

BASES = [
    ("jinbei", "晋北风光火储一体化外送基地", "North Shanxi wind-solar-thermal-storage export base"),
    ("jinnan", "晋南源网荷储一体化示范基地", "South Shanxi source-grid-load-storage demonstration base"),
]


def province_polygon() -> Polygon:
    """A Shanxi-like outline (a slanted hexagon inside the real bounding box)."""
    return Polygon(
        [
            (111.0, SOUTH),
            (114.0, 35.2),
            (EAST, 37.5),
            (114.0, NORTH),
            (112.3, NORTH),
            (WEST, 38.5),
            (111.0, SOUTH),
        ]
    )


def region_layers() -> dict[str, gpd.GeoDataFrame]:
    """``province``, ``city`` (3 bands), ``county`` (2 per city), ``base`` (north and south) in EPSG:4326."""
    prov = province_polygon()
    lat_edges = np.linspace(SOUTH, NORTH, 4)
    cities, counties = [], []
    for i in range(3):
        band = box(WEST - 1, lat_edges[i], EAST + 1, lat_edges[i + 1]).intersection(prov)
        code = 140100 + 100 * (i + 1)
        cities.append({"adcode": code, "name_zh": f"测试{i + 1}市", "geometry": band})
        mid = (band.bounds[0] + band.bounds[2]) / 2
        for j, part in enumerate([box(WEST - 1, -90, mid, 90), box(mid, -90, EAST + 1, 90)]):
            counties.append(
                {
                    "adcode": code + 21 + j,
                    "name_zh": f"测试{i + 1}{'东西'[j]}县",
                    "city_adcode": code,
                    "city_zh": f"测试{i + 1}市",
                    "geometry": band.intersection(part),
                }
            )
    province = gpd.GeoDataFrame([{"adcode": 140000, "name_zh": "山西省", "geometry": prov}], crs=4326)
    city = gpd.GeoDataFrame(cities, crs=4326)
    county = gpd.GeoDataFrame(counties, crs=4326)
    north = county[county.city_adcode == 140400]
    south = county[county.city_adcode == 140200]
    base = gpd.GeoDataFrame(
        [
            {
                "base_id": bid,
                "name_zh": zh,
                "name_en": en,
                "n_counties": len(part),
                "counties": ",".join(str(a) for a in part.adcode),
                "definition": "proposed from geography (test)",
                "geometry": part.union_all(),
            }
            for (bid, zh, en), part in zip(BASES, [north, south], strict=True)
        ],
        crs=4326,
    )
    for gdf in (province, city, county, base):
        gdf["area_km2"] = gdf.to_crs(ALBERS).area / 1e6
    return {"province": province, "city": city, "county": county, "base": base}


def albers_grid(resolution_m: float) -> tuple[object, int, int]:
    """Transform, width and height of an equal-area grid covering the province box."""
    t = Transformer.from_crs(4326, ALBERS, always_xy=True)
    left, bottom, right, top = t.transform_bounds(WEST, SOUTH, EAST, NORTH)
    width = int(np.ceil((right - left) / resolution_m))
    height = int(np.ceil((top - bottom) / resolution_m))
    return origin_transform(left, top, resolution_m, resolution_m), width, height


def raster_arrays(width: int, height: int, *, seed: int = 0) -> dict[str, np.ndarray]:
    """Eligibility (pv, wind), land categories and scores (pv, wind): smooth structure, nodata edges."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype("float32")
    yy /= height
    xx /= width
    wave = np.sin(xx * 9.0) * np.cos(yy * 7.0)
    edge = (xx < 0.04) | (xx > 0.96) | (yy < 0.03) | (yy > 0.97)
    elig_pv = np.where(wave > 0.2, 1, 0).astype("uint8")
    elig_wind = np.where(np.cos(xx * 5.0 + yy * 6.0) > 0.3, 1, 0).astype("uint8")
    cats = np.clip(np.floor((yy * 4) + wave), 1, 4).astype("uint8")
    score_pv = (100 * (1 - yy) * (0.6 + 0.4 * wave)).clip(0, 100).astype("float32")
    score_wind = (100 * (0.5 + 0.5 * np.cos(xx * 4.0))).astype("float32")
    noise = rng.random((height, width)) < 0.002
    for arr in (elig_pv, elig_wind):
        arr[edge] = 255
    cats[edge] = 0
    score_pv[edge | noise] = np.nan
    score_wind[edge] = np.nan
    return {
        "pv": elig_pv,
        "wind": elig_wind,
        "categories": cats,
        "score_pv": score_pv,
        "score_wind": score_wind,
    }


def write_rasters(folder: Path, *, resolution_m: float = 2000.0) -> dict[str, Path]:
    """Province-wide COGs: ``eligibility_pv``, ``eligibility_wind``, ``land_categories``, ``score_pv``,
    ``score_wind`` (tagged ``DATA_BASIS=demo-synthetic``)."""
    transform, width, height = albers_grid(resolution_m)
    arrays = raster_arrays(width, height)
    tags = {"DATA_BASIS": "demo-synthetic"}
    paths = {
        "eligibility_pv": ("pv", 255),
        "eligibility_wind": ("wind", 255),
        "land_categories": ("categories", 0),
        "score_pv": ("score_pv", float("nan")),
        "score_wind": ("score_wind", float("nan")),
    }
    out = {}
    for name, (key, nodata) in paths.items():
        out[name] = folder / f"{name}.tif"
        write_raster(
            out[name],
            {name: arrays[key]},
            transform=transform,
            crs=ALBERS,
            nodata=nodata,
            tags=tags,
            cog=True,
        )
    return out


SITE_COLUMNS_COMMON = [
    "site_id",
    "technology",
    "base",
    "city",
    "county",
    "land_category",
    "area_km2",
    "capacity_mw",
    "annual_energy_gwh",
    "capacity_factor",
]
SITE_COLUMNS_TAIL = ["mean_slope_deg", "score", "rank", "lon", "lat", "data_basis"]


def site_columns(technology: str) -> list[str]:
    """The site columns of the contract for one technology."""
    yield_col = "specific_yield_kwh_kwp" if technology == "pv" else "full_load_hours"
    return [*SITE_COLUMNS_COMMON, yield_col, *SITE_COLUMNS_TAIL]


def sites(technology: str, n: int = 24, *, seed: int = 1) -> gpd.GeoDataFrame:
    """``n`` square sites (~2–4 km) inside the province, with every contract column."""
    rng = np.random.default_rng(seed)
    region = region_layers()
    prov = region["province"].geometry.iloc[0]
    rows = []
    while len(rows) < n:
        lon, lat = rng.uniform(WEST, EAST), rng.uniform(SOUTH, NORTH)
        if not prov.contains(box(lon - 0.03, lat - 0.03, lon + 0.03, lat + 0.03)):
            continue
        half = rng.uniform(0.01, 0.02)
        geom = box(lon - half, lat - half, lon + half, lat + half)
        county = region["county"][region["county"].contains(geom.centroid)]
        base = region["base"][region["base"].contains(geom.centroid)]
        rows.append(
            {
                "technology": technology,
                "base": base.base_id.iloc[0] if len(base) else None,
                "city": county.city_zh.iloc[0] if len(county) else "",
                "county": county.name_zh.iloc[0] if len(county) else "",
                "land_category": ["coal_subsidence", "saline", "barren_hills", "other"][len(rows) % 4],
                "mean_slope_deg": float(rng.uniform(0, 15)),
                "score": float(rng.uniform(30, 95)),
                "lon": lon,
                "lat": lat,
                "geometry": geom,
            }
        )
    gdf = gpd.GeoDataFrame(rows, crs=4326)
    gdf["area_km2"] = gdf.to_crs(ALBERS).area / 1e6
    density = 35.0 if technology == "pv" else 3.4
    gdf["capacity_mw"] = gdf["area_km2"] * density
    if technology == "pv":
        gdf["specific_yield_kwh_kwp"] = rng.uniform(1300, 1600, n)
        gdf["annual_energy_gwh"] = gdf["capacity_mw"] * gdf["specific_yield_kwh_kwp"] / 1000
        gdf["capacity_factor"] = gdf["specific_yield_kwh_kwp"] / 8760
    else:
        gdf["full_load_hours"] = rng.uniform(1700, 2400, n)
        gdf["annual_energy_gwh"] = gdf["capacity_mw"] * gdf["full_load_hours"] / 1000
        gdf["capacity_factor"] = gdf["full_load_hours"] / 8760
    gdf = gdf.sort_values("score", ascending=False).reset_index(drop=True)
    gdf["rank"] = np.arange(1, n + 1)
    gdf["site_id"] = [
        f"{technology}-{b if isinstance(b, str) else 'none'}-{i:04d}"
        for i, b in enumerate(gdf["base"], start=1)
    ]
    gdf["data_basis"] = "demo-synthetic"
    return gdf[[*site_columns(technology), "geometry"]]


def eligibility_table() -> pd.DataFrame:
    """Eligible area and capacity per base and technology (the shape the report expects)."""
    rows = []
    for bid, zh, _en in BASES:
        for tech, density in (("pv", 35.0), ("wind", 3.4)):
            area = 1200.0 if tech == "pv" else 4000.0
            rows.append(
                {
                    "base": bid,
                    "technology": tech,
                    "eligible_area_km2": area,
                    "capacity_mw": area * density,
                    "base_zh": zh,
                }
            )
    return pd.DataFrame(rows)
