"""Tests of the synthetic demo inputs (siting.demo, siting.vector_demo) on a small box around 大同."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib
import pyogrio
import pytest
import rasterio
from scipy import special
from shapely.geometry import Polygon

from siting import demo, sources, vector_demo, verify, weather

REGION = Polygon([(112.80, 39.60), (113.60, 39.70), (113.55, 40.30), (112.90, 40.25)])
BOUNDS = REGION.bounds
YEAR = 2019
OPTIONS = {
    "region_wgs84": REGION,
    "bounds": BOUNDS,
    "year": YEAR,
    "weather_spacing_deg": 1.0,
    "dem_cells_per_degree": 60,
    "landcover_cells_per_degree": 100,
    "gsa_cells_per_degree": 60,
    "gwa_cells_per_degree": 50,
}


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> tuple[Path, list[Path]]:
    raw_dir = tmp_path_factory.mktemp("raw")
    return raw_dir, demo.build_demo_inputs(raw_dir, seed=7, **OPTIONS)


def _expected_relative_paths() -> set[str]:
    expected = {p for _, p in sources.dem_tiles("copdem_glo90", BOUNDS)}
    expected |= {p for _, p in sources.worldcover_tiles("worldcover_2021", BOUNDS)}
    expected |= {sources.get_source(f"gsa_{x}").path_for() for x in ("ghi", "dni", "pvout")}
    window = sources.gwa_window_label(BOUNDS)
    for sid in ("gwa_wind_speed", "gwa_combined_weibull_a", "gwa_combined_weibull_k", "gwa_air_density"):
        expected.add(sources.get_source(sid).path_for(country="CHN", height=100, window=window))
    src = sources.get_source("nasa_power_hourly")
    for lat, lon in sources.weather_points(REGION, 1.0):
        expected.add(src.path_for(year=YEAR, point=sources.nasa_power_point_label(lat, lon)))
    expected |= set(vector_demo.USER_LAYER_FILES.values())
    expected |= {sources.get_source("hwsd2_raster").path, sources.get_source("hwsd2_db").path}
    return expected


def _rel(raw_dir: Path, paths: list[Path]) -> set[str]:
    return {p.relative_to(raw_dir).as_posix() for p in paths}


def test_writes_exactly_the_real_file_names(raw):
    raw_dir, written = raw
    assert _rel(raw_dir, written) == _expected_relative_paths()
    assert all(p.is_file() and p.stat().st_size > 0 for p in written)
    assert len([p for p in written if "copdem_glo90" in p.parts]) == 4  # N39/N40 × E112/E113


def test_dem_tiles_have_the_copernicus_format(raw):
    raw_dir, _ = raw
    for _, rel in sources.dem_tiles("copdem_glo90", BOUNDS):
        path = raw_dir / rel
        lat = int(path.stem.split("_")[4][1:])
        lon = int(path.stem.split("_")[6][1:])
        with rasterio.open(path) as src:
            assert src.crs.to_epsg() == 4326
            assert src.dtypes[0] == "float32"
            assert src.nodata is None
            assert src.tags()["AREA_OR_POINT"] == "Point"
            assert src.tags()["DATA_BASIS"] == "demo-synthetic"
            assert "synthetic" in src.tags()["DESCRIPTION"].lower()
            assert src.tags(ns="IMAGE_STRUCTURE").get("LAYOUT") == "COG"
            assert src.profile["compress"] == "deflate"
            assert (src.width, src.height) == (60, 60)
            half = 0.5 / 60
            assert np.allclose(src.bounds, (lon - half, lat + half, lon + 1 - half, lat + 1 + half))
            z = src.read(1)
        assert np.isfinite(z).all()
        assert 500 < np.median(z) < 2200 and z.max() < 3300


def test_dem_has_flat_basin_and_steep_ranges():
    terrain = demo.build_terrain((112.0, 39.0, 115.0, 41.0), REGION, seed=3)
    tile, transform = demo.dem_tile(terrain, 39, 113, cells_per_degree=360)
    lon, lat = demo.pixel_centres(transform, 360, 360)
    slope = demo.slope_deg(tile.astype(float), transform, lat)
    basin, ridge, _ = terrain.weights(lon, lat)
    assert np.percentile(slope[basin > 0.9], 90) < 5  # 大同 basin floor
    assert np.percentile(slope[ridge > 0.6], 90) > 25  # 恒山
    assert slope.max() < 70


def _tile(raw_dir: Path, lat: int, lon: int) -> np.ndarray:
    name = sources.copdem_tile_name(lat, lon, arcsec=30)
    with rasterio.open(raw_dir / sources.get_source("copdem_glo90").path_for(name=name)) as src:
        return src.read(1).astype(float)


def test_dem_tiles_mosaic_without_seams(raw):
    raw_dir, _ = raw
    west, east = _tile(raw_dir, 39, 112), _tile(raw_dir, 39, 113)
    seam = np.median(np.abs(east[:, 0] - west[:, -1]))
    inside = np.median(np.abs(west[:, -1] - west[:, -2]))
    assert seam < 1.5 * inside + 1.0
    south, north = _tile(raw_dir, 39, 113), _tile(raw_dir, 40, 113)
    seam = np.median(np.abs(south[0, :] - north[-1, :]))
    inside = np.median(np.abs(north[-1, :] - north[-2, :]))
    assert seam < 1.5 * inside + 1.0


def test_worldcover_tile_format_and_classes(raw):
    raw_dir, _ = raw
    (_, rel) = sources.worldcover_tiles("worldcover_2021", BOUNDS)[0]
    with rasterio.open(raw_dir / rel) as src:
        assert rel.endswith("ESA_WorldCover_10m_2021_v200_N39E111_Map.tif")
        assert src.crs.to_epsg() == 4326 and src.dtypes[0] == "uint8" and src.nodata == 0
        assert np.allclose(src.bounds, (111, 39, 114, 42))
        assert src.tags()["DATA_BASIS"] == "demo-synthetic"
        assert src.colormap(1)[40][:3] == (240, 150, 255)
        codes = src.read(1)
        datong = next(src.sample([vector_demo.PREFECTURE_CITIES["大同"]]))[0]
    present = set(np.unique(codes).tolist())
    assert present <= set(demo.WORLDCOVER_CODES)
    assert {10, 30, 40, 50, 80} <= present
    assert datong == 50
    assert 0.15 < np.mean(codes == 40) < 0.8


def test_solar_atlas_zips(raw):
    raw_dir, _ = raw
    arrays = {}
    for layer in ("GHI", "DNI", "PVOUT"):
        src = sources.get_source(f"gsa_{layer.lower()}")
        path = raw_dir / src.path_for()
        with zipfile.ZipFile(path) as zf:
            tifs = [n for n in zf.namelist() if n.endswith(".tif")]
        assert tifs == [f"{path.stem}/{layer}.tif"]
        facts = verify.check_raster(path, member=src.member, dtype="float32", bounds_overlap=BOUNDS)
        with rasterio.open(facts["gdal_path"]) as ds:
            assert ds.crs.to_epsg() == 4326 and np.isnan(ds.nodata)
            assert ds.res[0] >= 1 / 120 - 1e-9
            assert ds.bounds.left < BOUNDS[0] and ds.bounds.right > BOUNDS[2]
            assert ds.bounds.right - ds.bounds.left < 5  # a window, not the world
            assert ds.tags()["DATA_BASIS"] == "demo-synthetic"
            arrays[layer] = ds.read(1)
    ghi_year = arrays["GHI"] * 365.25
    assert 1350 < ghi_year.min() and ghi_year.max() < 1700
    assert 0.9 < np.median(arrays["PVOUT"] / arrays["GHI"]) < 1.05
    assert 3.0 < arrays["DNI"].mean() < 5.0


def test_wind_atlas_windows(raw):
    raw_dir, _ = raw
    window = sources.gwa_window_label(BOUNDS)
    layers = {}
    for sid in ("gwa_wind_speed", "gwa_combined_weibull_a", "gwa_combined_weibull_k", "gwa_air_density"):
        path = raw_dir / sources.get_source(sid).path_for(country="CHN", height=100, window=window)
        with rasterio.open(path) as src:
            assert src.crs.to_epsg() == 4326 and src.dtypes[0] == "float32" and np.isnan(src.nodata)
            assert np.allclose(src.bounds, (112, 39, 114, 41))
            assert src.tags()["DATA_BASIS"] == "demo-synthetic"
            layers[sid] = src.read(1).astype(float)
    speed, k = layers["gwa_wind_speed"], layers["gwa_combined_weibull_k"]
    assert 3.5 < speed.min() and speed.max() < 9.0 and 5.0 < speed.mean() < 7.5
    assert 1.8 <= k.min() and k.max() <= 2.6
    assert np.allclose(layers["gwa_combined_weibull_a"] * special.gamma(1 + 1 / k), speed, rtol=1e-4)
    assert 0.85 < layers["gwa_air_density"].min() and layers["gwa_air_density"].max() < 1.25


def test_weather_files_read_back_as_nasa_power(raw):
    raw_dir, _ = raw
    src = sources.get_source("nasa_power_hourly")
    lat, lon = sources.weather_points(REGION, 1.0)[0]
    path = raw_dir / src.path_for(year=YEAR, point=sources.nasa_power_point_label(lat, lon))
    assert json.loads(path.read_text())["header"]["data_basis"] == "demo-synthetic"
    df = weather.read_nasa_power_hourly(path)
    assert len(df) == 8760 and str(df.index.tz) == "UTC"
    assert df.notna().all().all()
    assert 1300 < df.ghi.sum() / 1000 < 1800  # [kWh/m²/yr]
    assert (df.ghi.between_time("13:00", "20:00") == 0).all()  # night in China (UTC+8)
    monthly = df.groupby(df.index.month).mean()
    assert monthly.temp_air[1] < -5 and monthly.temp_air[7] > 15
    assert (df.wind_speed_50m.mean() > df.wind_speed_10m.mean()) and monthly.wind_speed_10m[
        4
    ] > monthly.wind_speed_10m[8]


def test_user_layers(raw):
    raw_dir, _ = raw
    for key, rel in vector_demo.USER_LAYER_FILES.items():
        path = raw_dir / rel
        info = pyogrio.read_info(path)
        assert info["crs"] == "EPSG:4326", key
        frame = pyogrio.read_dataframe(path)
        assert {"name", "data_basis"} <= set(frame.columns), key
        assert (frame.data_basis == "demo-synthetic").all(), key
        assert frame.is_valid.all(), key
        assert frame.geometry.covered_by(REGION.buffer(1e-6)).all(), key
        if key in ("substations", "transmission_lines"):
            assert set(frame.voltage_kv) <= {220, 500}
    subsidence = pyogrio.read_dataframe(raw_dir / vector_demo.USER_LAYER_FILES["coal_subsidence"])
    assert subsidence.name.str.contains("大同煤田").any()
    saline = pyogrio.read_dataframe(raw_dir / vector_demo.USER_LAYER_FILES["saline_land"])
    assert len(saline) > 3


def test_every_raster_is_labelled_synthetic(raw):
    _, written = raw
    rasters = [p for p in written if p.suffix in (".tif", ".zip")]
    assert len(rasters) == 4 + 1 + 3 + 4 + 1  # DEM, WorldCover, GSA, GWA, HWSD raster
    for path in rasters:
        with rasterio.open(verify.raster_gdal_path(path, member=_member(path))) as src:
            assert src.tags().get("DATA_BASIS") == "demo-synthetic", path


def _member(path: Path) -> str | None:
    """The catalogue's zip member suffix for a GSA or HWSD zip, else None."""
    if path.name == "HWSD2_RASTER.zip":
        return "HWSD2.bil"
    return next((f"{x}.tif" for x in ("GHI", "DNI", "PVOUT") if f"_{x}_" in path.name), None)


