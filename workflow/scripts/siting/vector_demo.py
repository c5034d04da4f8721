"""Synthetic geography of Shanxi for the demo inputs, and the demo user vector layers.

The demo rasters (:mod:`siting.demo`) and the demo user layers are drawn from the same sketch of the
province: real prefecture-city and county-seat coordinates, roughly placed rivers, basins, mountain
ranges, coalfields and saline areas (all EPSG:4326, ``(lon, lat)``). None of it is survey data: every
layer carries ``data_basis = "demo-synthetic"``.

The user layers mimic what a planner supplies (:data:`USER_LAYER_FILES`): ecological red lines,
permanent basic farmland, coal-mining subsidence, saline land, substations and transmission lines,
each a GeoPackage in EPSG:4326 with the columns ``name`` and ``data_basis``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from affine import Affine
from rasterio import features
from scipy.sparse.csgraph import minimum_spanning_tree
from shapely.geometry import LineString, Point, Polygon, shape
from shapely.geometry.base import BaseGeometry

logger = logging.getLogger(__name__)

DATA_BASIS = "demo-synthetic"
"""Value of the ``data_basis`` column / tag on every synthetic input."""

CRS_WGS84 = "EPSG:4326"
CRS_EQUAL_AREA = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84 +units=m +no_defs"
"""Metric CRS used to draw buffers and ellipses in metres (the pipeline's default analysis CRS)."""

USER_LAYER_FILES = {
    "ecological_redline": "user/ecological_redline.gpkg",
    "permanent_farmland": "user/permanent_farmland.gpkg",
    "coal_subsidence": "user/coal_subsidence.gpkg",
    "saline_land": "user/saline_land.gpkg",
    "substations": "user/substations.gpkg",
    "transmission_lines": "user/transmission_lines.gpkg",
}
"""Demo user layers: key → path relative to the raw-data root."""

# --------------------------------------------------------------------------------------------------
# Places (lon, lat), WGS84, seats of government rounded to ~0.01°
# --------------------------------------------------------------------------------------------------

PREFECTURE_CITIES: dict[str, tuple[float, float]] = {
    "太原": (112.549, 37.870),
    "大同": (113.300, 40.077),
    "阳泉": (113.580, 37.857),
    "长治": (113.117, 36.195),
    "晋城": (112.851, 35.491),
    "朔州": (112.433, 39.331),
    "晋中": (112.753, 37.687),
    "运城": (111.007, 35.026),
    "忻州": (112.734, 38.417),
    "临汾": (111.519, 36.088),
    "吕梁": (111.144, 37.519),
}
"""The 11 prefecture-level cities (city centres)."""

CITY_RADIUS_KM: dict[str, float] = {"太原": 11.0, "大同": 8.0, "长治": 6.0, "临汾": 5.5, "运城": 5.5}
"""Built-up radius of the larger cities [km]; others default to 4 km."""

COUNTY_TOWNS: dict[str, tuple[float, float]] = {
    "左云": (112.70, 40.01),
    "新荣": (113.14, 40.26),
    "阳高": (113.75, 40.36),
    "天镇": (114.09, 40.42),
    "浑源": (113.70, 39.70),
    "应县": (113.19, 39.55),
    "山阴": (112.82, 39.53),
    "怀仁": (113.10, 39.82),
    "右玉": (112.47, 39.99),
    "灵丘": (114.23, 39.44),
    "偏关": (111.51, 39.44),
    "河曲": (111.14, 39.38),
    "宁武": (112.30, 39.00),
    "原平": (112.71, 38.73),
    "代县": (112.96, 39.07),
    "五台": (113.25, 38.73),
    "岢岚": (111.57, 38.70),
    "兴县": (111.13, 38.46),
    "古交": (112.17, 37.91),
    "寿阳": (113.18, 37.89),
    "昔阳": (113.71, 37.61),
    "左权": (113.38, 37.08),
    "平遥": (112.18, 37.19),
    "介休": (111.92, 37.03),
    "孝义": (111.78, 37.15),
    "柳林": (110.89, 37.43),
    "石楼": (110.83, 37.00),
    "隰县": (110.94, 36.69),
    "霍州": (111.75, 36.57),
    "洪洞": (111.67, 36.25),
    "侯马": (111.37, 35.62),
    "吉县": (110.68, 36.10),
    "河津": (110.71, 35.60),
    "闻喜": (111.22, 35.36),
    "永济": (110.45, 34.87),
    "芮城": (110.69, 34.69),
    "垣曲": (111.67, 35.30),
    "沁水": (112.19, 35.69),
    "阳城": (112.42, 35.49),
    "高平": (112.92, 35.80),
    "陵川": (113.28, 35.78),
    "襄垣": (113.05, 36.53),
    "沁源": (112.34, 36.50),
    "黎城": (113.39, 36.50),
}
"""A selection of county seats (towns for substations and small built-up patches)."""

# --------------------------------------------------------------------------------------------------
# Hydrography (rough courses), basins, ranges
# --------------------------------------------------------------------------------------------------

RIVERS: dict[str, list[tuple[float, float]]] = {
    "汾河": [
        (111.95, 38.90),
        (111.94, 38.36),
        (111.93, 38.06),
        (112.17, 37.93),
        (112.43, 37.99),
        (112.53, 37.85),
        (112.42, 37.58),
        (112.15, 37.33),
        (111.95, 37.10),
        (111.78, 36.85),
        (111.73, 36.57),
        (111.68, 36.25),
        (111.52, 36.07),
        (111.44, 35.88),
        (111.35, 35.62),
        (111.22, 35.61),
        (110.98, 35.60),
        (110.70, 35.57),
        (110.58, 35.47),
    ],
    "桑干河": [
        (112.25, 39.10),
        (112.43, 39.30),
        (112.82, 39.49),
        (113.10, 39.63),
        (113.35, 39.80),
        (113.60, 39.93),
        (113.85, 40.00),
        (114.15, 40.12),
        (114.45, 40.18),
    ],
    "御河": [(113.35, 40.45), (113.30, 40.15), (113.33, 39.95), (113.45, 39.88)],
    "滹沱河": [
        (113.65, 39.25),
        (113.26, 39.17),
        (112.96, 39.05),
        (112.72, 38.76),
        (112.90, 38.50),
        (113.20, 38.52),
        (113.50, 38.33),
        (114.00, 38.25),
    ],
    "沁河": [
        (112.30, 36.85),
        (112.34, 36.50),
        (112.25, 36.15),
        (112.30, 35.75),
        (112.45, 35.45),
        (112.70, 35.10),
    ],
    "浊漳河": [(112.70, 36.75), (113.05, 36.53), (113.25, 36.40), (113.45, 36.50), (114.00, 36.45)],
    "涑水河": [
        (111.57, 35.47),
        (111.22, 35.36),
        (110.95, 35.10),
        (110.65, 34.95),
        (110.45, 34.88),
        (110.30, 34.84),
    ],
    "三川河": [(111.45, 37.65), (111.14, 37.52), (110.89, 37.43), (110.75, 37.40)],
    "昕水河": [(111.10, 36.75), (110.94, 36.69), (110.70, 36.60), (110.48, 36.55)],
    "南洋河": [(114.30, 40.45), (113.95, 40.35), (113.75, 40.28), (113.60, 40.15)],
}
"""Main rivers, rough courses from source to mouth."""

RIVER_WIDTH_M: dict[str, float] = {"黄河": 600.0, "汾河": 250.0, "桑干河": 200.0, "滹沱河": 200.0}
"""Channel width [m]; unlisted rivers 150 m."""

YELLOW_RIVER_SKETCH: list[tuple[float, float]] = [
    (111.43, 39.75),
    (111.30, 39.55),
    (111.15, 39.40),
    (111.10, 39.05),
    (110.95, 38.70),
    (110.85, 38.30),
    (110.80, 37.90),
    (110.78, 37.63),
    (110.72, 37.45),
    (110.55, 37.10),
    (110.60, 36.76),
    (110.50, 36.40),
    (110.45, 36.15),
    (110.58, 35.66),
    (110.40, 35.30),
    (110.27, 34.90),
    (110.30, 34.62),
    (110.70, 34.63),
    (111.00, 34.72),
    (111.35, 34.82),
    (111.70, 35.05),
    (112.05, 35.05),
]
"""Rough course of the Yellow River along the western and southern border (snapped to the region's
boundary by :func:`yellow_river`)."""

RESERVOIRS: dict[str, tuple[float, float, float, float, float]] = {
    "汾河水库": (111.93, 38.06, 4.5, 1.2, 75.0),
    "漳泽水库": (113.05, 36.23, 3.5, 1.5, 30.0),
    "册田水库": (113.83, 40.00, 5.0, 1.0, 20.0),
    "文峪河水库": (111.95, 37.55, 3.0, 0.8, 60.0),
    "伍姓湖": (110.62, 34.88, 2.5, 1.5, 20.0),
}
"""Reservoirs and lakes: lon, lat, semi-axes [km], rotation [° counter-clockwise from east]."""

YUNCHENG_SALT_LAKE = (111.02, 35.005, 15.0, 2.0, 12.0)
"""运城盐湖: lon, lat, semi-axes [km] (~30 × 4 km), rotation [°]."""

BASINS: dict[str, list[tuple[float, float]]] = {
    "大同盆地": [
        (112.25, 39.20),
        (112.55, 39.15),
        (113.05, 39.45),
        (113.55, 39.72),
        (114.20, 40.02),
        (114.25, 40.30),
        (113.70, 40.30),
        (113.30, 40.22),
        (112.95, 40.02),
        (112.60, 39.70),
        (112.30, 39.50),
    ],
    "忻定盆地": [
        (112.48, 38.36),
        (112.82, 38.32),
        (113.12, 38.45),
        (113.20, 38.62),
        (113.55, 39.12),
        (113.30, 39.25),
        (112.95, 39.15),
        (112.62, 38.82),
    ],
    "太原盆地": [
        (112.40, 38.02),
        (112.75, 37.95),
        (112.82, 37.60),
        (112.55, 37.22),
        (112.05, 36.98),
        (111.78, 37.05),
        (111.82, 37.35),
        (112.20, 37.66),
        (112.35, 37.95),
    ],
    "临汾盆地": [
        (111.62, 36.68),
        (111.85, 36.60),
        (111.82, 36.02),
        (111.62, 35.68),
        (111.30, 35.52),
        (110.70, 35.50),
        (110.62, 35.70),
        (111.28, 35.82),
        (111.42, 36.20),
        (111.58, 36.50),
    ],
    "运城盆地": [
        (110.28, 34.84),
        (110.55, 34.80),
        (111.05, 34.98),
        (111.50, 35.28),
        (111.62, 35.46),
        (111.30, 35.50),
        (110.72, 35.36),
        (110.35, 35.22),
    ],
    "长治盆地": [(112.85, 35.98), (113.20, 35.98), (113.30, 36.35), (113.10, 36.60), (112.80, 36.45)],
}
"""Flat, cropped basins (the 汾河 graben chain plus 大同, 忻定 and 长治)."""

RANGES: dict[str, tuple[list[tuple[float, float]], float]] = {
    "太行山": (
        [
            (113.15, 35.20),
            (113.55, 35.60),
            (113.72, 36.10),
            (113.78, 36.60),
            (113.88, 37.10),
            (113.98, 37.60),
            (114.05, 38.20),
            (114.10, 38.70),
        ],
        0.9,
    ),
    "五台山": ([(112.95, 38.80), (113.35, 38.98), (113.60, 39.05), (113.95, 39.20), (114.35, 39.45)], 1.0),
    "恒山": ([(113.20, 39.50), (113.75, 39.62), (114.30, 39.80)], 0.8),
    "吕梁山": (
        [
            (112.05, 39.05),
            (111.90, 38.60),
            (111.55, 38.10),
            (111.45, 37.80),
            (111.30, 37.30),
            (111.20, 36.80),
            (111.05, 36.30),
            (110.90, 35.90),
        ],
        0.9,
    ),
    "太岳山": ([(112.00, 37.00), (112.10, 36.70), (112.12, 36.30), (112.02, 35.90)], 0.8),
    "中条山": ([(110.45, 34.72), (110.95, 34.88), (111.50, 35.15), (111.95, 35.32), (112.35, 35.32)], 0.8),
    "系舟山": ([(112.35, 38.20), (112.50, 38.55), (112.60, 38.85)], 0.6),
}
"""Mountain ranges: ridge axis and relative strength (0–1)."""

NATURE_RESERVES: dict[str, tuple[float, float, float]] = {
    "五台山": (113.58, 39.05, 14.0),
    "芦芽山": (111.90, 38.72, 12.0),
    "庞泉沟": (111.47, 37.85, 10.0),
    "历山": (111.95, 35.40, 10.0),
    "蟒河": (112.45, 35.27, 7.0),
    "灵空山": (112.10, 36.65, 7.0),
}
"""Mountain cores for the synthetic ecological red line: lon, lat, radius [km]."""

COALFIELD_SUBSIDENCE: dict[str, tuple[float, float, float, int]] = {
    "大同煤田 左云": (112.78, 40.00, 12.0, 8),
    "大同煤田 云冈": (113.02, 40.06, 10.0, 8),
    "大同煤田 新荣": (113.10, 40.20, 10.0, 7),
    "宁武煤田": (112.25, 38.92, 8.0, 5),
    "西山煤田 古交": (112.15, 37.88, 5.0, 4),
    "西山煤田 万柏林": (112.42, 37.86, 3.5, 3),
    "霍西煤田 孝义": (111.72, 37.12, 4.0, 3),
    "沁水煤田 阳泉": (113.52, 37.88, 4.0, 3),
    "沁水煤田 潞安": (112.95, 36.35, 5.0, 4),
    "沁水煤田 晋城": (112.65, 35.60, 5.0, 4),
}
"""Subsidence clusters: lon, lat, cluster radius [km], number of patches."""

SALINE_AREAS: dict[str, tuple[float, float, float, int]] = {
    "阳高": (113.78, 40.20, 9.0, 6),
    "应县": (113.15, 39.62, 10.0, 7),
    "山阴": (112.82, 39.50, 9.0, 7),
    "朔城": (112.50, 39.36, 8.0, 6),
    "怀仁": (113.22, 39.78, 9.0, 6),
}
"""Saline patches in the 大同 basin along the 桑干河: lon, lat, cluster radius [km], patches."""


# --------------------------------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------------------------------


def _metric(geoms: list[BaseGeometry]) -> gpd.GeoSeries:
    return gpd.GeoSeries(geoms, crs=CRS_WGS84).to_crs(CRS_EQUAL_AREA)


def _to_wgs84(geoms: gpd.GeoSeries) -> list[BaseGeometry]:
    return list(geoms.to_crs(CRS_WGS84))


def ellipse(lon: float, lat: float, a_km: float, b_km: float, angle_deg: float) -> Polygon:
    """An ellipse drawn in metres around ``(lon, lat)``, returned in EPSG:4326.

    Parameters
    ----------
    lon, lat : float
        Centre [°].
    a_km, b_km : float
        Semi-axes along and across ``angle_deg`` [km].
    angle_deg : float
        Rotation of the major axis, counter-clockwise from east [°].
    """
    centre = _metric([Point(lon, lat)])
    circle = centre.buffer(1000.0, quad_segs=24)
    shaped = circle.scale(a_km, b_km, origin="centroid").rotate(angle_deg, origin="centroid")
    return _to_wgs84(shaped)[0]


def buffer_km(geom: BaseGeometry, distance_km: float) -> BaseGeometry:
    """Buffer a EPSG:4326 geometry by ``distance_km`` [km] in metres (not degrees)."""
    return _to_wgs84(_metric([geom]).buffer(distance_km * 1000.0))[0]


def _blob(rng: np.random.Generator, lon: float, lat: float, size_km: float) -> Polygon:
    """An irregular patch: a random ellipse roughened by a wobbly buffer."""
    a = size_km * rng.uniform(0.6, 1.0)
    b = a * rng.uniform(0.35, 0.8)
    base = ellipse(lon, lat, a, b, rng.uniform(0, 180))
    ring = np.asarray(base.exterior.coords)
    wobble = 1.0 + 0.12 * np.sin(
        np.linspace(0, 2 * np.pi, len(ring)) * rng.integers(3, 7) + rng.uniform(0, 6)
    )
    centre = np.array([lon, lat])
    return shapely.make_valid(Polygon(centre + (ring - centre) * wobble[:, None]))


def _cluster(rng: np.random.Generator, lon: float, lat: float, radius_km: float, count: int) -> list:
    """``count`` blobs scattered within ``radius_km`` of ``(lon, lat)``."""
    km_per_deg_lat = 111.32
    km_per_deg_lon = km_per_deg_lat * np.cos(np.radians(lat))
    blobs = []
    for _ in range(count):
        r = radius_km * np.sqrt(rng.uniform(0, 1))
        t = rng.uniform(0, 2 * np.pi)
        blobs.append(
            _blob(
                rng,
                lon + r * np.cos(t) / km_per_deg_lon,
                lat + r * np.sin(t) / km_per_deg_lat,
                radius_km * rng.uniform(0.35, 0.6),
            )
        )
    return blobs


def _frame(names: list[str], geoms: list[BaseGeometry], **columns: list) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"name": names, **columns, "data_basis": [DATA_BASIS] * len(names)}, geometry=geoms, crs=CRS_WGS84
    )


