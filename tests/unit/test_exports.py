"""Tests for siting.exports: GeoPackage, CSV with BOM, GeoParquet, netCDF profiles (per site and base)."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import xarray as xr
from shapely.geometry import box

from siting.exports import (
    base_profiles,
    combine_sites,
    site_profiles,
    write_profiles,
    write_sites_csv,
    write_sites_gpkg,
    write_sites_parquet,
)
from siting.grid import DEFAULT_CRS

X0, Y0 = 650_000.0, 4_040_000.0


def sized(technology: str) -> gpd.GeoDataFrame:
    """A small sized site table as size_sites returns it (equal-area CRS)."""
    yield_column = "specific_yield_kwh_kwp" if technology == "pv" else "full_load_hours"
    frame = pd.DataFrame(
        {
            "site_id": [
                f"{technology}-jinbei-140221-001",
                f"{technology}-none-140105-001",
                f"{technology}-x-1-001",
            ],
            "technology": technology,
            "base": ["jinbei", "none", "jinbei"],
            "city": ["大同市", "太原市", "大同市"],
            "county": ["阳高县", "小店区", "天镇县"],
            "land_category": ["saline", "other", "barren_hills"],
            "area_km2": [1.0, 2.0, 3.0],
            "capacity_mw": [35.0, 70.0, 105.0],
            "annual_energy_gwh": [50.0, 100.0, 150.0],
            "capacity_factor": [0.16, 0.16, 0.16],
            yield_column: [1400.0, 1400.0, 1400.0],
            "mean_slope_deg": [2.0, 3.0, 4.0],
            "score": [70.0, 60.0, 50.0],
            "rank": [1, 2, 3],
            "lon": [113.0, 112.5, 114.0],
            "lat": [40.1, 37.8, 40.2],
            "data_basis": "demo-synthetic",
            "bases": ["jinbei,xinshuo", "none", "jinbei"],
            "distance_grid_km": [1.0, np.nan, 3.0],
        }
    )
    geoms = [box(X0 + i * 2000, Y0, X0 + i * 2000 + 1000, Y0 + 1000 * (i + 1)) for i in range(3)]
    return gpd.GeoDataFrame(frame, geometry=geoms, crs=DEFAULT_CRS)


def test_gpkg_layers_per_technology_in_wgs84(tmp_path):
    path = tmp_path / "sites.gpkg"
    write_sites_gpkg({"pv": sized("pv"), "wind": sized("wind")}, path)
    layers = dict(pyogrio.list_layers(path))
    assert set(layers) == {"pv", "wind"}
    assert layers["pv"] == "MultiPolygon"
    pv = gpd.read_file(path, layer="pv", engine="pyogrio")
    assert pv.crs.to_epsg() == 4326
    assert list(pv["county"]) == ["阳高县", "小店区", "天镇县"]
    assert pv.total_bounds[0] > 100 and pv.total_bounds[3] < 50  # degrees
    assert pv.to_crs(DEFAULT_CRS).area.sum() / 1e6 == pytest.approx(6.0, rel=1e-6)
    assert [p.name for p in tmp_path.iterdir()] == ["sites.gpkg"]  # no temporary file left


def test_csv_has_bom_and_round_trips_chinese(tmp_path):
    path = tmp_path / "sites.csv"
    sites = combine_sites({"pv": sized("pv"), "wind": sized("wind")})
    write_sites_csv(sites, path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(path, encoding="utf-8-sig")
    assert "geometry" not in back
    assert back.columns[0] == "site_id"
    assert list(back["county"][:3]) == list(sites["county"][:3])
    assert "小店区" in set(back["county"])
    assert len(back) == 6
    assert back["specific_yield_kwh_kwp"].notna().sum() == 3 and back["full_load_hours"].notna().sum() == 3
    write_sites_csv(sites, path)
    assert path.read_bytes() == raw  # rerun: byte-identical


def test_geoparquet_readable(tmp_path):
    path = tmp_path / "sites.parquet"
    write_sites_parquet(sized("wind"), path)
    back = gpd.read_parquet(path)
    assert back.crs.to_epsg() == 4326
    assert list(back["site_id"]) == list(sized("wind")["site_id"])
    assert back.geometry.geom_type.unique().tolist() == ["MultiPolygon"]


def hourly_for(sites, n_hours=48, seed=0):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (len(sites), n_hours)).astype(np.float32)


def test_site_profiles_layout_and_netcdf(tmp_path):
    sites = sized("pv")
    times = pd.date_range("2019-01-01", periods=48, freq="h", tz="UTC")
    hourly = hourly_for(sites)
    reversed_ids = list(sites["site_id"][::-1])
    ds = site_profiles(
        sites,
        hourly[::-1],
        site_ids=reversed_ids,
        times=times,
        technology="pv",
        data_basis="demo-synthetic",
        assumptions={"pv_tracking": "fixed", "pv_backtrack": True, "pv_tilt_deg": None},
    )
    assert ds["profile"].dims == ("time", "bus")
    assert list(ds["bus"].values) == sorted(sites["site_id"])
    first = sites["site_id"][0]
    np.testing.assert_allclose(ds["profile"].sel(bus=first).values, hourly[0])
    assert ds["p_nom_max"].sel(bus=first).item() == 35.0
    assert ds["p_nom_max"].attrs["units"] == "MW"
    path = tmp_path / "profiles" / "pv.nc"
    write_profiles(ds, path)
    with xr.open_dataset(path) as back:
        assert set(back.dims) == {"time", "bus"}
        for name in ("profile", "p_nom_max", "weight", "average_distance", "capacity_factor"):
            assert name in back.data_vars
        assert back.attrs["data_basis"] == "demo-synthetic"
        assert back.attrs["assumption_pv_tracking"] == "fixed"
        assert back.attrs["assumption_pv_backtrack"] == "True"
        assert back["profile"].dtype == np.float32
        assert pd.Timestamp(back["time"].values[0]) == pd.Timestamp("2019-01-01 00:00")
        np.testing.assert_allclose(
            back["capacity_factor"].values, back["profile"].mean("time").values, rtol=1e-6
        )


def test_site_profiles_need_every_site():
    sites = sized("wind")
    with pytest.raises(ValueError, match="no hourly profile"):
        site_profiles(
            sites,
            np.zeros((2, 4), np.float32),
            site_ids=list(sites["site_id"][:2]),
            times=pd.date_range("2019-01-01", periods=4, freq="h"),
            technology="wind",
            data_basis="x",
        )


def test_base_profiles_are_capacity_weighted(tmp_path):
    sites = sized("wind")
    times = pd.date_range("2019-01-01", periods=48, freq="h")
    hourly = hourly_for(sites, seed=1)
    ds = site_profiles(
        sites, hourly, site_ids=list(sites["site_id"]), times=times, technology="wind", data_basis="x"
    )
    bases = base_profiles(ds, base_order=["jinbei", "xinshuo", "jinnan"])
    assert list(bases["bus"].values) == ["jinbei", "xinshuo", "none"]  # jinnan has no site
    expected = (35.0 * hourly[0] + 105.0 * hourly[2]) / 140.0
    np.testing.assert_allclose(bases["profile"].sel(bus="jinbei").values, expected, rtol=1e-6)
    np.testing.assert_allclose(bases["profile"].sel(bus="xinshuo").values, hourly[0], rtol=1e-6)
    assert bases["p_nom_max"].sel(bus="jinbei").item() == 140.0
    assert bases["n_sites"].sel(bus="none").item() == 1
    assert bases["average_distance"].sel(bus="jinbei").item() == pytest.approx((35 * 1 + 105 * 3) / 140)
    assert np.isnan(bases["average_distance"].sel(bus="none").item())
    write_profiles(bases, tmp_path / "wind_bases.nc")
    with xr.open_dataset(tmp_path / "wind_bases.nc") as back:
        assert back.attrs["grouping"] == "base"
    with pytest.raises(ValueError, match="not in base_order"):
        base_profiles(ds, base_order=["xinshuo"])
