"""Tests for siting.scoring: value functions, weights, bonuses, NaN rule, summaries, sensitivity."""

import copy
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from siting.categories import (
    BARREN_HILLS,
    COAL_SUBSIDENCE,
    DEFAULT_CATEGORIES_CONFIG,
    NO_CATEGORY,
    OTHER,
    SALINE,
    validate_categories_config,
)
from siting.errors import ConfigError
from siting.scoring import (
    DEFAULT_SCORING_CONFIG,
    combine_score_summaries,
    compare_weight_sets,
    criterion_values,
    finish_score_summaries,
    map_criterion,
    required_layers,
    score_tile,
    sensitivity_counts,
    sensitivity_histograms,
    sensitivity_table,
    sensitivity_thresholds,
    summarise_scores,
    technology_config,
    validate_scoring_config,
)

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = ROOT / "workflow" / "schemas" / "config.schema.yaml"
CONFIG = ROOT / "config" / "config.yaml"


def _pv_cfg(weights, **criteria):
    """A scoring config whose PV weights are exactly ``weights``."""
    return {"pv": {"weights": weights, "criteria": criteria}}


def _f32(values):
    return np.asarray(values, dtype=np.float32)


# --- value functions ------------------------------------------------------------------------


def test_linear_mapping_and_clipping():
    out = map_criterion(_f32([3.0, 3.6, 4.1, 4.6, 5.0, np.nan, np.inf]), {"worst": 3.6, "best": 4.6})
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, [0, 0, 0.5, 1, 1, np.nan, 1], atol=1e-6)


def test_reversed_mapping_best_below_worst():
    out = map_criterion(_f32([-1, 0, 7.5, 15, 40, np.inf]), {"worst": 15, "best": 0})
    np.testing.assert_allclose(out, [1, 1, 0.5, 0, 0, 0], atol=1e-6)


def test_piecewise_mapping_with_optimum_inside_and_held_ends():
    spec = {"points": [[0, 0.0], [500, 1.0], [1500, 1.0], [3000, 0.2]]}
    out = map_criterion(_f32([-10, 0, 250, 1000, 2250, 5000, np.nan]), spec)
    np.testing.assert_allclose(out, [0, 0, 0.5, 1, 0.6, 0.2, np.nan], atol=1e-6)
    assert out.dtype == np.float32


def test_mapping_does_not_modify_input():
    values = _f32([1, 2, 3])
    map_criterion(values, {"worst": 0, "best": 2})
    np.testing.assert_array_equal(values, [1, 2, 3])


# --- config validation ----------------------------------------------------------------------


def test_defaults_are_valid_and_weights_sum_to_one():
    cfg = validate_scoring_config(None)
    for technology in ("pv", "wind"):
        assert sum(cfg[technology]["weights"].values()) == pytest.approx(1.0)
    assert cfg == validate_scoring_config(copy.deepcopy(DEFAULT_SCORING_CONFIG))


@pytest.mark.parametrize(
    ("weights", "key", "message"),
    [
        ({"ghi_kwh_m2_day": 0.5, "slope_deg": 0.4}, "scoring.pv.weights", "sum to 0.9"),
        ({"ghi_kwh_m2_day": 1.2, "slope_deg": -0.2}, "scoring.pv.weights.slope_deg", ">= 0"),
        ({"ghi": 1.0}, "scoring.pv.weights.ghi", "unknown criterion"),
        ({"wind_speed_m_s": 1.0}, "scoring.pv.weights.wind_speed_m_s", "unknown criterion"),
        ({"ghi_kwh_m2_day": "1"}, "scoring.pv.weights.ghi_kwh_m2_day", ">= 0"),
        ({}, "scoring.pv.weights", "mapping"),
    ],
)
def test_invalid_weights_name_the_key(weights, key, message):
    with pytest.raises(ConfigError, match=re.escape(f"'{key}'")) as info:
        validate_scoring_config(_pv_cfg(weights))
    assert message in str(info.value)


def test_weight_sum_tolerance():
    validate_scoring_config(_pv_cfg({"ghi_kwh_m2_day": 0.5 + 5e-7, "slope_deg": 0.5}))
    with pytest.raises(ConfigError, match="sum to"):
        validate_scoring_config(_pv_cfg({"ghi_kwh_m2_day": 0.5 + 5e-6, "slope_deg": 0.5}))