def clip_to_region(frame: gpd.GeoDataFrame, region: BaseGeometry) -> gpd.GeoDataFrame:
    """Clip to ``region``, repair geometries and drop empty ones (keeps the geometry family)."""
    if frame.empty:
        return frame
    clipped = gpd.clip(frame, region, keep_geom_type=True)
    clipped = clipped[~clipped.geometry.is_empty & clipped.geometry.notna()].copy()
    clipped["geometry"] = shapely.make_valid(clipped.geometry.values)
    return clipped.reset_index(drop=True)


# --------------------------------------------------------------------------------------------------
# Geography layers used by the rasters
# --------------------------------------------------------------------------------------------------


def yellow_river(region: BaseGeometry, *, snap_km: float = 25.0) -> BaseGeometry:
    """The Yellow River: the part of the region's boundary within ``snap_km`` of the sketched course.

    The provincial border follows the river along the west and south, so the boundary itself is the
    best available course. Returns an empty geometry when the region does not reach the river.
    """
    corridor = buffer_km(LineString(YELLOW_RIVER_SKETCH), snap_km)
    return region.boundary.intersection(corridor)


def river_lines(region: BaseGeometry) -> gpd.GeoDataFrame:
    """Rivers (``name``, ``width_m``, line geometry) including the Yellow River along the border."""
    names = list(RIVERS)
    geoms: list[BaseGeometry] = [LineString(coords) for coords in RIVERS.values()]
    yellow = yellow_river(region)
    if not yellow.is_empty:
        names.append("黄河")
        geoms.append(yellow)
    widths = [RIVER_WIDTH_M.get(name, 150.0) for name in names]
    return _frame(names, geoms, width_m=widths)


