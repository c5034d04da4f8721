"""Tests for siting.sizing: capacity per land category, energy arithmetic, ranks, columns."""

import numpy as np
import pandas as pd
import pytest
from affine import Affine

from siting.categories import BARREN_HILLS, OTHER, SALINE
from siting.errors import ConfigError, InputError
from siting.grid import DEFAULT_CRS
from siting.sites import assign_site_ids, delineate_tile, merge_pieces
from siting.sizing import (
    assumptions_frame,
    category_densities,
    contract_columns,
    rank_sites,
    size_sites,
)

RES = 100.0
CELL_KM2 = 0.01
COUNTY = pd.DataFrame(
    {
        "adcode": [140221, 140602],
        "name_zh": ["阳高县", "朔城区"],
        "city_adcode": [140200, 140600],
        "city_zh": ["大同市", "朔州市"],
    }
)
BASES = {"jinbei": [140221], "xinshuo": [140602]}


def make_sites(technology="pv"):
    """Three sites: A (county 1, 20 cells, half saline), B (county 1, 10 cells barren), C (county 2)."""
    shape = (10, 30)
    eligible = np.zeros(shape, np.uint8)
    score = np.full(shape, np.nan, np.float32)
    categories = np.full(shape, OTHER, np.uint8)
    zone = np.ones(shape, np.uint16)
    zone[:, 20:] = 2
    eligible[1:3, 1:11] = 1  # A: 20 cells
    score[1:3, 1:11] = 80.0
    categories[1, 1:11] = SALINE
    eligible[6:8, 1:6] = 1  # B: 10 cells
    score[6:8, 1:6] = 50.0
    categories[6:8, 1:6] = BARREN_HILLS
    eligible[4:7, 22:27] = 1  # C: 15 cells
    score[4:7, 22:27] = 50.0
    slope = np.full(shape, 3.0, np.float32)
    slope[6:8, 1:6] = 12.0
    distance = np.full(shape, 4000.0, np.float32)
    distance[2, 5] = 800.0
    pieces = delineate_tile(
        eligible,
        score,
        categories,
        zone,
        transform=Affine(RES, 0, 650_000.0, 0, -RES, 4_050_000.0),
        cell_area_km2=CELL_KM2,
        crs=DEFAULT_CRS,
        stats={"slope_deg": slope, "distance_grid_m": distance},
        split_cell_m=1e7,
    )
    return assign_site_ids(merge_pieces(pieces), technology=technology, county=COUNTY, bases=BASES)


def yields_for(sites, column, values):
    return pd.DataFrame({column: values}, index=pd.Index(sites["site_id"], name="site_id"))


def test_capacity_is_area_times_density():
    sites = make_sites()
    sized = size_sites(
        sites,
        technology="pv",
        density_mw_per_km2=35.0,
        yields=yields_for(sites, "specific_yield_kwh_kwp", [1400.0] * 3),
        data_basis="demo-synthetic",
    )
    assert np.allclose(sized["capacity_mw"], sized["area_km2"] * 35.0)
    assert sorted(sized["area_km2"]) == pytest.approx([0.10, 0.15, 0.20])


def test_capacity_per_land_category():
    sites = make_sites()
    density = {"barren_hills": 25.0, "saline": 40.0, "default": 35.0}
    sized = size_sites(
        sites,
        technology="pv",
        density_mw_per_km2=density,
        yields=yields_for(sites, "specific_yield_kwh_kwp", [1400.0] * 3),
        data_basis="x",
    ).set_index("site_id")
    a = sized.loc["pv-jinbei-140221-001"]
    assert a["capacity_mw"] == pytest.approx(0.1 * 40.0 + 0.1 * 35.0)
    assert a["capacity_mw_saline"] == pytest.approx(4.0)
    assert a["share_saline"] == pytest.approx(0.5)
    assert a["land_category"] == "saline"  # tie with other: first in code order
    assert a["capacity_density_mw_per_km2"] == pytest.approx(37.5)
    b = sized.loc["pv-jinbei-140221-002"]
    assert b["capacity_mw"] == pytest.approx(0.1 * 25.0)
    assert b["land_category"] == "barren_hills"
    assert b["mean_slope_deg"] == pytest.approx(12.0)
    cats = [f"capacity_mw_{k}" for k in ("coal_subsidence", "saline", "barren_hills", "other")]
    assert np.allclose(sized[cats].sum(axis=1), sized["capacity_mw"])


def test_wind_energy_is_capacity_times_cf_times_8_76():
    sites = make_sites("wind")
    cf = [0.23, 0.30, 0.18]
    sized = size_sites(
        sites,
        technology="wind",
        density_mw_per_km2=3.4,
        yields=yields_for(sites, "capacity_factor", cf),
        data_basis="demo-synthetic",
    )
    order = sized.set_index("site_id").loc[sites["site_id"]]
    assert np.allclose(order["annual_energy_gwh"], order["capacity_mw"] * np.array(cf) * 8.76)
    assert np.allclose(order["full_load_hours"], np.array(cf) * 8760)
    assert "specific_yield_kwh_kwp" not in sized