@pytest.mark.parametrize(
    ("cfg", "key"),
    [
        (
            _pv_cfg({"ghi_kwh_m2_day": 1.0}, ghi_kwh_m2_day={"worst": 4, "best": 4}),
            "scoring.pv.criteria.ghi_kwh_m2_day",
        ),
        (_pv_cfg({"ghi_kwh_m2_day": 1.0}, ghi_kwh_m2_day={"worst": 4}), "scoring.pv.criteria.ghi_kwh_m2_day"),
        (
            _pv_cfg({"ghi_kwh_m2_day": 1.0}, ghi_kwh_m2_day={"points": [[2, 0], [1, 1]]}),
            "scoring.pv.criteria.ghi_kwh_m2_day.points",
        ),
        (
            _pv_cfg({"ghi_kwh_m2_day": 1.0}, ghi_kwh_m2_day={"points": [[1, 0], [2, 1.5]]}),
            "scoring.pv.criteria.ghi_kwh_m2_day.points",
        ),
        (
            _pv_cfg(
                {"ghi_kwh_m2_day": 1.0}, ghi_kwh_m2_day={"worst": 1, "best": 2, "points": [[1, 0], [2, 1]]}
            ),
            "scoring.pv.criteria.ghi_kwh_m2_day",
        ),
        (_pv_cfg({"ghi_kwh_m2_day": 1.0}, ghi={"worst": 1, "best": 2}), "scoring.pv.criteria"),
        ({"pv": {"category_bonus": {"saline": 150}}}, "scoring.pv.category_bonus.saline"),
        ({"pv": {"category_bonus": {"salt": 5}}}, "scoring.pv.category_bonus"),
        ({"pv": {"weight": {}}}, "scoring.pv"),
        ({"thresholds": [70, 50]}, "scoring.thresholds"),
        ({"top_share": 1.0}, "scoring.top_share"),
        ({"weight_sets": {"alt": {"pv": {"ghi_kwh_m2_day": 0.9}}}}, "scoring.weight_sets.alt.pv"),
        ({"weight_sets": {"reference": {}}}, "scoring.weight_sets.reference"),
    ],
)
def test_invalid_config_names_the_key(cfg, key):
    with pytest.raises(ConfigError, match=re.escape(f"'{key}'")):
        validate_scoring_config(cfg)


def test_weighted_criterion_needs_a_mapping():
    cfg = {"pv": {"weights": {"pvout_kwh_kwp_day": 1.0}, "criteria": {}}}
    validate_scoring_config(cfg)  # pvout has a default mapping
    cfg = {"wind": {"weights": {"wind_speed_m_s": 1.0}}, "weight_sets": {"a": {"wind": {"slope_deg": 1.0}}}}
    validate_scoring_config(cfg)
    # A criterion mapping given replaces the default one, and a weighted one must have it.
    bad = copy.deepcopy(DEFAULT_SCORING_CONFIG)
    del bad["pv"]["criteria"]["aspect"]
    assert "aspect" in validate_scoring_config(bad)["pv"]["criteria"]  # filled from the defaults


def test_available_layers_and_builtup_saturation():
    layers = ["ghi_kwh_m2_day", "slope_deg", "aspect_deg", "distance_line_m", "distance_builtup_m"]
    layers += ["wind_speed_m_s", "ruggedness_m"]
    validate_scoring_config(None, available_layers=layers)  # one grid distance layer is enough
    with pytest.raises(ConfigError, match=re.escape("'scoring.wind.weights.ruggedness_m'")):
        validate_scoring_config(None, available_layers=[x for x in layers if x != "ruggedness_m"])
    with pytest.raises(ConfigError, match=re.escape("'scoring.pv.weights.distance_grid_m'")):
        validate_scoring_config(None, available_layers=[x for x in layers if x != "distance_line_m"])
    validate_scoring_config(None, builtup_saturation_m=2000)
    with pytest.raises(ConfigError, match=re.escape("'scoring.wind.criteria.setback_margin_m'")):
        validate_scoring_config(None, builtup_saturation_m=1400)  # 1400 - 500 < 1000
    with pytest.raises(ConfigError, match=re.escape("'scoring.pv.criteria.distance_builtup_m'")):
        validate_scoring_config(None, builtup_saturation_m=900)


def test_required_layers_and_weight_sets():
    cfg = {"weight_sets": {"grid": {"pv": {"distance_grid_m": 1.0}}}}
    assert required_layers(cfg, "pv", weight_set="grid") == {"distance_substation_m", "distance_line_m"}
    assert "ghi_kwh_m2_day" in required_layers(cfg, "pv")
    assert (
        technology_config(cfg, "wind", weight_set="grid")["weights"]
        == DEFAULT_SCORING_CONFIG["wind"]["weights"]
    )
    with pytest.raises(ConfigError, match="no weight set 'nope'"):
        technology_config(cfg, "pv", weight_set="nope")