def water_bodies() -> gpd.GeoDataFrame:
    """Reservoirs and lakes as polygons (``name``, ``kind``)."""
    names = list(RESERVOIRS)
    geoms = [ellipse(*spec) for spec in RESERVOIRS.values()]
    return _frame(names, geoms, kind=["reservoir"] * len(names))


def salt_lake() -> Polygon:
    """运城盐湖 as an ellipse (~30 × 4 km)."""
    return ellipse(*YUNCHENG_SALT_LAKE)


def built_up_areas(seed: int) -> gpd.GeoDataFrame:
    """Irregular built-up patches around the 11 city centres and the county towns."""
    rng = np.random.default_rng([seed, 50])
    names, geoms = [], []
    for name, (lon, lat) in PREFECTURE_CITIES.items():
        radius = CITY_RADIUS_KM.get(name, 4.0)
        core = buffer_km(Point(lon, lat), radius * 0.7)
        lobes = [_blob(rng, lon, lat, radius) for _ in range(3)]
        names.append(name)
        geoms.append(shapely.union_all([core, *lobes]))
    for name, (lon, lat) in COUNTY_TOWNS.items():
        names.append(name)
        geoms.append(_blob(rng, lon, lat, 1.8))
    return _frame(names, geoms)


# --------------------------------------------------------------------------------------------------
# User layers
# --------------------------------------------------------------------------------------------------


