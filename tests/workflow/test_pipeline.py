"""The whole DAG on the tiny config (two counties, 500 m grid, synthetic inputs), run in a temp folder.

Checks outputs and labels, that a second run does nothing, that editing one exclusion rule reruns only
what depends on it, that results do not depend on the tile size, and that bad config stops cleanly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio
import pytest
import rasterio
import yaml
from pipeline_run import ROOT, TINY, overlay, snakemake

pytestmark = pytest.mark.workflow


@pytest.fixture(scope="module")
def run(tiny_run) -> Path:
    return tiny_run


def test_region_grid_and_outputs_exist(run):
    region = run / "resources/tiny/region.gpkg"
    assert [name for name, _ in pyogrio.list_layers(region)] == ["province", "city", "county", "base"]
    county = pyogrio.read_dataframe(region, layer="county")
    assert sorted(county["adcode"]) == [140212, 140226]
    for path in [
        "results/tiny/eligibility/summary.csv",
        "results/tiny/eligibility/pv_eligible.tif",
        "results/tiny/eligibility/wind_excluded_by.tif",
        "results/tiny/summary/categories.csv",
        "results/tiny/summary/scores.csv",
        "results/tiny/summary/sensitivity.csv",
        "results/tiny/maps/overview.html",
    ]:
        assert (run / path).stat().st_size > 0, path


def test_outputs_say_they_are_synthetic(run):
    with rasterio.open(run / "results/tiny/eligibility/pv_eligible.tif") as src:
        assert src.tags()["DATA_BASIS"] == "demo-synthetic"
        assert src.crs.to_proj4().startswith("+proj=aea")
    summary = pd.read_csv(run / "results/tiny/eligibility/summary.csv", encoding="utf-8-sig")
    assert set(summary["data_basis"]) == {"demo-synthetic"}
    html = (run / "results/tiny/maps/overview.html").read_text(encoding="utf-8")
    assert "demo-synthetic" in html or "合成" in html


def test_eligibility_summary_and_excluded_by_decode(run):
    summary = pd.read_csv(run / "results/tiny/eligibility/summary.csv", encoding="utf-8-sig")
    province = summary[summary["level"] == "province"].set_index("technology")
    counties = summary[summary["level"] == "county"].groupby("technology")["eligible_km2"].sum()
    assert province["eligible_km2"].to_dict() == pytest.approx(counties.to_dict())
    assert (province["eligible_km2"] > 0).all() and (province["eligible_share"] < 1).all()
    rules = pd.read_csv(run / "results/tiny/eligibility/pv_rules.csv", encoding="utf-8-sig")
    with rasterio.open(run / "results/tiny/eligibility/pv_excluded_by.tif") as src:
        bits = src.read(1)
    from siting.eligibility import decode_excluded_by

    names = set()
    for value in set(bits.ravel().tolist()) - {0}:
        names.update(decode_excluded_by(value, list(rules["rule"])))
    assert names <= set(rules["rule"]) and "permanent_farmland" in names


def test_second_run_has_nothing_to_do(run):
    result = snakemake(run, "-n", configfiles=[TINY])
    assert "Nothing to be done" in result.stdout + result.stderr


def test_editing_one_pv_rule_reruns_only_what_depends_on_it(run, tmp_path):
    config = yaml.safe_load((ROOT / "config/config.yaml").read_text(encoding="utf-8"))
    pv_rules = config["exclusions"]["pv"]
    for rule in pv_rules:
        if rule["name"] == "slope_pv":
            rule["above"] = 10
    edited = overlay(tmp_path, "edited", {"exclusions": {"pv": pv_rules}})
    result = snakemake(run, "-n", configfiles=[TINY, edited])
    out = result.stdout
    assert "rule compute_eligibility:" in out and "logs/tiny/compute_eligibility/pv.log" in out
    for untouched in (
        "build_demo_inputs",
        "prepare_terrain",
        "prepare_landcover",
        "prepare_vectors",
        "prepare_distances",
        "prepare_climate",
        "build_grid",
    ):
        assert f"rule {untouched}:" not in out, untouched
    assert "logs/tiny/compute_eligibility/wind.log" not in out
    assert "compute_scores/wind_" not in out


def test_eligibility_waits_only_for_the_rasters_its_rules_read(run):
    # No PV exclusion rule reads climate or distances: forcing those to re-run leaves PV eligibility alone.
    target = "results/tiny/eligibility/pv_summary.csv"
    result = snakemake(
        run, target, "-n", "--forcerun", "prepare_climate", "prepare_distances", configfiles=[TINY]
    )
    assert "Nothing to be done" in result.stdout + result.stderr
    result = snakemake(run, target, "-n", "--forcerun", "prepare_terrain", configfiles=[TINY])
    assert "rule compute_eligibility:" in result.stdout


def test_tile_size_does_not_change_eligible_area(run):
    other = overlay(run, "tiles60", {"run": {"name": "tiny60"}, "grid": {"tile_size_m": 60000}})
    snakemake(run, "results/tiny60/eligibility/summary.csv", configfiles=[TINY, other])
    a = pd.read_csv(run / "results/tiny/eligibility/summary.csv", encoding="utf-8-sig")
    b = pd.read_csv(run / "results/tiny60/eligibility/summary.csv", encoding="utf-8-sig")
    columns = [c for c in a.columns if "_km2" in c]
    pd.testing.assert_frame_equal(a[columns], b[columns])


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"grid": {"resolution_m": "fine"}}, "grid.resolution_m"),
        (
            {
                "exclusions": {
                    "wind": [{"name": "wide", "layer": "landcover", "classes": [50], "buffer_m": 5000}]
                }
            },
            "exclusions.wind[0].buffer_m",
        ),
        ({"region": {"counties": [149999]}}, "region.counties[0]"),
        ({"scoring": {"pv": {"weights": {"ghi_kwh_m2_day": 0.9, "slope_deg": 0.3}}}}, "scoring.pv.weights"),
    ],
)
def test_bad_config_stops_before_any_job_with_one_message(tmp_path, data, key):
    bad = overlay(tmp_path, "bad", data)
    result = snakemake(tmp_path, "-n", configfiles=[TINY, bad], check=False)
    assert result.returncode != 0
    assert key in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not any(tmp_path.glob("results/*"))


def test_dry_run_of_the_real_study_lists_every_download(tmp_path):
    """`snakemake -n` on config/config.yaml lists the 35 GLO-90 and 9 WorldCover tiles of Shanxi."""
    result = snakemake(tmp_path, "-n")
    urls = {
        line.split("Download ", 1)[1].strip() for line in result.stdout.splitlines() if "Download " in line
    }
    dem = {u for u in urls if u.startswith("https://copernicus-dem-90m.s3.amazonaws.com/")}
    worldcover = {u for u in urls if "ESA_WorldCover_10m_2021_v200_" in u}
    assert len(dem) == 35 and len(worldcover) == 9
    assert (
        "https://copernicus-dem-90m.s3.amazonaws.com/Copernicus_DSM_COG_30_N37_00_E112_00_DEM/Copernicus_DSM_COG_30_N37_00_E112_00_DEM.tif"
        in dem
    )
    assert any(u.startswith("https://globalwindatlas.info/api/gis/country/CHN/wind-speed/100") for u in urls)
    assert not any(tmp_path.glob("resources/raw/*"))  # a dry run downloads nothing


def test_every_table_says_it_is_synthetic(run):
    tables = sorted((run / "results/tiny").rglob("*.csv"))
    tables = [t for t in tables if "/tiles/" not in str(t) and not t.name.endswith("_rules.csv")]
    assert len(tables) >= 8
    for table in tables:
        frame = pd.read_csv(table, encoding="utf-8-sig")
        assert set(frame["data_basis"]) == {"demo-synthetic"}, table


def test_sites_rerun_is_byte_identical_and_a_one_county_change_stays_in_that_county(run, tmp_path):
    sites_csv = run / "results/tiny/sites/sites.csv"
    before = sites_csv.read_bytes()
    snakemake(run, "--forcerun", "simulate_yield", configfiles=[TINY])
    assert sites_csv.read_bytes() == before

    # A protected area inside 新荣 (140212) only: 左云 (140226) keeps exactly its sites.
    import geopandas as gpd

    county = gpd.read_file(run / "resources/tiny/region.gpkg", layer="county")
    xinrong = county[county["adcode"] == 140212].to_crs(3857).geometry.iloc[0]
    patch = xinrong.buffer(-6000).intersection(xinrong.centroid.buffer(12000))
    layer = tmp_path / "protected.gpkg"
    gpd.GeoDataFrame({"name": ["test reserve"]}, geometry=[patch], crs=3857).to_file(layer)
    extra = overlay(tmp_path, "protected", {"data": {"user_layers": {"protected_areas": str(layer)}}})
    snakemake(run, "results/tiny/sites/sites.csv", configfiles=[TINY, extra])
    old = pd.read_csv(pd.io.common.BytesIO(before), encoding="utf-8-sig")
    new = pd.read_csv(sites_csv, encoding="utf-8-sig")
    relative = ["rank", "rank_in_base"]  # ranks are relative to every other site, so they may move
    pd.testing.assert_frame_equal(
        old[old["county_adcode"] == 140226].drop(columns=relative).reset_index(drop=True),
        new[new["county_adcode"] == 140226].drop(columns=relative).reset_index(drop=True),
    )
    assert not old[old["county_adcode"] == 140212].equals(new[new["county_adcode"] == 140212])
    # Last test of the session on this run: it leaves the run on the edited config.
