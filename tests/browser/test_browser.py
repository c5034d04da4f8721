"""The maps and the report in headless Chromium, offline: no JS errors, layers and legends shown.

Screenshots are saved to a temporary folder whose path is printed (``pytest -s`` or ``-rA`` shows it).
"""

from __future__ import annotations

from urllib.parse import urlparse

import map_inputs
import pandas as pd
import pytest

from siting import maps, report

pytestmark = pytest.mark.browser

DEMO = "demo-synthetic"
TILE_HOSTS = ("tile.openstreetmap.org", ".tianditu.gov.cn")
"""Hosts whose requests are expected (basemap tiles) and fail with the network off."""


def _is_tile(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return any(host == h or host.endswith(h) for h in TILE_HOSTS)


def assert_clean_offline_page(result: dict) -> None:
    """No uncaught error, no console error and no request but basemap tiles (which fail offline)."""
    assert result["pageErrors"] == [], result["pageErrors"]
    errors = [
        c
        for c in result["console"]
        if not (c["text"].startswith("Failed to load resource") and _is_tile(c["url"]))
    ]
    assert errors == [], errors
    assert [u for u in result["blocked"] if not _is_tile(u)] == []


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict:
    """overview, pv, wind maps and the report built from synthetic inputs, in one folder."""
    folder = tmp_path_factory.mktemp("site")
    rasters = map_inputs.write_rasters(folder / "rasters", resolution_m=1000.0)
    region = map_inputs.region_layers()
    out = folder / "maps"
    paths = {
        "overview": maps.write_map(
            maps.overview_map(
                region,
                data_basis=DEMO,
                eligibility={"pv": rasters["eligibility_pv"], "wind": rasters["eligibility_wind"]},
                land_categories=rasters["land_categories"],
                scores={"pv": rasters["score_pv"], "wind": rasters["score_wind"]},
                source_ids=["copdem_glo90", "worldcover_2021", "cnmaps"],
            ),
            out / "overview.html",
        )
    }
    for tech in ("pv", "wind"):
        paths[tech] = maps.write_map(
            maps.sites_map(
                map_inputs.sites(tech),
                technology=tech,
                region=region,
                data_basis=DEMO,
                source_ids=["gsa_pvout" if tech == "pv" else "gwa_wind_speed"],
                tianditu_key="offline-test-key",
            ),
            out / f"{tech}.html",
        )
    paths["report"] = report.write_report(
        folder / "report.html",
        run="demo",
        data_basis=DEMO,
        eligibility=map_inputs.eligibility_table(),
        land_categories=pd.DataFrame(
            {
                "technology": ["pv", "pv"],
                "land_category": ["saline", "other"],
                "eligible_area_km2": [10.0, 20.0],
            }
        ),
        sites={"pv": map_inputs.sites("pv")},
        base_names=maps.base_names(region),
        maps=[("maps/overview.html", "总览", "Overview")],
        source_ids=["cnmaps"],
        config={"run": {"name": "demo"}},
    )
    return paths


@pytest.fixture(scope="module")
def results(pages, open_pages, tmp_path_factory) -> dict:
    shots = tmp_path_factory.mktemp("screenshots")
    specs = [
        {
            "path": str(pages["overview"]),
            "screenshot": str(shots / "overview.png"),
            "enable": ["土地类别 / Land categories"],
            "search": "测试1",
        },
        {"path": str(pages["pv"]), "screenshot": str(shots / "pv.png"), "search": "pv-jinnan"},
        {"path": str(pages["wind"]), "screenshot": str(shots / "wind.png"), "baseFilter": "jinbei"},
        {"path": str(pages["report"]), "screenshot": str(shots / "report.png"), "fullPage": True},
    ]
    out = dict(zip(["overview", "pv", "wind", "report"], open_pages(specs), strict=True))
    print(f"\nscreenshots in {shots}")
    return out


@pytest.mark.parametrize("name", ["overview", "pv", "wind", "report"])
def test_no_javascript_errors_and_nothing_but_tiles_requested(results, name):
    r = results[name]
    assert_clean_offline_page(r)
    assert r["dom"]["externalScripts"] == []


def test_overview_layers_legend_and_controls(results):
    dom = results["overview"]["dom"]
    assert dom["leafletVersion"] == "1.9.3"
    for label in [
        "省界 / Province",
        "县区 / Counties",
        "风电可开发土地 / Wind eligible land",
        "光伏适宜性评分 / PV suitability score",
    ]:
        assert label in dom["overlays"]
    assert "无底图 No basemap" in dom["baseLayers"] and "开放街道地图 OpenStreetMap" in dom["baseLayers"]
    assert "土地类别 / Land categories" in dom["checkedOverlays"]
    assert "采煤沉陷区 / Coal-mining subsidence" in dom["legend"] and "可开发 / eligible" in dom["legend"]
    assert dom["rasters"] == 2  # PV eligibility (on by default) + land categories (switched on)
    assert dom["paths"] > 5  # province, cities, counties, bases drawn without any tile
    assert all(dom["controls"][k] for k in ("fullscreen", "measure", "search", "scale"))
    assert "SYNTHETIC DEMO DATA" in dom["banner"] and "SYNTHETIC" in dom["title"]
    assert "ESA WorldCover" in dom["attribution"] and "cnmaps" in dom["attribution"]
    assert results["overview"]["searchTips"]  # county names found


def test_site_maps_search_filter_and_legend(results):
    pv = results["pv"]["dom"]
    assert "天地图 Tianditu" in pv["baseLayers"]
    assert any(label.startswith("光伏场址 · 晋南") for label in pv["overlays"])
    assert "评分 / PV sites · Score [0–100]" in pv["legend"]
    assert pv["controls"]["baseFilter"]
    assert results["pv"]["searchTips"] and all(t.startswith("pv-jinnan") for t in results["pv"]["searchTips"])
    wind = results["wind"]["dom"]
    site_groups = [label for label in wind["checkedOverlays"] if label.startswith("风电场址")]
    assert len(site_groups) == 1 and "晋北" in site_groups[0]  # the base filter left only jinbei on


def test_report_renders(results):
    dom = results["report"]["dom"]
    assert "SYNTHETIC DEMO DATA" in dom["bodyText"]
    assert "可开发装机与2030年目标" in dom["bodyText"]


def test_the_harness_sees_errors(open_pages, tmp_path):
    """A page with an uncaught exception, a console error and a non-tile request is reported as such."""
    page = tmp_path / "broken.html"
    page.write_text(
        "<!DOCTYPE html><html><body><img src='https://example.invalid/x.png'>"
        "<script>console.error('boom'); undefinedFunction();</script></body></html>",
        encoding="utf-8",
    )
    (r,) = open_pages([{"path": str(page)}])
    assert any("undefinedFunction" in e for e in r["pageErrors"])
    assert any(c["text"] == "boom" for c in r["console"])
    assert "https://example.invalid/x.png" in r["blocked"]