# --- criteria ---------------------------------------------------------------------------------


def test_aspect_is_south_component_and_flat_is_neutral():
    slope = _f32([0.0, 15.0, 15.0, 15.0, 15.0, np.nan])
    aspect = _f32([np.nan, 180.0, 0.0, 90.0, np.nan, 180.0])
    values = criterion_values("aspect", {"slope_deg": slope, "aspect_deg": aspect})
    s15 = np.sin(np.radians(15.0))
    np.testing.assert_allclose(values, [0, s15, -s15, 0, 0, np.nan], atol=1e-6)
    mapped = map_criterion(values, DEFAULT_SCORING_CONFIG["pv"]["criteria"]["aspect"])
    np.testing.assert_allclose(mapped[:5], [0.5, 1.0, 0.0, 0.5, 0.5], atol=1e-6)
    np.testing.assert_array_equal(slope[:2], [0.0, 15.0])  # inputs untouched


def test_distance_grid_is_minimum_and_no_feature_is_far():
    sub = _f32([100, 5000, np.nan, np.nan, np.inf])
    line = _f32([900, 2000, 300, np.nan, np.nan])
    values = criterion_values("distance_grid_m", {"distance_substation_m": sub, "distance_line_m": line})
    np.testing.assert_array_equal(values, [100, 2000, 300, np.inf, np.inf])
    only_line = criterion_values("distance_grid_m", {"distance_substation_m": None, "distance_line_m": line})
    np.testing.assert_array_equal(only_line, [900, 2000, 300, np.inf, np.inf])
    assert np.isnan(sub[2])  # input untouched


def test_setback_margin():
    values = criterion_values(
        "setback_margin_m", {"distance_builtup_m": _f32([500, 1200, np.nan])}, setback_m=500
    )
    np.testing.assert_array_equal(values, [0, 700, np.inf])


def test_missing_layer_of_a_weighted_criterion():
    layers = {"ghi_kwh_m2_day": _f32([[4.0]]), "slope_deg": None}
    cfg = _pv_cfg({"ghi_kwh_m2_day": 0.5, "slope_deg": 0.5})
    with pytest.raises(ConfigError, match=re.escape("'scoring.pv.weights.slope_deg'")):
        score_tile(layers, np.ones((1, 1), bool), None, technology="pv", cfg=cfg)
    # Unweighted criteria are not read at all.
    score = score_tile(
        layers, np.ones((1, 1), bool), None, technology="pv", cfg=_pv_cfg({"ghi_kwh_m2_day": 1.0})
    )
    assert score[0, 0] == pytest.approx(40.0)


# --- scores -----------------------------------------------------------------------------------


def _tile():
    """1×6 tile: GHI from worst to best, slope varies; all eligible, all 'other'."""
    layers = {
        "ghi_kwh_m2_day": _f32([[3.6, 3.85, 4.1, 4.35, 4.6, 5.0]]),
        "slope_deg": _f32([[0, 15, 7.5, 0, 30, 0]]),
    }
    return layers, np.ones((1, 6), bool), np.full((1, 6), OTHER, np.uint8)


def test_weighted_sum_of_mapped_criteria():
    layers, eligible, categories = _tile()
    cfg = _pv_cfg({"ghi_kwh_m2_day": 0.75, "slope_deg": 0.25})
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg)
    assert score.dtype == np.float32
    ghi = np.array([0, 0.25, 0.5, 0.75, 1, 1])
    slope = np.array([1, 0, 0.5, 1, 0, 1])
    np.testing.assert_allclose(score[0], 100 * (0.75 * ghi + 0.25 * slope), atol=1e-4)


def test_category_bonus_added_and_clipped():
    layers, eligible, _ = _tile()
    categories = np.array([[COAL_SUBSIDENCE, SALINE, BARREN_HILLS, OTHER, COAL_SUBSIDENCE, OTHER]], np.uint8)
    cfg = _pv_cfg({"ghi_kwh_m2_day": 1.0})
    cfg["pv"]["category_bonus"] = {"coal_subsidence": 10, "saline": 20, "barren_hills": 5, "other": -30}
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg)
    base = np.array([0, 25, 50, 75, 100, 100])
    np.testing.assert_allclose(score[0], [10, 45, 55, 45, 100, 70], atol=1e-4)
    cfg["pv"]["category_bonus"]["coal_subsidence"] = -50
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg)
    assert score[0, 0] == 0.0  # clipped at 0
    assert score[0, 4] == pytest.approx(base[4] - 50)


