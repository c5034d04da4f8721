"""The maps and the report the pipeline itself writes (tiny run), opened offline in headless Chromium."""

from __future__ import annotations

import pytest
from test_browser import assert_clean_offline_page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pipeline_pages(tiny_run, open_pages, tmp_path_factory) -> dict:
    shots = tmp_path_factory.mktemp("pipeline-screenshots")
    names = ["overview", "pv", "wind", "report"]
    specs = [
        {
            "path": str(tiny_run / "results/tiny" / ("report.html" if n == "report" else f"maps/{n}.html")),
            "screenshot": str(shots / f"{n}.png"),
            "fullPage": n == "report",
        }
        for n in names
    ]
    print(f"\npipeline screenshots in {shots}")
    return dict(zip(names, open_pages(specs), strict=True))


@pytest.mark.parametrize("name", ["overview", "pv", "wind", "report"])
def test_pipeline_pages_open_offline_without_errors(pipeline_pages, name):
    r = pipeline_pages[name]
    assert_clean_offline_page(r)
    assert "SYNTHETIC" in r["dom"].get("banner", "") + r["dom"].get("bodyText", "")


def test_pipeline_overview_shows_the_region_and_data_layers(pipeline_pages):
    dom = pipeline_pages["overview"]["dom"]
    for label in ["县区 / Counties", "光伏可开发土地 / PV eligible land", "土地类别 / Land categories"]:
        assert label in dom["overlays"]
    assert dom["rasters"] >= 1 and dom["paths"] > 3
    pv = pipeline_pages["pv"]["dom"]
    assert any(label.startswith("光伏场址") for label in pv["overlays"])
