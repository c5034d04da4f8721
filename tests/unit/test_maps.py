"""Tests for siting.maps (+ maps_layers, maps_raster, maps_controls, assets): self-contained offline maps."""

from __future__ import annotations

import json
import re
import time

import folium
import map_inputs
import numpy as np
import pytest

from siting import assets, maps, sources
from siting.maps_raster import (
    GridArray,
    classes_png,
    continuous_png,
    display_raster,
    mercator_to_latlon,
)

DEMO = "demo-synthetic"
SOURCE_IDS = ["copdem_glo90", "worldcover_2021", "gsa_pvout", "cnmaps"]


def has(page: str, text: str) -> bool:
    """``text`` appears in the page as HTML text or inside a JS string (folium escapes non-ASCII there)."""
    escaped = json.dumps(text)[1:-1].replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text in page or escaped in page or escaped.replace("'", "\\u0027") in page


@pytest.fixture(scope="module")
def region():
    return map_inputs.region_layers()


@pytest.fixture(scope="module")
def rasters(tmp_path_factory):
    return map_inputs.write_rasters(tmp_path_factory.mktemp("rasters"), resolution_m=2000.0)


@pytest.fixture(scope="module")
def overview_html(region, rasters):
    m = maps.overview_map(
        region,
        data_basis=DEMO,
        eligibility={"pv": rasters["eligibility_pv"], "wind": rasters["eligibility_wind"]},
        land_categories=rasters["land_categories"],
        scores={"pv": rasters["score_pv"], "wind": rasters["score_wind"]},
        source_ids=SOURCE_IDS,
    )
    return maps.map_html(m)


@pytest.fixture(scope="module")
def pv_sites():
    return map_inputs.sites("pv")


# --- self-contained --------------------------------------------------------------------------------


def test_overview_is_self_contained(overview_html):
    assert assets.external_references(overview_html) == []
    assert not re.search(r"<(script|link)\b[^>]*(src|href)\s*=\s*['\"](https?:)?//", overview_html, re.I)
    assert "leaflet@1.9.3/dist/leaflet.js (npm, inlined)" in overview_html
    assert "leaflet-search@2.9.7" in overview_html and "leaflet-measure@2.1.7" in overview_html
    assert "leaflet.fullscreen@3.0.0" in overview_html and "jquery@3.7.1" in overview_html
    # stylesheet images became data URIs (Leaflet's layer icon, the fullscreen SVG)
    assert "url(images/layers.png)" not in overview_html
    assert "url(icon-fullscreen.svg)" not in overview_html
    assert "bootstrap" not in overview_html.lower()


def test_never_gcj02_tiles(region, pv_sites):
    page = maps.map_html(
        maps.sites_map(pv_sites, technology="pv", region=region, data_basis=DEMO, tianditu_key="K")
    )
    for word in ("amap", "autonavi", "gaode"):
        assert word not in page.lower().replace("amap-derived", "")


def test_unknown_external_reference_is_an_error():
    with pytest.raises(assets.AssetError, match="does not bundle"):
        assets.inline_assets('<script src="https://example.invalid/lib.js"></script>')


def test_missing_npm_packages_say_what_to_do(tmp_path):
    with pytest.raises(assets.AssetError, match="npm ci --prefix envs"):
        assets.inline_assets(
            '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>',
            root=tmp_path,
        )


def test_inlined_script_cannot_close_its_tag_early(tmp_path):
    pkg = tmp_path / "leaflet"
    (pkg / "dist").mkdir(parents=True)
    (pkg / "package.json").write_text('{"version": "1.9.3"}')
    (pkg / "dist" / "leaflet.js").write_text('var s = "</script>";')
    out = assets.inline_assets(
        '<script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js"></script>', root=tmp_path
    )
    assert out.count("</script>") == 1 and "<\\/script>" in out


# --- content ---------------------------------------------------------------------------------------