def test_ineligible_and_uncategorised_cells_never_get_a_score():
    layers, _, categories = _tile()
    eligible = np.array([[True, False, True, False, True, False]])
    categories[0, 2] = NO_CATEGORY
    cfg = _pv_cfg({"ghi_kwh_m2_day": 1.0})
    cfg["pv"]["category_bonus"] = {"other": 100}
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg)
    np.testing.assert_array_equal(np.isnan(score[0]), [False, True, True, True, False, True])


def test_nan_in_a_used_criterion_means_no_score_but_unused_does_not_matter():
    layers, eligible, categories = _tile()
    layers["ghi_kwh_m2_day"][0, 1] = np.nan
    layers["slope_deg"][0, 3] = np.nan
    score = score_tile(layers, eligible, categories, technology="pv", cfg=_pv_cfg({"ghi_kwh_m2_day": 1.0}))
    assert np.isnan(score[0, 1]) and not np.isnan(score[0, 3])
    cfg = _pv_cfg({"ghi_kwh_m2_day": 0.5, "slope_deg": 0.5})
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg)
    assert np.isnan(score[0, 1]) and np.isnan(score[0, 3])
    assert np.count_nonzero(np.isnan(score)) == 2


def test_score_with_alternative_weight_set_and_wind_defaults():
    layers, eligible, categories = _tile()
    cfg = _pv_cfg({"ghi_kwh_m2_day": 1.0})
    cfg["weight_sets"] = {"flat_first": {"pv": {"slope_deg": 1.0}}}
    score = score_tile(layers, eligible, categories, technology="pv", cfg=cfg, weight_set="flat_first")
    np.testing.assert_allclose(score[0], [100, 0, 50, 100, 0, 100], atol=1e-4)

    wind_layers = {
        "wind_speed_m_s": _f32([[5.0, 8.0]]),
        "ruggedness_m": _f32([[50.0, 0.0]]),
        "distance_substation_m": _f32([[30000.0, 0.0]]),
        "distance_line_m": None,
        "distance_builtup_m": _f32([[500.0, 1500.0]]),
    }
    score = score_tile(wind_layers, np.ones((1, 2), bool), None, technology="wind", cfg=None)
    np.testing.assert_allclose(score[0], [0, 100], atol=1e-4)


def test_default_pv_score_on_a_larger_tile_is_in_range_and_float32():
    rng = np.random.default_rng(7)
    shape = (60, 50)
    layers = {
        "ghi_kwh_m2_day": rng.uniform(3.4, 4.8, shape).astype(np.float32),
        "slope_deg": rng.uniform(0, 25, shape).astype(np.float32),
        "aspect_deg": rng.uniform(0, 360, shape).astype(np.float32),
        "distance_substation_m": rng.uniform(0, 50000, shape).astype(np.float32),
        "distance_line_m": rng.uniform(0, 50000, shape).astype(np.float32),
        "distance_builtup_m": rng.uniform(0, 2000, shape).astype(np.float32),
    }
    eligible = rng.random(shape) > 0.3
    categories = rng.integers(1, 5, shape).astype(np.uint8)
    score = score_tile(layers, eligible, categories, technology="pv", cfg={})
    assert score.dtype == np.float32
    assert np.all(np.isnan(score[~eligible]))
    assert np.all((score[eligible] >= 0) & (score[eligible] <= 100))


# --- summaries --------------------------------------------------------------------------------


def _scored_tile(seed=5, shape=(30, 20)):
    rng = np.random.default_rng(seed)
    scores = rng.uniform(0, 100, shape).astype(np.float32)
    scores[0, :5] = [0.0, 10.0, 100.0, 50.0, 70.0]  # bin edges and thresholds exactly
    eligible = rng.random(shape) > 0.25
    scores[rng.random(shape) > 0.9] = np.nan  # eligible but no score
    scores[~eligible] = np.nan
    categories = rng.integers(1, 5, shape).astype(np.uint8)
    zones = rng.integers(0, 4, shape)
    return scores, eligible, categories, zones


