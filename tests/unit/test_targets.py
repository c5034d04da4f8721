"""Tests for siting.targets: buildable sums by region/technology/category, policy gap, next GW, scenarios."""

import numpy as np
import pandas as pd
import pytest

from siting.categories import CATEGORY_KEYS
from siting.errors import ConfigError
from siting.targets import (
    EXAMPLE_POLICY,
    buildable_table,
    compare_scenarios,
    next_gw,
    policy_check,
    targets_table,
)


def site(site_id, technology, bases, capacity_mw, *, score=50.0, cf=0.2, saline_share=0.0, area_km2=None):
    """One sized-site row; ``saline_share`` of the area (and capacity) is saline, the rest other."""
    area = capacity_mw / (35.0 if technology == "pv" else 3.4) if area_km2 is None else area_km2
    row = {
        "site_id": site_id,
        "technology": technology,
        "base": bases.split(",")[0],
        "bases": bases,
        "county": "阳高县",
        "land_category": "saline" if saline_share > 0.5 else "other",
        "area_km2": area,
        "capacity_mw": capacity_mw,
        "capacity_factor": cf,
        "annual_energy_gwh": capacity_mw * cf * 8.76,
        "score": score,
        "rank": 0,
        "lon": 113.0,
        "lat": 40.0,
    }
    for key in CATEGORY_KEYS:
        share = saline_share if key == "saline" else (1 - saline_share) if key == "other" else 0.0
        row[f"share_{key}"] = share
        row[f"capacity_mw_{key}"] = capacity_mw * share
    return row


def sites_a():
    return pd.DataFrame(
        [
            site("pv-jinbei-1-001", "pv", "jinbei", 1000.0, score=90, cf=0.17, saline_share=1.0),
            site("pv-jinbei-1-002", "pv", "jinbei", 1500.0, score=70, cf=0.16),
            site("pv-jinbei-2-001", "pv", "jinbei,xinshuo", 800.0, score=80, cf=0.15, saline_share=0.25),
            site("wind-xinshuo-3-001", "wind", "xinshuo", 300.0, score=60, cf=0.25),
            site("pv-none-4-001", "pv", "none", 200.0, score=40, cf=0.15),
        ]
    )


def row(table, region, technology, category="all"):
    selected = table[
        (table["region_id"] == region)
        & (table["technology"] == technology)
        & (table["land_category"] == category)
    ]
    assert len(selected) == 1
    return selected.iloc[0]


def test_buildable_sums():
    table = buildable_table(sites_a(), base_order=["jinbei", "xinshuo", "jinnan"])
    province = row(table, "province", "wind+pv")
    assert province["capacity_gw"] == pytest.approx(3.8)
    assert province["n_sites"] == 5
    energy_twh = (1000 * 0.17 + 1500 * 0.16 + 800 * 0.15 + 300 * 0.25 + 200 * 0.15) * 8760 / 1e6
    assert province["annual_energy_twh"] == pytest.approx(energy_twh)
    assert row(table, "province", "pv")["capacity_gw"] == pytest.approx(3.5)
    # A county in two bases counts in both.
    assert row(table, "jinbei", "pv")["capacity_gw"] == pytest.approx(3.3)
    assert row(table, "xinshuo", "pv")["capacity_gw"] == pytest.approx(0.8)
    assert row(table, "xinshuo", "wind")["capacity_gw"] == pytest.approx(0.3)
    assert row(table, "none", "pv")["capacity_gw"] == pytest.approx(0.2)
    assert row(table, "jinnan", "wind+pv")["capacity_gw"] == 0.0
    assert np.isnan(row(table, "jinnan", "wind+pv")["capacity_factor"])
    # Land categories add up to the total.
    saline = row(table, "province", "pv", "saline")
    assert saline["capacity_gw"] == pytest.approx(1.0 + 0.2)
    assert saline["n_sites"] == 1
    cats = table[(table["region_id"] == "province") & (table["technology"] == "pv")].set_index(
        "land_category"
    )
    assert cats.loc[list(CATEGORY_KEYS), "capacity_gw"].sum() == pytest.approx(cats.loc["all", "capacity_gw"])
    assert cats.loc[list(CATEGORY_KEYS), "area_km2"].sum() == pytest.approx(cats.loc["all", "area_km2"])
    assert list(table["region_id"].unique()) == ["province", "jinbei", "xinshuo", "jinnan", "none"]


