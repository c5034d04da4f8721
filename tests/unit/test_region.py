"""Region layers from cnmaps: counts, areas against the reference table, no overlaps, bases."""

from pathlib import Path

import pandas as pd
import pytest
import shapely
import yaml

from siting import region
from siting.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
CRS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84"
REFERENCE = ROOT.parent / "shared" / "domain" / "shanxi_counties.csv"


@pytest.fixture(scope="module")
def layers():
    cfg = yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    return region.build_region(
        140000,
        counties=[],
        bases=region.bases_from_config(cfg["bases"]["items"]),
        basis_note="proposal",
        equal_area_crs=CRS,
    )


def test_counts_and_province_area(layers):
    assert len(layers["province"]) == 1
    assert len(layers["city"]) == 11
    assert len(layers["county"]) == 117
    assert layers["province"]["area_km2"].iloc[0] == pytest.approx(156_800, abs=500)
    assert layers["province"].crs.to_epsg() == 4326


def test_counties_tile_the_province(layers):
    county_sum = layers["county"]["area_km2"].sum()
    assert county_sum == pytest.approx(layers["province"]["area_km2"].iloc[0], rel=1e-3)
    ea = layers["county"].to_crs(CRS)
    overlap = ea.geometry.area.sum() - shapely.union_all(ea.geometry.values).area
    assert overlap / 1e6 < 1.0  # km², i.e. no overlaps beyond slivers of the source data


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared/domain reference table not beside the repo")
def test_county_adcodes_names_and_areas_match_reference(layers):
    ref = pd.read_csv(REFERENCE)
    merged = layers["county"].merge(ref, on="adcode", suffixes=("", "_ref"))
    assert len(merged) == 117
    assert (merged["name_zh"] == merged["county"]).all()
    assert (merged["area_km2"] - merged["area_km2_ref"]).abs().max() < 1.0


def test_bases(layers):
    base = layers["base"].set_index("base_id")
    assert base["n_counties"].to_dict() == {
        "jinbei": 10,
        "xinshuo": 17,
        "jinxi_yellow_river": 16,
        "jindong": 23,
        "jinnan": 27,
    }
    assert base.loc["jinbei", "area_km2"] == pytest.approx(14_074, rel=0.01)
    assert (base["definition"] == "proposal").all()


def test_subset_of_counties_clips_every_layer():
    admin = region.load_admin(140000)
    sub = region.select_region(admin, [140226, 140212])
    assert sorted(sub["county"]["adcode"]) == [140212, 140226]
    assert list(sub["city"]["adcode"]) == [140200]
    clipped = region.add_area_km2(sub["province"], equal_area_crs=CRS)["area_km2"].iloc[0]
    counties = region.add_area_km2(sub["county"], equal_area_crs=CRS)["area_km2"].sum()
    assert clipped == pytest.approx(counties, rel=1e-3)


def test_county_in_two_bases_and_unknown_codes():
    admin = region.load_admin(140000)
    bases = [
        region.Base("a", "甲", "A", (140226, 140212)),
        region.Base("b", "乙", "B", (140226,)),
    ]
    frame = region.build_bases(admin["county"], bases, basis_note="x")
    assert list(frame["n_counties"]) == [2, 1]
    with pytest.raises(ConfigError, match=r"region\.counties"):
        region.select_region(admin, [149999])
    with pytest.raises(ConfigError, match=r"region\.province"):
        region.admin_index(990000)


def test_admin_cache_gives_the_same_layers(tmp_path):
    fresh = region.load_admin(140000, cache_dir=tmp_path)
    (cached_file,) = tmp_path.glob("admin_140000_cnmaps-*.gpkg")
    again = region.load_admin(140000, cache_dir=tmp_path)
    for level in ("province", "city", "county"):
        a, b = fresh[level], again[level]
        assert list(a.columns) == list(b.columns)
        pd.testing.assert_frame_equal(
            a.drop(columns="geometry"), b.drop(columns="geometry"), check_dtype=False
        )
        assert a.geom_equals_exact(b, tolerance=1e-9).all()
        assert b.crs.to_epsg() == 4326
    assert cached_file.stat().st_size > 0
    cached_file.write_bytes(b"not a geopackage")  # a broken cache is rebuilt, not an error
    rebuilt = region.load_admin(140000, cache_dir=tmp_path)
    assert len(rebuilt["county"]) == len(fresh["county"])
