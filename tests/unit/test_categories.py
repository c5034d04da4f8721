"""Tests for siting.categories: codes, user layers versus proxies, precedence, zonal areas."""

import math
import re

import numpy as np
import pandas as pd
import pytest

from siting.categories import (
    BARREN_HILLS,
    CATEGORIES,
    CATEGORY_KEYS,
    COAL_SUBSIDENCE,
    DEFAULT_CATEGORIES_CONFIG,
    NO_CATEGORY,
    OTHER,
    SALINE,
    barren_hills_mask,
    coal_subsidence_mask,
    combine_category_summaries,
    elevation_counts,
    elevation_percentile_m,
    land_categories,
    saline_mask,
    summarise_categories,
    validate_categories_config,
)
from siting.eligibility import ExclusionRule, rule_mask
from siting.errors import ConfigError

SHAPE = (5, 6)


def _layers(**overrides):
    """Grassland on a 10° slope at 1000 m: barren hills everywhere unless overridden."""
    layers = {
        "landcover": np.full(SHAPE, 30, dtype=np.uint8),
        "slope_deg": np.full(SHAPE, 10.0, dtype=np.float32),
        "elevation_m": np.full(SHAPE, 1000.0, dtype=np.float32),
    }
    layers.update(overrides)
    return layers


# --- codes and labels -----------------------------------------------------------------------


def test_codes_and_labels():
    assert (NO_CATEGORY, COAL_SUBSIDENCE, SALINE, BARREN_HILLS, OTHER) == (0, 1, 2, 3, 4)
    assert CATEGORY_KEYS == ("coal_subsidence", "saline", "barren_hills", "other")
    assert [c.code for c in CATEGORIES.values()] == [1, 2, 3, 4]
    assert [c.name_zh for c in CATEGORIES.values()] == ["采煤沉陷区", "盐碱地", "荒山荒坡", "其他"]
    assert all(c.name_en for c in CATEGORIES.values())


# --- config ---------------------------------------------------------------------------------


def test_defaults_filled_and_input_not_modified():
    given = {"saline": {"threshold_ds_m": 8}}
    cfg = validate_categories_config(given)
    assert cfg["saline"]["threshold_ds_m"] == 8.0
    assert cfg["saline"]["max_slope_deg"] == DEFAULT_CATEGORIES_CONFIG["saline"]["max_slope_deg"]
    assert cfg["precedence"] == ["coal_subsidence", "saline", "barren_hills"]
    assert given == {"saline": {"threshold_ds_m": 8}}
    assert validate_categories_config(None) == validate_categories_config({})


@pytest.mark.parametrize(
    ("precedence", "problem"),
    [
        (["coal_subsidence", "saline"], "missing 'barren_hills'"),
        (["coal_subsidence", "saline", "saline", "barren_hills"], "repeated 'saline'"),
        (["coal_subsidence", "saline", "barren_hills", "other"], "unknown 'other'"),
        (["coal", "saline", "barren_hills"], "unknown 'coal'"),
        ("coal_subsidence", "must be a list"),
    ],
)
def test_precedence_must_name_each_category_once(precedence, problem):
    with pytest.raises(ConfigError, match=r"categories\.precedence") as info:
        validate_categories_config({"precedence": precedence})
    assert problem in str(info.value)


@pytest.mark.parametrize(
    ("cfg", "key"),
    [
        ({"barren_hills": {"classes": [20, 10]}}, "categories.barren_hills.classes"),
        ({"barren_hills": {"classes": [50]}}, "categories.barren_hills.classes"),
        (
            {"barren_hills": {"min_slope_deg": 30, "max_slope_deg": 25}},
            "categories.barren_hills.min_slope_deg",
        ),
        ({"saline": {"max_elevation_percentile": 30}}, "categories.saline.max_elevation_m"),
        ({"saline": {"max_elevation_m": None}}, "categories.saline.max_elevation_m"),
        ({"saline": {"threshold_ds_m": -1}}, "categories.saline.threshold_ds_m"),
        ({"coal_subsidence": {"margin_m": "1 km"}}, "categories.coal_subsidence.margin_m"),
        ({"coal_subsidence": {"buffer_m": 100}}, "categories.coal_subsidence"),
        ({"saline_land": {}}, "categories"),
    ],
)
def test_invalid_config_names_the_key(cfg, key):
    with pytest.raises(ConfigError, match=re.escape(f"'{key}'")):
        validate_categories_config(cfg)


# --- user layers versus proxies -------------------------------------------------------------


def test_user_layers_win_over_proxies_and_are_recorded():
    user = np.zeros(SHAPE, dtype=bool)
    user[0, 0] = True
    mining = np.zeros(SHAPE, dtype=bool)
    mining[4, 5] = True
    codes, sources = land_categories(
        _layers(coal_subsidence_user=user, mining_areas=mining, saline_land_user=np.zeros(SHAPE, bool)),
        resolution_m=100,
    )
    assert sources["coal_subsidence"] == "user"
    assert sources["saline"] == "user"
    assert codes[0, 0] == COAL_SUBSIDENCE
    assert codes[4, 5] == BARREN_HILLS  # the mining proxy is not used when the survey is given
    assert np.count_nonzero(codes == COAL_SUBSIDENCE) == 1