def test_same_seed_same_rasters_other_seed_differs(raw, tmp_path):
    raw_dir, _ = raw
    options = {**OPTIONS, "weather_spacing_deg": 5.0}  # fewer weather points; rasters as in the fixture
    again = demo.build_demo_inputs(tmp_path / "a", seed=7, **options)
    other = demo.build_demo_inputs(tmp_path / "b", seed=8, **options)
    compared = 0
    for path_a, path_b in zip(again, other, strict=True):
        if path_a.suffix != ".tif":
            continue
        rel = path_a.relative_to(tmp_path / "a")
        with rasterio.open(path_a) as a, rasterio.open(raw_dir / rel) as ref, rasterio.open(path_b) as b:
            assert np.array_equal(a.read(1), ref.read(1), equal_nan=True), rel
            if "copdem" in rel.parts[0]:
                assert not np.array_equal(a.read(1), b.read(1)), rel
        compared += 1
    assert compared == 4 + 1 + 4


def test_synthetic_weather_is_physical():
    df = demo.synthetic_weather(37.9, 112.5, 800.0, 2020, seed=1)
    assert len(df) == 8784 and list(df.columns) == list(weather.WEATHER_COLUMNS)
    assert (df[["ghi", "dni", "dhi"]] >= 0).all().all()
    zenith = pvlib.solarposition.get_solarposition(df.index + pd.Timedelta("30min"), 37.9, 112.5)["zenith"]
    day = zenith.to_numpy() < 85
    closure = df.dhi + df.dni * np.cos(np.radians(zenith.to_numpy()))
    assert np.allclose(closure[day], df.ghi[day], atol=1.0)
    assert (df.dhi <= df.ghi + 0.01).all()
    january = df[df.index.month == 1].temp_air.mean()
    july = df[df.index.month == 7].temp_air.mean()
    assert -12 < january < -2 and 20 < july < 28