def test_overview_layers_legends_and_labels(overview_html):
    for name in [
        "省界 / Province",
        "地级市 / Cities",
        "县区 / Counties",
        "风光基地（按地理提议） / Wind/PV bases (proposed from geography)",
        "光伏可开发土地 / PV eligible land",
        "风电可开发土地 / Wind eligible land",
        "土地类别 / Land categories",
        "光伏适宜性评分 / PV suitability score",
        "风电适宜性评分 / Wind suitability score",
        "开放街道地图 OpenStreetMap",
        "无底图 No basemap",
    ]:
        assert has(overview_html, name), name
    for legend_text in [
        "采煤沉陷区 / Coal-mining subsidence",
        "盐碱地",
        "荒山荒坡",
        "[0–100]",
        "晋北 Jinbei",
    ]:
        assert has(overview_html, legend_text), legend_text
    assert not has(overview_html, "天地图")  # no key, no Tianditu
    assert "L.control.scale" in overview_html
    assert "L.Control.Measure" in overview_html and "L.control.fullscreen" in overview_html
    assert "L.Control.Search" in overview_html


def test_synthetic_label_only_for_demo(region):
    demo = maps.map_html(maps.overview_map(region, data_basis=DEMO))
    real = maps.map_html(maps.overview_map(region, data_basis="real"))
    assert 'id="sl-synthetic-banner"' in demo and has(demo, "合成演示数据，非真实结果")
    assert "<title>[合成数据 SYNTHETIC]" in demo
    assert "sl-synthetic-banner" not in real and "[合成数据 SYNTHETIC]" not in real


def test_attributions_from_the_catalogue(overview_html):
    for text in sources.attributions(SOURCE_IDS):
        assert has(overview_html, text.replace("&", "&amp;")), text


def test_tianditu_with_key_only(region):
    page = maps.map_html(maps.overview_map(region, data_basis=DEMO, tianditu_key="abc123"))
    assert has(page, "天地图 Tianditu")
    assert "tianditu.gov.cn/vec_w/wmts" in page and "tk=abc123" in page
    assert "TILEMATRIXSET=w" in page


def test_sites_popups_have_every_column(region, pv_sites):
    m = maps.sites_map(pv_sites, technology="pv", region=region, data_basis=DEMO, source_ids=["gsa_pvout"])
    columns = [c for c in pv_sites.columns if c != "geometry"]
    popups = [
        child
        for el in m._children.values()
        for grp in el._children.values()
        for child in grp._children.values()
        if isinstance(child, folium.GeoJsonPopup)
    ]
    site_popups = [p for p in popups if "site_id" in p.fields]
    assert len(site_popups) == 3  # jinbei, jinnan, outside bases
    for popup in site_popups:
        assert list(popup.fields) == columns
    page = maps.map_html(m)
    for col in columns:
        assert f'"{col}"' in page


def test_sites_base_filter_and_search(region, pv_sites):
    page = maps.map_html(maps.sites_map(pv_sites, technology="pv", region=region, data_basis=DEMO))
    assert has(page, "基地筛选 Base filter")
    assert has(page, "光伏场址 · 晋北 / PV sites · Jinbei")
    assert has(page, "光伏场址 · 基地外 / PV sites · outside bases")
    for site_id in pv_sites["site_id"]:
        assert f'"{site_id}"' in page
    assert has(page, "测试1东县")  # county names are searchable too
    assert has(page, "评分 / PV sites · Score")


def test_sites_coloured_by_yield(region, pv_sites):
    page = maps.map_html(
        maps.sites_map(
            pv_sites, technology="pv", region=region, data_basis=DEMO, color_by="specific_yield_kwh_kwp"
        )
    )
    assert "kWh/kWp/yr" in page
    with pytest.raises(KeyError):
        maps.sites_map(pv_sites, technology="pv", data_basis=DEMO, color_by="no_such_column")


def test_write_map_is_atomic(tmp_path, region):
    path = maps.write_map(maps.overview_map(region, data_basis=DEMO), tmp_path / "maps" / "overview.html")
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in path.parent.iterdir()] == ["overview.html"]


# --- rasters ---------------------------------------------------------------------------------------