def polygons_from_mask(mask: np.ndarray, transform: Affine, *, min_area_deg2: float = 0.0) -> list:
    """Polygons (EPSG:4326) of the ``True`` cells of ``mask`` on the grid ``transform``."""
    shapes = features.shapes(mask.astype("uint8"), mask=mask, transform=transform)
    polys = [shape(geom) for geom, _ in shapes]
    return [p for p in polys if p.area > min_area_deg2]


def ecological_redline(
    core_mask: np.ndarray, transform: Affine, region: BaseGeometry, *, simplify_deg: float = 0.005
) -> gpd.GeoDataFrame:
    """Red lines: the high forested mountain cores (``core_mask``) plus the named reserves."""
    polys = polygons_from_mask(core_mask, transform, min_area_deg2=0.002)
    cores = [p.simplify(simplify_deg) for p in polys]
    reserves = [buffer_km(Point(lon, lat), r) for lon, lat, r in NATURE_RESERVES.values()]
    names = [f"生态保护红线 山地核心区 {i + 1}" for i in range(len(cores))]
    names += [f"生态保护红线 {name}" for name in NATURE_RESERVES]
    frame = _frame(names, [shapely.make_valid(g) for g in cores + reserves])
    return clip_to_region(frame, region)


def permanent_farmland(
    farm_mask: np.ndarray, transform: Affine, region: BaseGeometry, *, simplify_deg: float = 0.003
) -> gpd.GeoDataFrame:
    """Permanent basic farmland: patches of basin cropland (``farm_mask``) away from towns."""
    polys = [p.simplify(simplify_deg) for p in polygons_from_mask(farm_mask, transform, min_area_deg2=0.0005)]
    frame = _frame(
        [f"永久基本农田 {i + 1}" for i in range(len(polys))], [shapely.make_valid(p) for p in polys]
    )
    return clip_to_region(frame, region)