def test_subsidence_proxy_is_mining_plus_circular_margin():
    mining = np.zeros((9, 9), dtype=bool)
    mining[4, 4] = True
    mask, source = coal_subsidence_mask(
        coal_subsidence_user=None, mining_areas=mining, margin_m=200, resolution_m=100
    )
    assert source.startswith("proxy:mining polygons")
    assert "200 m" in source
    # Cells whose centre lies within 200 m: a disc of radius 2 cells (13 cells), not a square.
    assert mask.sum() == 13
    assert mask[4, 6] and mask[2, 4] and not mask[2, 6] and not mask[4, 7]
    expected = rule_mask(
        mining, ExclusionRule("m", "mining_areas", features=True, buffer_m=200), resolution_m=100
    )
    np.testing.assert_array_equal(mask, expected)


def test_subsidence_unavailable_without_user_layer_or_mining():
    codes, sources = land_categories(_layers(), resolution_m=100)
    assert sources["coal_subsidence"] == "unavailable"
    assert sources["saline"] == "unavailable"  # no salinity layer
    assert not np.any(codes == COAL_SUBSIDENCE)
    assert not np.any(codes == SALINE)


def test_saline_proxy_threshold_low_and_flat():
    salinity = np.array([[5.0, 4.0, 5.0, 5.0, np.nan]], dtype=np.float32)
    elevation = np.array([[900, 900, 1300, 900, 900]], dtype=np.float32)
    slope = np.array([[1.0, 1.0, 1.0, 3.0, 1.0]], dtype=np.float32)
    mask, source = saline_mask(
        saline_land_user=None,
        salinity_ds_m=salinity,
        elevation_m=elevation,
        slope_deg=slope,
        threshold_ds_m=4.0,
        elevation_limit_m=1200.0,
        max_slope_deg=2.0,
    )
    # saline; exactly at threshold (strict); too high; too steep; no data
    np.testing.assert_array_equal(mask, [[True, False, False, False, False]])
    assert source.startswith("proxy:HWSD v2")
    assert "4 dS/m" in source and "1200 m" in source


def test_saline_percentile_needs_region_wide_limit():
    cfg = {"saline": {"max_elevation_m": None, "max_elevation_percentile": 30}}
    layers = _layers(salinity_ds_m=np.full(SHAPE, 6.0, np.float32), slope_deg=np.full(SHAPE, 1.0, np.float32))
    with pytest.raises(ConfigError, match="max_elevation_percentile"):
        land_categories(layers, resolution_m=100, cfg=cfg)
    codes, _ = land_categories(layers, resolution_m=100, cfg=cfg, elevation_limit_m=1100.0)
    assert np.all(codes == SALINE)
    codes, _ = land_categories(layers, resolution_m=100, cfg=cfg, elevation_limit_m=900.0)
    assert not np.any(codes == SALINE)


def test_barren_hills_classes_slopes_and_exclusions():
    landcover = np.array([[20, 30, 60, 10, 50, 40, 30, 30, 30, 30]], dtype=np.uint8)
    slope = np.array([[10, 10, 10, 10, 10, 10, 2, 25, 1.9, 25.1]], dtype=np.float32)
    mask, source = barren_hills_mask(
        landcover, slope_deg=slope, classes=[20, 30, 60], min_slope_deg=2, max_slope_deg=25
    )
    expected = [[True, True, True, False, False, False, True, True, False, False]]
    np.testing.assert_array_equal(mask, expected)
    assert "permanent farmland and ecological red line not available" in source

    farmland = np.zeros_like(mask)
    farmland[0, 0] = True
    redline = np.zeros_like(mask)
    redline[0, 1] = True
    mask, source = barren_hills_mask(
        landcover,
        slope_deg=slope,
        classes=[20, 30, 60],
        min_slope_deg=2,
        max_slope_deg=25,
        permanent_farmland=farmland,
        ecological_redline=redline,
    )
    assert not mask[0, 0] and not mask[0, 1] and mask[0, 2]
    assert "not available" not in source


# --- precedence and the raster ----------------------------------------------------------------


def _overlap_layers():
    both = np.zeros(SHAPE, dtype=bool)
    both[1, 1] = True
    return _layers(coal_subsidence_user=both, saline_land_user=both.copy())


def test_overlap_takes_the_first_in_precedence():
    codes, _ = land_categories(_overlap_layers(), resolution_m=100)
    assert codes[1, 1] == COAL_SUBSIDENCE
    codes, _ = land_categories(
        _overlap_layers(),
        resolution_m=100,
        cfg={"precedence": ["saline", "coal_subsidence", "barren_hills"]},
    )
    assert codes[1, 1] == SALINE
    codes, _ = land_categories(
        _overlap_layers(),
        resolution_m=100,
        cfg={"precedence": ["barren_hills", "saline", "coal_subsidence"]},
    )
    assert codes[1, 1] == BARREN_HILLS