def test_pv_energy_from_specific_yield():
    sites = make_sites()
    sized = size_sites(
        sites,
        technology="pv",
        density_mw_per_km2=35.0,
        yields=yields_for(sites, "specific_yield_kwh_kwp", [1475.0, 1300.0, 1600.0]),
        data_basis="demo-synthetic",
    )
    s = sized.set_index("site_id").loc[sites["site_id"]]
    assert np.allclose(s["annual_energy_gwh"], s["capacity_mw"] * np.array([1475.0, 1300.0, 1600.0]) / 1000)
    assert np.allclose(s["capacity_factor"], np.array([1475.0, 1300.0, 1600.0]) / 8760)
    assert np.allclose(s["annual_energy_gwh"], s["capacity_mw"] * s["capacity_factor"] * 8.76)


def test_columns_follow_the_contract_and_attributes():
    sites = make_sites()
    sized = size_sites(
        sites,
        technology="pv",
        density_mw_per_km2=35.0,
        yields=yields_for(sites, "specific_yield_kwh_kwp", [1400.0] * 3),
        data_basis="demo-synthetic",
        yield_model="pvlib PVWatts, fixed tilt",
    )
    contract = contract_columns("pv")
    assert list(sized.columns[: len(contract)]) == contract
    assert set(sized["data_basis"]) == {"demo-synthetic"}
    assert set(sized["yield_model"]) == {"pvlib PVWatts, fixed tilt"}
    a = sized.set_index("site_id").loc["pv-jinbei-140221-001"]
    assert a["distance_grid_km"] == pytest.approx(0.8)
    assert a["score"] == pytest.approx(80.0)
    assert 112 < a["lon"] < 113 and 37 < a["lat"] < 38
    assert (a["city"], a["county"], a["county_adcode"]) == ("大同市", "阳高县", 140221)
    assert sized.crs == sites.crs


def test_ranks_by_score_ties_by_id():
    sites = make_sites()
    sized = size_sites(
        sites,
        technology="pv",
        density_mw_per_km2=35.0,
        yields=yields_for(sites, "specific_yield_kwh_kwp", [1400.0] * 3),
        data_basis="x",
    ).set_index("site_id")
    # A scores 80; B and C tie at 50 -> id order: pv-jinbei-... before pv-xinshuo-...
    assert sized.loc["pv-jinbei-140221-001", "rank"] == 1
    assert sized.loc["pv-jinbei-140221-002", "rank"] == 2
    assert sized.loc["pv-xinshuo-140602-001", "rank"] == 3
    assert sized.loc["pv-xinshuo-140602-001", "rank_in_base"] == 1
    assert sized.loc["pv-jinbei-140221-002", "rank_in_base"] == 2


def test_rank_sites_on_a_plain_frame():
    frame = pd.DataFrame({"site_id": ["c", "a", "b"], "score": [10.0, 10.0, 90.0], "base": ["x", "y", "x"]})
    ranked = rank_sites(frame).set_index("site_id")
    assert list(ranked.loc[["b", "a", "c"], "rank"]) == [1, 2, 3]
    assert list(ranked.loc[["b", "c", "a"], "rank_in_base"]) == [1, 2, 1]


def test_missing_or_bad_yields_are_errors():
    sites = make_sites()
    with pytest.raises(InputError, match="no yield"):
        size_sites(
            sites,
            technology="pv",
            density_mw_per_km2=35.0,
            yields=yields_for(sites.iloc[:2], "specific_yield_kwh_kwp", [1.0, 1.0]),
            data_basis="x",
        )
    with pytest.raises(InputError, match="non-finite"):
        size_sites(
            sites,
            technology="pv",
            density_mw_per_km2=35.0,
            yields=yields_for(sites, "specific_yield_kwh_kwp", [1.0, np.nan, 1.0]),
            data_basis="x",
        )
    with pytest.raises(InputError, match="column"):
        size_sites(
            sites,
            technology="pv",
            density_mw_per_km2=35.0,
            yields=yields_for(sites, "x", [1] * 3),
            data_basis="x",
        )


def test_density_config_errors():
    assert category_densities(3.4) == dict.fromkeys(
        ("coal_subsidence", "saline", "barren_hills", "other"), 3.4
    )
    with pytest.raises(ConfigError, match="unknown"):
        category_densities({"forest": 1.0, "default": 2.0})
    with pytest.raises(ConfigError, match="no value"):
        category_densities({"saline": 1.0})
    with pytest.raises(ConfigError, match=">= 0"):
        category_densities(-1.0)


def test_assumptions_frame():
    frame = assumptions_frame("pv", {"pv_tracking": "fixed"}, {"default": 35.0, "barren_hills": 25.0})
    values = dict(zip(frame["key"], frame["value"], strict=True))
    assert values["pv_density_mw_per_km2_barren_hills"] == 25.0
    assert values["pv_tracking"] == "fixed"