def test_targets_table_and_policy_check():
    table = targets_table(sites_a(), policy=EXAMPLE_POLICY, base_order=["jinbei", "xinshuo"])
    assert set(table["gap_2030_gw"]) == {69.0}
    assert row(table, "province", "wind+pv")["share_of_gap"] == pytest.approx(3.8 / 69.0)
    check = policy_check(table, policy=EXAMPLE_POLICY).set_index("indicator")
    target = check.loc["wind_pv_target_gw"]
    assert target["gap_gw"] == 69.0
    assert target["buildable_gw"] == pytest.approx(3.8)
    assert target["buildable_pv_gw"] == pytest.approx(3.5)
    assert target["buildable_to_gap"] == pytest.approx(3.8 / 69.0)
    assert "1.2亿千瓦" in target["source"]
    assert check.loc["new_clean_generation_share", "value"] == 0.3
    with pytest.raises(ConfigError, match="wind_pv_installed_gw"):
        targets_table(sites_a(), policy={"wind_pv_target_gw": EXAMPLE_POLICY["wind_pv_target_gw"]})
    with pytest.raises(ConfigError, match="source"):
        policy_check(table, policy={**EXAMPLE_POLICY, "x": {"value": 1}})


def test_next_gw_takes_best_sites_until_the_target():
    lists = next_gw(sites_a(), capacity_gw=2.0, base_order=["jinbei", "xinshuo"])
    jinbei = lists[(lists["base"] == "jinbei") & (lists["technology"] == "pv")]
    # By score: 001 (90, 1000 MW), 2-001 (80, 800 MW) -> 1.8 GW < 2, then 002 (70, 1500 MW) reaches it.
    assert list(jinbei["site_id"]) == ["pv-jinbei-1-001", "pv-jinbei-2-001", "pv-jinbei-1-002"]
    assert list(jinbei["cumulative_capacity_mw"]) == [1000.0, 1800.0, 3300.0]
    assert list(jinbei["order"]) == [1, 2, 3]
    assert jinbei["target_reached"].all()
    smaller = next_gw(sites_a(), capacity_gw=1.0, base_order=["jinbei", "xinshuo"])
    assert list(smaller[(smaller["base"] == "jinbei")]["site_id"]) == ["pv-jinbei-1-001"]
    xinshuo_wind = lists[(lists["base"] == "xinshuo") & (lists["technology"] == "wind")]
    assert len(xinshuo_wind) == 1 and not xinshuo_wind["target_reached"].any()
    assert "none" in set(lists["base"])
    assert "none" not in set(next_gw(sites_a(), include_none=False)["base"])
    with pytest.raises(ConfigError):
        next_gw(sites_a(), capacity_gw=0)


def test_next_gw_ties_by_site_id():
    tied = pd.DataFrame(
        [
            site("pv-jinbei-1-002", "pv", "jinbei", 600.0, score=50),
            site("pv-jinbei-1-001", "pv", "jinbei", 600.0),
        ]
    )
    assert list(next_gw(tied, capacity_gw=0.5)["site_id"]) == ["pv-jinbei-1-001"]


def eligibility(pv_province, pv_jinbei):
    return pd.DataFrame(
        {
            "technology": ["pv", "pv", "wind"],
            "level": ["province", "base", "province"],
            "region_id": ["140000", "jinbei", "140000"],
            "name_zh": ["山西省", "晋北", "山西省"],
            "eligible_km2": [pv_province, pv_jinbei, 500.0],
        }
    )


def test_compare_scenarios():
    a = sites_a()
    b = a[a["site_id"] != "pv-jinbei-1-002"].copy()  # a stricter rule removes one site ...
    b = pd.concat(
        [b, pd.DataFrame([site("pv-jinbei-1-003", "pv", "jinbei", 100.0)])], ignore_index=True
    )  # adds one
    table = compare_scenarios(
        a,
        b,
        eligibility_a=eligibility(1000.0, 400.0),
        eligibility_b=eligibility(900.0, 250.0),
        labels=("base", "strict"),
        base_order=["jinbei", "xinshuo"],
    )
    jinbei = table[(table["region_id"] == "jinbei") & (table["technology"] == "pv")].iloc[0]
    assert jinbei["sites_lost"] == "pv-jinbei-1-002"
    assert jinbei["sites_gained"] == "pv-jinbei-1-003"
    assert (jinbei["n_sites_lost"], jinbei["n_sites_gained"]) == (1, 1)
    assert jinbei["capacity_gw_change"] == pytest.approx(-1.4)
    assert jinbei["capacity_gw_base"] == pytest.approx(3.3)
    assert jinbei["eligible_km2_change"] == -150.0
    province = table[(table["region_id"] == "province") & (table["technology"] == "pv")].iloc[0]
    assert province["eligible_km2_strict"] == 900.0
    assert province["n_sites_change"] == 0
    wind = table[(table["region_id"] == "xinshuo") & (table["technology"] == "wind")].iloc[0]
    assert wind["n_sites_gained"] == wind["n_sites_lost"] == 0 and wind["sites_gained"] == ""
    assert np.isnan(wind["eligible_km2_base"])  # no base row for wind in the summaries
    assert list(table.columns[:3]) == ["level", "region_id", "technology"]
    with pytest.raises(ValueError, match="differ"):
        compare_scenarios(a, b, labels=("x", "x"))