def test_summary_by_hand():
    scores = _f32([[10.0, 95.0, np.nan, np.nan], [50.0, 100.0, 30.0, 80.0]])
    eligible = np.array([[True, True, True, False], [True, True, True, True]])
    categories = np.array([[COAL_SUBSIDENCE, SALINE, OTHER, OTHER], [OTHER, OTHER, OTHER, OTHER]], np.uint8)
    zones = np.array([[1, 1, 1, 1], [2, 2, 2, 0]])
    table = summarise_scores(
        scores, eligible, categories, zones, zone_ids=[1, 2], cell_area_km2=2.0, thresholds=[50, 90]
    )
    assert table.loc[1, "eligible_km2"] == 6.0
    assert table.loc[1, "eligible_km2_other"] == 2.0  # the unscored eligible cell
    assert table.loc[1, "scored_km2"] == 4.0
    assert table.loc[1, "score_times_km2"] == pytest.approx(2 * (10 + 95))
    assert table.loc[1, "score_km2_010_020"] == 2.0 and table.loc[1, "score_km2_090_100"] == 2.0
    assert table.loc[2, "score_km2_090_100"] == 2.0  # 100 lies in the last bin
    assert table.loc[2, "above_km2_50"] == 4.0 and table.loc[2, "above_km2_90"] == 2.0
    finished = finish_score_summaries({"pv": table, "wind": table})
    assert finished[("pv", "mean_score")].tolist() == pytest.approx([52.5, 60.0])
    assert finished[("pv", "mean_score_saline")].loc[1] == pytest.approx(95.0)
    assert np.isnan(finished[("pv", "mean_score_saline")].loc[2])
    assert finished[("wind", "above_share_50")].loc[2] == pytest.approx(2 / 3)
    assert finished[("pv", "eligible_share_coal_subsidence")].loc[1] == pytest.approx(1 / 3)
    assert list(finished.columns.get_level_values("technology").unique()) == ["pv", "wind"]


def test_summary_additive_over_two_halves():
    scores, eligible, categories, zones = _scored_tile()
    kwargs = {"zone_ids": [1, 2, 3], "cell_area_km2": 0.01, "thresholds": [50, 70, 85]}
    whole = summarise_scores(scores, eligible, categories, zones, **kwargs)
    halves = [
        summarise_scores(scores[:13], eligible[:13], categories[:13], zones[:13], **kwargs),
        summarise_scores(scores[13:], eligible[13:], categories[13:], zones[13:], **kwargs),
    ]
    pd.testing.assert_frame_equal(combine_score_summaries(halves), whole, check_index_type=False)
    bins = [c for c in whole.columns if c.startswith("score_km2_")]
    assert len(bins) == 10
    np.testing.assert_allclose(whole[bins].sum(axis=1), whole["scored_km2"])
    by_cat = [c for c in whole.columns if c.startswith("eligible_km2_")]
    np.testing.assert_allclose(whole[by_cat].sum(axis=1), whole["eligible_km2"])
    assert (whole["above_km2_50"] >= whole["above_km2_70"]).all()


# --- sensitivity ------------------------------------------------------------------------------


def _sensitivity_scores():
    rng = np.random.default_rng(11)
    shape = (40, 30)
    layers = {
        "ghi_kwh_m2_day": rng.uniform(3.6, 4.6, shape).astype(np.float32),
        "slope_deg": rng.uniform(0, 15, shape).astype(np.float32),
    }
    eligible = rng.random(shape) > 0.2
    reference = _pv_cfg({"ghi_kwh_m2_day": 0.8, "slope_deg": 0.2})
    reversed_ghi = _pv_cfg(
        {"ghi_kwh_m2_day": 0.8, "slope_deg": 0.2}, ghi_kwh_m2_day={"worst": 4.6, "best": 3.6}
    )
    return {
        "reference": score_tile(layers, eligible, None, technology="pv", cfg=reference),
        "same": score_tile(layers, eligible, None, technology="pv", cfg=copy.deepcopy(reference)),
        "reversed": score_tile(layers, eligible, None, technology="pv", cfg=reversed_ghi),
    }


def test_identical_sets_overlap_fully_and_reversed_criterion_much_less():
    table = compare_weight_sets(_sensitivity_scores(), top_share=0.2, cell_area_km2=0.01)
    assert list(table.index) == ["reference", "same", "reversed"]
    assert table.loc["reference", "overlap_share"] == 1.0
    assert table.loc["same", "overlap_share"] == 1.0
    assert table.loc["reversed", "overlap_share"] < 0.5
    scored = (~np.isnan(_sensitivity_scores()["reference"])).sum() * 0.01
    assert 0.2 * scored <= table.loc["reference", "top_km2"] <= 0.2 * scored + 0.05