def test_nodata_and_invalid_cells_get_no_category_and_rest_is_other():
    landcover = np.full(SHAPE, 40, dtype=np.uint8)  # cropland: other
    landcover[0, 0] = 0
    valid = np.ones(SHAPE, dtype=bool)
    valid[4, 5] = False
    user = np.ones(SHAPE, dtype=bool)  # a survey covering everything still leaves nodata out
    codes, sources = land_categories(
        _layers(landcover=landcover, coal_subsidence_user=user), resolution_m=100, valid=valid
    )
    assert codes.dtype == np.uint8
    assert codes[0, 0] == NO_CATEGORY and codes[4, 5] == NO_CATEGORY
    assert np.count_nonzero(codes == COAL_SUBSIDENCE) == codes.size - 2
    codes, _ = land_categories(_layers(landcover=landcover), resolution_m=100)
    assert np.count_nonzero(codes == OTHER) == codes.size - 1
    assert sources["other"] == "remainder"


def test_nan_slope_falls_to_other():
    slope = np.full(SHAPE, 10.0, dtype=np.float32)
    slope[2, 2] = np.nan
    codes, _ = land_categories(_layers(slope_deg=slope), resolution_m=100)
    assert codes[2, 2] == OTHER
    assert codes[2, 3] == BARREN_HILLS


def test_shape_mismatch_and_missing_required_layer():
    with pytest.raises(ValueError, match="mining_areas"):
        land_categories(_layers(mining_areas=np.zeros((2, 2), bool)), resolution_m=100)
    with pytest.raises(ValueError, match="slope_deg"):
        land_categories({"landcover": np.zeros(SHAPE, np.uint8)}, resolution_m=100)


# --- summaries --------------------------------------------------------------------------------


def _random_tile(seed=1, shape=(40, 30)):
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 5, size=shape).astype(np.uint8)
    zones = rng.integers(0, 4, size=shape)
    return codes, zones


def test_summary_counts_each_category():
    codes = np.array([[1, 2, 3, 4, 0], [4, 4, 0, 1, 1]], dtype=np.uint8)
    zones = np.array([[1, 1, 1, 1, 1], [2, 2, 2, 2, 9]])
    summary = summarise_categories(codes, zones, zone_ids=[1, 2, 3], cell_area_km2=0.5)
    expected = pd.DataFrame(
        {
            "area_km2_coal_subsidence": [0.5, 0.5, 0.0],
            "area_km2_saline": [0.5, 0.0, 0.0],
            "area_km2_barren_hills": [0.5, 0.0, 0.0],
            "area_km2_other": [0.5, 1.0, 0.0],
            "total_km2": [2.0, 1.5, 0.0],
        },
        index=pd.Index([1, 2, 3], name="zone_id"),
    )
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_summary_additive_over_halves_and_shares():
    codes, zones = _random_tile()
    whole = summarise_categories(codes, zones, zone_ids=[1, 2, 3], cell_area_km2=0.01)
    halves = [
        summarise_categories(codes[:17], zones[:17], zone_ids=[1, 2, 3], cell_area_km2=0.01),
        summarise_categories(codes[17:], zones[17:], zone_ids=[1, 2, 3], cell_area_km2=0.01),
    ]
    combined = combine_category_summaries(halves)
    pd.testing.assert_frame_equal(combined[whole.columns], whole, check_index_type=False)
    shares = combined[[f"share_{k}" for k in CATEGORY_KEYS]].sum(axis=1)
    np.testing.assert_allclose(shares, 1.0)


def test_summary_overlapping_zonings_count_once_per_distinct_zone():
    codes = np.array([[1, 1, 4]], dtype=np.uint8)
    counties = np.array([[11, 11, 12]])
    bases = np.array([[101, 11, 101]])  # cell 2 repeats its county id: counted once
    summary = summarise_categories(codes, [counties, bases], zone_ids=[11, 12, 101], cell_area_km2=1.0)
    assert summary.loc[11, "area_km2_coal_subsidence"] == 2.0
    assert summary.loc[101, "total_km2"] == 2.0
    assert summary.loc[101, "area_km2_other"] == 1.0


# --- region-wide elevation percentile ---------------------------------------------------------


def test_elevation_percentile_additive_over_tiles():
    rng = np.random.default_rng(3)
    elevation = rng.uniform(300, 2500, size=(50, 40)).astype(np.float32)
    elevation[0, 0] = np.nan
    counts = elevation_counts(elevation[:20]) + elevation_counts(elevation[20:])
    np.testing.assert_array_equal(counts, elevation_counts(elevation))
    assert counts.sum() == elevation.size - 1
    limit = elevation_percentile_m(counts, percentile=30)
    exact = np.nanpercentile(elevation, 30)
    assert exact <= limit <= exact + 10.0 + 1e-6
    assert math.isnan(elevation_percentile_m(np.zeros_like(counts), percentile=30))


def test_summary_rejects_zones_of_another_shape():
    codes, zones = _random_tile()
    with pytest.raises(ValueError, match="zones have shape"):
        summarise_categories(codes, zones[:-1], zone_ids=[1], cell_area_km2=1.0)