def coal_subsidence(region: BaseGeometry, *, seed: int) -> gpd.GeoDataFrame:
    """Subsidence patches in the 大同, 宁武, 西山, 霍西 and 沁水 coalfields."""
    rng = np.random.default_rng([seed, 71])
    names, geoms = [], []
    for name, (lon, lat, radius, count) in COALFIELD_SUBSIDENCE.items():
        for i, blob in enumerate(_cluster(rng, lon, lat, radius, count)):
            names.append(f"采煤沉陷区 {name} {i + 1}")
            geoms.append(blob)
    return clip_to_region(_frame(names, geoms), region)


def saline_land(region: BaseGeometry, *, seed: int) -> gpd.GeoDataFrame:
    """Saline-alkali land along the 桑干河 in the 大同 basin and around 运城盐湖."""
    rng = np.random.default_rng([seed, 72])
    names, geoms = [], []
    for name, (lon, lat, radius, count) in SALINE_AREAS.items():
        for i, blob in enumerate(_cluster(rng, lon, lat, radius, count)):
            names.append(f"盐碱地 {name} {i + 1}")
            geoms.append(blob)
    lake = salt_lake()
    names.append("盐碱地 运城盐湖")
    geoms.append(buffer_km(lake, 1.5).difference(lake.buffer(-0.002)))
    return clip_to_region(_frame(names, geoms), region)