def test_sensitivity_tiled_equals_in_memory():
    scores = _sensitivity_scores()
    direct = compare_weight_sets(scores, top_share=0.3, cell_area_km2=0.01, reference="reference")
    tiles = [{k: v[:15] for k, v in scores.items()}, {k: v[15:] for k, v in scores.items()}]
    histograms = [sensitivity_histograms(t) for t in tiles]
    summed = {name: histograms[0][name] + histograms[1][name] for name in scores}
    thresholds = sensitivity_thresholds(summed, top_share=0.3)
    counts = [sensitivity_counts(t, thresholds, reference="reference") for t in tiles]
    total = {
        name: tuple(a + b for a, b in zip(counts[0][name], counts[1][name], strict=True)) for name in scores
    }
    tiled = sensitivity_table(total, thresholds, cell_area_km2=0.01, reference="reference")
    pd.testing.assert_frame_equal(tiled, direct)


def test_sensitivity_ties_and_cells_not_scored_under_every_set():
    a = _f32([[50.0, 50.0, 50.0, 50.0, np.nan]])
    b = _f32([[10.0, 20.0, 30.0, 40.0, 90.0]])
    table = compare_weight_sets({"a": a, "b": b}, top_share=0.25, cell_area_km2=1.0)
    assert table.loc["a", "top_km2"] == 4.0  # all tied at the threshold are top
    assert table.loc["b", "top_km2"] == 1.0  # the cell scored only under b does not count
    assert table.loc["b", "threshold_score"] == pytest.approx(40.0)
    assert table.loc["b", "overlap_share"] == pytest.approx(0.25)


# --- the config proposal ----------------------------------------------------------------------


def test_schema_validates_config_block_and_defaults_match_the_modules():
    jsonschema = pytest.importorskip("jsonschema")
    from siting.config import _DefaultFillingValidator

    full = yaml.safe_load(SCHEMA.read_text(encoding="utf-8"))
    config = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    block = {key: config[key] for key in ("categories", "scoring")}
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": full["$defs"],
        "type": "object",
        "additionalProperties": False,
        "properties": {key: full["properties"][key] for key in ("categories", "scoring")},
    }
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = _DefaultFillingValidator(schema)
    assert not list(validator.iter_errors(copy.deepcopy(block)))

    filled: dict = {}
    for _ in range(4):  # defaults inside freshly defaulted objects need further passes
        list(validator.iter_errors(filled))
    assert validate_categories_config(filled["categories"]) == validate_categories_config(
        DEFAULT_CATEGORIES_CONFIG
    )
    assert validate_scoring_config(filled["scoring"]) == validate_scoring_config(DEFAULT_SCORING_CONFIG)

    # The commented config block is the defaults plus two alternative weight sets.
    assert validate_categories_config(block["categories"]) == validate_categories_config(None)
    checked = validate_scoring_config(block["scoring"], builtup_saturation_m=2000)
    assert set(checked["weight_sets"]) == {"grid_first", "resource_first"}
    assert {k: v for k, v in checked.items() if k != "weight_sets"} == {
        k: v for k, v in validate_scoring_config(None).items() if k != "weight_sets"
    }

    bad = copy.deepcopy(block)
    bad["scoring"]["pv"]["weights"]["ghi"] = 0.1
    assert list(validator.iter_errors(bad))


def test_sensitivity_without_common_cells():
    a = _f32([[np.nan, 50.0]])
    b = _f32([[40.0, np.nan]])
    table = compare_weight_sets({"a": a, "b": b}, cell_area_km2=1.0)
    assert table["top_km2"].tolist() == [0.0, 0.0]
    assert table["threshold_score"].isna().all()
    assert table["overlap_share"].isna().all()


def test_uint8_eligibility_counts_only_one():
    layers, _, categories = _tile()
    eligible = np.array([[1, 0, 255, 1, 255, 0]], dtype=np.uint8)  # evaluate_tile's raster
    score = score_tile(layers, eligible, categories, technology="pv", cfg=_pv_cfg({"ghi_kwh_m2_day": 1.0}))
    np.testing.assert_array_equal(~np.isnan(score[0]), [True, False, False, True, False, False])
    table = summarise_scores(
        score, eligible, categories, np.ones((1, 6), int), zone_ids=[1], cell_area_km2=1.0
    )
    assert table.loc[1, "eligible_km2"] == 2.0
