"""Tests for siting.report: sections from the inputs given (and only those), self-contained HTML."""

from __future__ import annotations

import re

import map_inputs
import pandas as pd
import pytest

from siting import report, sources
from siting.errors import InputError
from siting.maps import base_names

DEMO = "demo-synthetic"
ALL_SECTIONS = ["capacity", "sites", "land", "exclusions", "sinks", "regions", "maps", "provenance", "config"]


def exclusion_summary() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "total_km2": [1000.0, 2000.0],
            "excluded_km2_slope": [100.0, 300.0],
            "excluded_km2_farmland": [200.0, 100.0],
            "excluded_first_km2_slope": [100.0, 300.0],
            "excluded_first_km2_farmland": [150.0, 50.0],
            "invalid_km2": [0.0, 0.0],
            "eligible_km2": [750.0, 1650.0],
            "eligible_share": [0.75, 0.825],
        },
        index=pd.Index([140221, 140222], name="zone_id"),
    )


CONFIG = {
    "run": {"name": "demo"},
    "exclusions": {
        "common": [
            {"name": "farmland", "layer": "permanent_farmland", "features": True, "description": "基本农田"}
        ],
        "pv": [{"name": "slope", "layer": "slope_deg", "above": 15, "buffer_m": 0}],
    },
}


@pytest.fixture(scope="module")
def inputs() -> dict:
    region = map_inputs.region_layers()
    return {
        "run": "demo",
        "data_basis": DEMO,
        "eligibility": map_inputs.eligibility_table(),
        "targets": pd.DataFrame({"base": ["jinbei", "jinnan"], "target_gw": [30.0, 25.0]}),
        "land_categories": pd.DataFrame(
            {
                "technology": ["pv"] * 4 + ["wind"] * 4,
                "land_category": ["coal_subsidence", "saline", "barren_hills", "other"] * 2,
                "eligible_area_km2": [300.0, 200.0, 500.0, 900.0, 100.0, 50.0, 800.0, 2000.0],
            }
        ),
        "exclusions": {"pv": exclusion_summary()},
        "sites": {"pv": map_inputs.sites("pv"), "wind": map_inputs.sites("wind")},
        "sinks": pd.DataFrame({"kind": ["afforestation", "wetland"], "area_km2": [2500.0, 300.0]}),
        "forest_target_km2": 3900.0,
        "regions": pd.DataFrame({"name_zh": ["测试1东县"], "eligible_km2": [12.5], "eligible_share": [0.1]}),
        "base_names": base_names(region),
        "maps": [("maps/overview.html", "总览", "Overview")],
        "source_ids": ["copdem_glo90", "worldcover_2021", "cnmaps"],
        "config": CONFIG,
    }


def section_ids(page: str) -> list[str]:
    return re.findall(r'<section id="([a-z_]+)">', page)


def test_all_sections_when_all_inputs_given(inputs):
    page = report.build_report(**inputs)
    assert section_ids(page) == ALL_SECTIONS
    assert 'id="synthetic-banner"' in page and "<title>[合成数据 SYNTHETIC]" in page


def test_self_contained(inputs):
    page = report.build_report(**inputs)
    assert "<script" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//[^"']*\.(js|css|png|svg|woff2?)""", page)
    assert page.count("<svg") >= 3  # capacity, land, exclusions figures, inline
    assert not re.search(r"<image[^>]+href", page)


@pytest.mark.parametrize("drop", ALL_SECTIONS)
def test_a_section_is_absent_when_its_input_is(inputs, drop):
    key = {
        "capacity": "eligibility",
        "land": "land_categories",
        "provenance": "source_ids",
    }.get(drop, drop)
    given = {**inputs, key: None if key not in ("maps", "source_ids") else ()}
    page = report.build_report(**given)
    expected = [s for s in ALL_SECTIONS if s != drop]
    assert section_ids(page) == expected


def test_nothing_given_means_no_sections_and_no_numbers():
    page = report.build_report(run="shanxi", data_basis="real")
    assert section_ids(page) == []
    assert "GW" not in page and "km²" not in page
    assert "synthetic-banner" not in page and "SYNTHETIC" not in page


def test_capacity_answer_against_the_2030_target(inputs):
    page = report.build_report(**{**inputs, "targets": None})
    table = inputs["eligibility"]
    total_gw = table["capacity_mw"].sum() / 1000
    assert f"{total_gw:,.1f} GW" in page
    assert f"{total_gw / 120:,.1f}" in page and "120 GW" in page
    assert "目标 Target [GW]" not in page  # no per-base targets given
    with_targets = report.build_report(**inputs)
    assert "目标 Target [GW]" in with_targets
    no_target = report.build_report(**{**inputs, "targets": None, "target_2030_gw": None})
    assert "120 GW" not in no_target


def test_sinks_answer_needs_the_target(inputs):
    assert 'id="answer-sinks"' in report.build_report(**inputs)
    page = report.build_report(**{**inputs, "forest_target_km2": None})
    assert 'id="sinks"' in page and 'id="answer-sinks"' not in page


def test_top_sites_are_the_best_ranked(inputs):
    page = report.build_report(**{**inputs, "top_n": 3})
    pv = inputs["sites"]["pv"].sort_values("rank")
    for site_id in pv["site_id"].head(3):
        assert site_id in page
    assert pv["site_id"].iloc[3] not in page.split('id="table-sites-pv"')[1].split("</table>")[0]


def test_exclusion_rules_with_area_removed(inputs):
    page = report.build_report(**inputs)
    block = page.split('id="table-exclusions-pv"')[1].split("</table>")[0]
    assert "slope_deg" in block and "above 15" in block and "permanent_farmland" in block
    assert ">400<" in block and ">300<" in block  # alone, summed over zones
    assert ">200<" in block  # farmland first


def test_provenance_and_config(inputs):
    page = report.build_report(**inputs)
    for sid in inputs["source_ids"]:
        src = sources.get_source(sid)
        assert report._e(src.attribution) in page and report._e(src.licence) in page
    assert "name: farmland" in page and "layer: slope_deg" in page


def test_missing_columns_are_named(inputs):
    bad = inputs["eligibility"].drop(columns="capacity_mw")
    with pytest.raises(InputError, match="capacity_mw"):
        report.build_report(**{**inputs, "eligibility": bad})


def test_write_report_atomic(tmp_path, inputs):
    path = report.write_report(tmp_path / "results" / "demo" / "report.html", **inputs)
    assert section_ids(path.read_text(encoding="utf-8")) == ALL_SECTIONS
    assert [p.name for p in path.parent.iterdir()] == ["report.html"]