def substations(region: BaseGeometry) -> gpd.GeoDataFrame:
    """Substations: 500 kV at the prefecture cities, 220 kV at the county towns."""
    names, geoms, kv = [], [], []
    for name, (lon, lat) in PREFECTURE_CITIES.items():
        names.append(f"{name} 500kV 变电站")
        geoms.append(Point(lon + 0.04, lat - 0.03))
        kv.append(500)
    for name, (lon, lat) in COUNTY_TOWNS.items():
        names.append(f"{name} 220kV 变电站")
        geoms.append(Point(lon + 0.015, lat + 0.01))
        kv.append(220)
    frame = _frame(names, geoms, voltage_kv=kv)
    return frame[frame.within(region)].reset_index(drop=True)


def transmission_lines(stations: gpd.GeoDataFrame, region: BaseGeometry) -> gpd.GeoDataFrame:
    """Lines: a 500 kV backbone (minimum spanning tree of the 500 kV stations) and 220 kV feeders.

    Each 220 kV station joins the tree of all stations (minimum spanning tree of the distances).
    """
    names, geoms, kv = [], [], []
    for voltage, subset in ((500, stations[stations.voltage_kv == 500]), (220, stations)):
        if len(subset) < 2:
            continue
        xy = np.column_stack([subset.geometry.x, subset.geometry.y])
        dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
        tree = minimum_spanning_tree(dist).tocoo()
        for i, j in zip(tree.row, tree.col, strict=True):
            a, b = subset.iloc[i], subset.iloc[j]
            if voltage == 220 and a.voltage_kv == 500 and b.voltage_kv == 500:
                continue
            names.append(f"{a['name'].split()[0]}–{b['name'].split()[0]} {voltage}kV")
            geoms.append(LineString([a.geometry, b.geometry]))
            kv.append(voltage)
    return clip_to_region(_frame(names, geoms, voltage_kv=kv), region)