def test_web_mercator_rows_place_latitudes_right():
    """A stripe at 38.0–38.1°N lands where Leaflet's image overlay (linear in mercator y) puts it."""
    res = 0.005
    lats = 41.0 - (np.arange(1400) + 0.5) * res
    arr = np.zeros((1400, 400), dtype="uint8")
    arr[(lats > 38.0) & (lats < 38.1), :] = 1
    grid = GridArray(arr, map_inputs.origin_transform(111.0, 41.0, res, res), "EPSG:4326", 255)
    shown = display_raster(grid, categorical=True, max_px=700)
    _, bottom, _, top = shown.bounds_mercator
    n = shown.array.shape[0]
    rows = np.nonzero((shown.array == 1).any(axis=1))[0]
    y_centres = top - (rows + 0.5) * (top - bottom) / n  # what L.imageOverlay does between its corners
    lat_centres = np.array([mercator_to_latlon(0.0, y)[0] for y in y_centres])
    half_px_deg = 0.5 * (7.0 / n) * 1.3
    assert lat_centres.min() > 38.0 - half_px_deg and lat_centres.max() < 38.1 + half_px_deg
    (south, west), (north, east) = shown.bounds_latlon
    assert south == pytest.approx(34.0, abs=0.02) and north == pytest.approx(41.0, abs=0.02)
    assert west == pytest.approx(111.0, abs=0.02) and east == pytest.approx(113.0, abs=0.02)
    # rows spaced evenly in latitude would put the stripe more than a pixel off near the edges
    lat_linear = north - (rows + 0.5) * (north - south) / n
    assert np.abs(lat_linear - lat_centres).max() > 2 * (7.0 / n)


def test_display_raster_downsamples_and_keeps_nodata_transparent():
    transform, width, height = map_inputs.albers_grid(1000.0)
    arrays = map_inputs.raster_arrays(width, height)
    grid = GridArray(arrays["score_pv"], transform, map_inputs.ALBERS, float("nan"))
    shown = display_raster(grid, categorical=False, max_px=300)
    assert max(shown.array.shape) == 300
    assert np.isnan(shown.array).any() and np.nanmax(shown.array) <= 100
    uri = continuous_png(shown, vmin=0, vmax=100)
    assert uri.startswith("data:image/png;base64,")
    cats = display_raster(GridArray(arrays["categories"], transform, map_inputs.ALBERS, 0), categorical=True)
    assert set(np.unique(cats.array)) <= {0, 1, 2, 3, 4}
    assert classes_png(cats, {1: "#8c510a", 2: "#35978f"}).startswith("data:image/png;base64,")


def test_province_sized_rasters_stay_under_the_size_limit(region):
    """Five 100 m province rasters (4,000 × 7,000 cells of noise, hard for PNG) → a map < 25 MB, quickly."""
    rng = np.random.default_rng(0)
    transform = map_inputs.origin_transform(*_albers_origin(), 100.0, 100.0)
    shape = (7000, 4000)

    def grid(dtype: str, nodata: float) -> GridArray:
        if dtype == "float32":
            arr = (rng.random(shape, dtype="float32") * 100).astype("float32")
            arr[:50] = np.nan
        else:
            arr = rng.integers(0, 5 if nodata == 0 else 2, size=shape, dtype="uint8")
        return GridArray(arr, transform, map_inputs.ALBERS, nodata)

    start = time.perf_counter()
    m = maps.overview_map(
        region,
        data_basis=DEMO,
        eligibility={"pv": grid("uint8", 255), "wind": grid("uint8", 255)},
        land_categories=grid("uint8", 0),
        scores={"pv": grid("float32", np.nan), "wind": grid("float32", np.nan)},
    )
    page = maps.map_html(m, max_bytes=maps.MAP_SIZE_LIMIT_BYTES)
    elapsed = time.perf_counter() - start
    size_mb = len(page.encode()) / 1e6
    print(f"province-sized overview (noise): {size_mb:.1f} MB in {elapsed:.1f} s")
    assert size_mb < 25
    assert page.count("L.imageOverlay(") == 5


def _albers_origin() -> tuple[float, float]:
    transform, _, _ = map_inputs.albers_grid(100.0)
    return transform.c, transform.f


def test_map_html_enforces_a_size_limit(region):
    with pytest.raises(assets.AssetError, match="MB"):
        maps.map_html(maps.overview_map(region, data_basis=DEMO), max_bytes=10_000)