def write_user_layers(
    raw_dir: Path,
    region: BaseGeometry,
    *,
    redline_mask: np.ndarray,
    farmland_mask: np.ndarray,
    transform: Affine,
    seed: int,
) -> list[Path]:
    """Write the six demo user layers (GeoPackage, EPSG:4326) under ``raw_dir``.

    Parameters
    ----------
    raw_dir : Path
        Raw-data root; files go to :data:`USER_LAYER_FILES`.
    region : shapely geometry
        Region polygon [EPSG:4326]; every layer is clipped to it.
    redline_mask, farmland_mask : numpy.ndarray of bool
        Mountain cores and basin farmland on the grid ``transform`` (from the demo terrain).
    transform : affine.Affine
        Grid of the masks [EPSG:4326].
    seed : int
        Seed of the random patches.

    Returns
    -------
    list of Path
        The written files.
    """
    stations = substations(region)
    layers = {
        "ecological_redline": ecological_redline(redline_mask, transform, region),
        "permanent_farmland": permanent_farmland(farmland_mask, transform, region),
        "coal_subsidence": coal_subsidence(region, seed=seed),
        "saline_land": saline_land(region, seed=seed),
        "substations": stations,
        "transmission_lines": transmission_lines(stations, region),
    }
    written = []
    for key, frame in layers.items():
        path = Path(raw_dir) / USER_LAYER_FILES[key]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        if frame.empty:
            logger.warning("demo user layer %s is empty over this region; writing an empty layer", key)
        frame.to_file(path, layer=key, driver="GPKG")
        written.append(path)
    return written
