"""Tests for siting.eligibility: rules, buffers, invert, attribution and summaries."""

import math

import numpy as np
import pandas as pd
import pytest

from siting.eligibility import (
    MAX_RULES,
    ExclusionRule,
    apply_rules,
    combine_exclusion_summaries,
    decode_excluded_by,
    first_rule_index,
    halo_cells,
    max_buffer_m,
    rule_mask,
    summarise_exclusions,
)
from siting.errors import ConfigError

# --- ExclusionRule.from_config ------------------------------------------------------------


@pytest.mark.parametrize(
    ("selector", "value", "attribute", "expected"),
    [
        ("classes", [10, 20], "classes", (10, 20)),
        ("classes", 10, "classes", (10,)),
        ("above", 25, "above", 25.0),
        ("below", 0.5, "below", 0.5),
        ("between", [1, 2], "between", (1.0, 2.0)),
        ("features", True, "features", True),
    ],
)
def test_from_config_each_selector(selector, value, attribute, expected):
    rule = ExclusionRule.from_config({"name": "r", "layer": "l", selector: value})
    assert getattr(rule, attribute) == expected
    assert rule.selector == selector
    assert rule.buffer_m == 0.0
    assert rule.invert is False


def test_from_config_buffer_invert_and_ignored_keys():
    rule = ExclusionRule.from_config(
        {
            "name": "grid",
            "layer": "grid_lines",
            "features": True,
            "buffer_m": 5000,
            "invert": True,
            "description": "only near the grid",
        }
    )
    assert rule == ExclusionRule("grid", "grid_lines", features=True, buffer_m=5000.0, invert=True)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"name": "r", "layer": "l"}, r"exactly one selector.*none"),
        ({"name": "r", "layer": "l", "above": 1, "below": 2}, r"exactly one selector.*above, below"),
        ({"name": "r", "layer": "l", "features": False}, "'features' must be true"),
        ({"name": "r", "layer": "l", "classes": []}, "'classes'"),
        ({"name": "r", "layer": "l", "classes": [1.5]}, "'classes'"),
        ({"name": "r", "layer": "l", "classes": "10"}, "'classes'"),
        ({"name": "r", "layer": "l", "above": "25"}, "'above'"),
        ({"name": "r", "layer": "l", "above": float("nan")}, "'above'"),
        ({"name": "r", "layer": "l", "below": True}, "'below'"),
        ({"name": "r", "layer": "l", "between": [3, 1]}, "'between'"),
        ({"name": "r", "layer": "l", "between": [1]}, "'between'"),
        ({"name": "r", "layer": "l", "above": 1, "buffer_m": -5}, "'buffer_m'"),
        ({"name": "r", "layer": "l", "above": 1, "invert": "yes"}, "'invert'"),
        ({"name": "r", "layer": "l", "above": 1, "buffer": 100}, r"unknown key.*buffer"),
        ({"layer": "l", "above": 1}, "missing key 'name'"),
        ({"name": "r", "above": 1}, "missing key 'layer'"),
        ({"name": "", "layer": "l", "above": 1}, "'name'"),
    ],
)
def test_from_config_rejects_bad_rules(config, message):
    with pytest.raises(ConfigError, match=message):
        ExclusionRule.from_config(config)


def test_config_error_names_the_rule():
    with pytest.raises(ConfigError, match=r"'steep_slope'.*'above'"):
        ExclusionRule.from_config({"name": "steep_slope", "layer": "slope_deg", "above": "x"})


def test_direct_construction_is_validated_too():
    with pytest.raises(ConfigError, match="exactly one selector"):
        ExclusionRule("r", "l", above=1.0, below=2.0)
    assert ExclusionRule("r", "l", classes=[1, 2]).classes == (1, 2)


# --- selectors and bounds -----------------------------------------------------------------


def test_classes_selector_on_uint8_and_uint16():
    layer = np.array([[10, 20, 30], [40, 10, 255]], dtype=np.uint8)
    rule = ExclusionRule("r", "l", classes=(10, 30, 300))  # 300 cannot occur in uint8
    expected = np.array([[1, 0, 1], [0, 1, 0]], dtype=bool)
    np.testing.assert_array_equal(rule_mask(layer, rule, resolution_m=100), expected)
    np.testing.assert_array_equal(rule_mask(layer.astype(np.uint16), rule, resolution_m=100), expected)
    np.testing.assert_array_equal(rule_mask(layer.astype(np.int32), rule, resolution_m=100), expected)


def test_classes_on_signed_16_bit():
    layer = np.array([[-5, 0, 7]], dtype=np.int16)
    mask = rule_mask(layer, ExclusionRule("r", "l", classes=(-5, 7)), resolution_m=1)
    np.testing.assert_array_equal(mask, [[True, False, True]])


def test_range_bounds():
    layer = np.array([[0.0, 9.999, 10.0, 10.001, 20.0, 20.001]], dtype=np.float32)
    above = rule_mask(layer, ExclusionRule("r", "l", above=10.0), resolution_m=1)
    below = rule_mask(layer, ExclusionRule("r", "l", below=10.0), resolution_m=1)
    between = rule_mask(layer, ExclusionRule("r", "l", between=(10.0, 20.0)), resolution_m=1)
    np.testing.assert_array_equal(above, [[0, 0, 0, 1, 1, 1]])  # value > 10
    np.testing.assert_array_equal(below, [[1, 1, 0, 0, 0, 0]])  # value < 10
    np.testing.assert_array_equal(between, [[0, 0, 1, 1, 1, 0]])  # 10 <= value <= 20


def test_features_selector_non_zero():
    layer = np.array([[0, 1, 2], [0, 0, 7]], dtype=np.uint8)
    mask = rule_mask(layer, ExclusionRule("r", "l", features=True), resolution_m=1)
    np.testing.assert_array_equal(mask, [[0, 1, 1], [0, 0, 1]])


@pytest.mark.parametrize(
    "rule",
    [
        ExclusionRule("r", "l", above=-1e9),
        ExclusionRule("r", "l", below=1e9),
        ExclusionRule("r", "l", between=(-1e9, 1e9)),
        ExclusionRule("r", "l", features=True),
        ExclusionRule("r", "l", classes=(0, 1)),
    ],
)
def test_nan_is_never_selected(rule):
    layer = np.array([[np.nan, 1.0]], dtype=np.float32)
    mask = rule_mask(layer, rule, resolution_m=1)
    assert not mask[0, 0]
    assert mask[0, 1]
    # Inverted (include-only), a cell without data is excluded.
    inverted = rule_mask(layer, ExclusionRule("r", "l", above=-1e9, invert=True), resolution_m=1)
    np.testing.assert_array_equal(inverted, [[True, False]])


def test_nodata_value_is_never_selected():
    layer = np.array([[255, 1, 2]], dtype=np.uint8)
    rule = ExclusionRule("r", "l", classes=(255, 1))
    np.testing.assert_array_equal(rule_mask(layer, rule, resolution_m=1, nodata=255), [[False, True, False]])
    above = ExclusionRule("r", "l", above=0)
    np.testing.assert_array_equal(rule_mask(layer, above, resolution_m=1, nodata=255), [[False, True, True]])
    # Without a nodata value, 255 is an ordinary class.
    np.testing.assert_array_equal(rule_mask(layer, rule, resolution_m=1), [[True, True, False]])


def test_rule_mask_does_not_modify_the_layer():
    layer = np.array([[0, 1], [1, 0]], dtype=np.uint8)
    before = layer.copy()
    rule_mask(layer, ExclusionRule("r", "l", features=True, buffer_m=2, invert=True), resolution_m=1)
    np.testing.assert_array_equal(layer, before)


# --- buffer and invert --------------------------------------------------------------------


def test_buffer_area_of_one_cell_is_pi_r_squared():
    resolution_m, radius_m = 100.0, 5000.0
    size = 2 * int(radius_m / resolution_m) + 21
    layer = np.zeros((size, size), dtype=np.uint8)
    layer[size // 2, size // 2] = 1
    rule = ExclusionRule("r", "l", features=True, buffer_m=radius_m)
    area_m2 = rule_mask(layer, rule, resolution_m=resolution_m).sum() * resolution_m**2
    circle_m2 = math.pi * radius_m**2
    # Within the ring of cells along the perimeter: 2 π r × one cell.
    assert abs(area_m2 - circle_m2) <= 2 * math.pi * radius_m * resolution_m
    # In fact, the disc of lattice points is much closer than that (< 1 %).
    assert abs(area_m2 - circle_m2) / circle_m2 < 0.01


def test_buffer_is_centre_to_centre_and_inclusive():
    layer = np.zeros((9, 9), dtype=np.uint8)
    layer[4, 4] = 1
    buffered = rule_mask(layer, ExclusionRule("r", "l", features=True, buffer_m=200.0), resolution_m=100.0)
    rows, cols = np.indices(layer.shape)
    distance_m = np.hypot(rows - 4, cols - 4) * 100.0
    np.testing.assert_array_equal(buffered, distance_m <= 200.0)
    assert buffered[4, 6] and buffered[6, 4]  # exactly 200 m: inside
    assert not buffered[6, 5]  # 223.6 m: outside
    # A buffer shorter than one cell reaches no other cell centre.
    small = rule_mask(layer, ExclusionRule("r", "l", features=True, buffer_m=99.0), resolution_m=100.0)
    np.testing.assert_array_equal(small, layer.astype(bool))


def test_buffer_respects_the_array_edge_and_empty_selection():
    layer = np.zeros((6, 6), dtype=np.uint8)
    layer[0, 0] = 1
    mask = rule_mask(layer, ExclusionRule("r", "l", features=True, buffer_m=2.0), resolution_m=1.0)
    assert mask.sum() == 6  # quarter disc: (0,0),(0,1),(0,2),(1,0),(1,1),(2,0)
    empty = np.zeros((6, 6), dtype=np.uint8)
    rule = ExclusionRule("r", "l", features=True, buffer_m=3.0)
    assert not rule_mask(empty, rule, resolution_m=1.0).any()
    assert rule_mask(empty + 1, rule, resolution_m=1.0).all()


def test_invert_is_applied_after_the_buffer():
    # Include only cells within 1 cell of a feature ("near the grid").
    layer = np.zeros((5, 5), dtype=np.uint8)
    layer[2, 2] = 1
    rule = ExclusionRule("near_grid", "l", features=True, buffer_m=1.0, invert=True)
    excluded = rule_mask(layer, rule, resolution_m=1.0)
    eligible = ~excluded
    expected = np.zeros((5, 5), dtype=bool)
    expected[2, 1:4] = True
    expected[1:4, 2] = True
    np.testing.assert_array_equal(eligible, expected)


def test_invert_without_buffer_is_include_only():
    layer = np.array([[1, 2, 3]], dtype=np.uint8)
    rule = ExclusionRule("r", "l", classes=(2,), invert=True)
    np.testing.assert_array_equal(rule_mask(layer, rule, resolution_m=1), [[True, False, True]])


def test_max_buffer_and_halo():
    rules = [
        ExclusionRule("a", "l", above=1.0, buffer_m=500.0),
        ExclusionRule("b", "l", above=1.0),
        ExclusionRule("c", "l", above=1.0, buffer_m=250.0),
    ]
    assert max_buffer_m(rules) == 500.0
    assert max_buffer_m([]) == 0.0
    assert halo_cells(rules, resolution_m=100.0) == 5
    assert halo_cells(rules, resolution_m=30.0) == 16
    assert halo_cells([], resolution_m=30.0) == 0


def test_tile_result_does_not_depend_on_the_tile_edge():
    rng = np.random.default_rng(1)
    layer = (rng.random((60, 60)) > 0.995).astype(np.uint8)
    rule = ExclusionRule("r", "l", features=True, buffer_m=500.0)
    whole = rule_mask(layer, rule, resolution_m=100.0)
    halo = halo_cells([rule], resolution_m=100.0)
    core = (slice(20, 40), slice(20, 40))
    window = (slice(20 - halo, 40 + halo), slice(20 - halo, 40 + halo))
    tile = rule_mask(layer[window], rule, resolution_m=100.0)
    np.testing.assert_array_equal(tile[halo:-halo, halo:-halo], whole[core])


# --- apply_rules and attribution ----------------------------------------------------------


def _layers():
    slope = np.array([[0.0, 30.0, 30.0], [5.0, 5.0, np.nan]], dtype=np.float32)
    landcover = np.array([[1, 5, 2], [5, 2, 2]], dtype=np.uint8)
    return {"slope_deg": slope, "landcover": landcover}


def _rules():
    return [
        ExclusionRule("steep", "slope_deg", above=25.0),
        ExclusionRule("water", "landcover", classes=(5,)),
    ]


def test_apply_rules_bits_and_eligibility():
    eligible, excluded_by = apply_rules(_layers(), _rules(), resolution_m=100.0)
    assert eligible.dtype == bool
    assert excluded_by.dtype == np.uint32
    np.testing.assert_array_equal(excluded_by, [[0, 0b11, 0b01], [0b10, 0, 0]])
    np.testing.assert_array_equal(eligible, [[1, 0, 0], [0, 1, 1]])


def test_valid_mask_outside_is_not_eligible_and_zero():
    valid = np.array([[1, 0, 1], [1, 1, 0]], dtype=bool)
    eligible, excluded_by = apply_rules(_layers(), _rules(), resolution_m=100.0, valid=valid)
    np.testing.assert_array_equal(excluded_by, [[0, 0, 0b01], [0b10, 0, 0]])
    np.testing.assert_array_equal(eligible, [[1, 0, 0], [0, 1, 0]])


def test_buffer_reaches_from_outside_valid_into_it():
    layer = np.zeros((1, 5), dtype=np.uint8)
    layer[0, 0] = 1
    valid = np.array([[0, 1, 1, 1, 1]], dtype=bool)
    rule = ExclusionRule("road", "roads", features=True, buffer_m=200.0)
    eligible, excluded_by = apply_rules({"roads": layer}, [rule], resolution_m=100.0, valid=valid)
    np.testing.assert_array_equal(eligible, [[0, 0, 0, 1, 1]])
    np.testing.assert_array_equal(excluded_by, [[0, 1, 1, 0, 0]])


def test_apply_rules_nodata_per_layer():
    layers = {"landcover": np.array([[0, 5, 7]], dtype=np.uint8)}
    rule = ExclusionRule("only_grass", "landcover", classes=(7,), invert=True)
    eligible, _ = apply_rules(layers, [rule], resolution_m=1.0, nodata={"landcover": 0})
    np.testing.assert_array_equal(eligible, [[False, False, True]])


def test_apply_rules_errors():
    with pytest.raises(ConfigError, match=r"'steep'.*'slope_deg'"):
        apply_rules({"landcover": np.zeros((2, 2))}, _rules(), resolution_m=1.0)
    too_many = [ExclusionRule(f"r{i}", "landcover", classes=(i,)) for i in range(MAX_RULES + 1)]
    with pytest.raises(ConfigError, match="at most 32"):
        apply_rules(_layers(), too_many, resolution_m=1.0)
    dup = [ExclusionRule("x", "landcover", classes=(1,)), ExclusionRule("x", "slope_deg", above=1)]
    with pytest.raises(ConfigError, match=r"unique.*'x'"):
        apply_rules(_layers(), dup, resolution_m=1.0)


def test_thirty_two_rules_use_every_bit():
    layer = np.ones((2, 2), dtype=np.uint8)
    rules = [ExclusionRule(f"r{i}", "l", classes=(1,)) for i in range(MAX_RULES)]
    eligible, excluded_by = apply_rules({"l": layer}, rules, resolution_m=1.0)
    assert not eligible.any()
    assert (excluded_by == np.uint32(0xFFFFFFFF)).all()
    assert decode_excluded_by(int(excluded_by[0, 0]), [r.name for r in rules]) == [r.name for r in rules]
    assert (first_rule_index(excluded_by) == 0).all()


def test_no_rules_everything_valid_is_eligible():
    valid = np.array([[True, False]])
    eligible, excluded_by = apply_rules({}, [], resolution_m=1.0, valid=valid)
    np.testing.assert_array_equal(eligible, valid)
    assert not excluded_by.any()


def test_decode_excluded_by():
    names = ["steep", "water", "farmland"]
    assert decode_excluded_by(0, names) == []
    assert decode_excluded_by(0b101, names) == ["steep", "farmland"]
    assert decode_excluded_by(np.uint32(2), names) == ["water"]
    with pytest.raises(ValueError, match="bits beyond"):
        decode_excluded_by(0b1000, names)


def test_first_rule_index():
    bits = np.array([[0, 1, 2, 6], [0b1000, 0x80000000, 0xFFFFFFFF, 12]], dtype=np.uint32)
    np.testing.assert_array_equal(first_rule_index(bits), [[-1, 0, 1, 1], [3, 31, 0, 2]])


# --- summaries ----------------------------------------------------------------------------


def test_summary_alone_versus_first_in_order():
    # Zone 1: cells excluded by both rules count for both "alone" but only for the first rule
    # in "first"; zone 2 has one invalid cell; zone 3 is absent from this window.
    excluded_by = np.array([[0b11, 0b11, 0b10, 0], [0b01, 0, 0, 0]], dtype=np.uint32)
    eligible = np.array([[0, 0, 0, 1], [0, 1, 1, 0]], dtype=bool)
    zones = np.array([[1, 1, 1, 1], [2, 2, 2, 2]], dtype=np.int32)
    summary = summarise_exclusions(
        excluded_by,
        eligible,
        zones,
        zone_ids=[1, 2, 3],
        rule_names=["steep", "water"],
        cell_area_km2=0.01,
    )
    assert list(summary.columns) == [
        "total_km2",
        "excluded_km2_steep",
        "excluded_km2_water",
        "excluded_first_km2_steep",
        "excluded_first_km2_water",
        "invalid_km2",
        "eligible_km2",
        "eligible_share",
    ]
    assert summary.index.name == "zone_id"
    expected = pd.DataFrame(
        {
            "total_km2": [0.04, 0.04, 0.0],
            "excluded_km2_steep": [0.02, 0.01, 0.0],
            "excluded_km2_water": [0.03, 0.0, 0.0],
            "excluded_first_km2_steep": [0.02, 0.01, 0.0],
            "excluded_first_km2_water": [0.01, 0.0, 0.0],
            "invalid_km2": [0.0, 0.01, 0.0],
            "eligible_km2": [0.01, 0.02, 0.0],
            "eligible_share": [0.25, 0.5, np.nan],
        },
        index=pd.Index([1, 2, 3], name="zone_id"),
    )
    pd.testing.assert_frame_equal(summary, expected, check_index_type=False)


def test_summary_rows_balance_and_cells_outside_zones_are_ignored():
    rng = np.random.default_rng(2)
    excluded_by = rng.integers(0, 8, size=(40, 40)).astype(np.uint32)
    eligible = (excluded_by == 0) & (rng.random((40, 40)) > 0.1)
    zones = rng.integers(0, 4, size=(40, 40))  # 0 = outside every zone
    names = ["a", "b", "c"]
    summary = summarise_exclusions(
        excluded_by, eligible, zones, zone_ids=[3, 1, 2], rule_names=names, cell_area_km2=1.0
    )
    assert list(summary.index) == [3, 1, 2]
    first = summary[[f"excluded_first_km2_{n}" for n in names]].sum(axis=1)
    balance = first + summary["invalid_km2"] + summary["eligible_km2"]
    np.testing.assert_allclose(balance, summary["total_km2"])
    assert summary["total_km2"].sum() == (zones > 0).sum()
    for zone in (1, 2, 3):
        in_zone = zones == zone
        assert summary.loc[zone, "excluded_km2_b"] == ((excluded_by & 2) > 0)[in_zone].sum()


def test_summary_is_additive_over_tiles():
    rng = np.random.default_rng(3)
    excluded_by = rng.integers(0, 4, size=(30, 40)).astype(np.uint32)
    eligible = excluded_by == 0
    zones = rng.integers(1, 4, size=(30, 40))
    kwargs = {"zone_ids": [1, 2, 3], "rule_names": ["a", "b"], "cell_area_km2": 0.09}
    whole = summarise_exclusions(excluded_by, eligible, zones, **kwargs)
    parts = [
        summarise_exclusions(excluded_by[:, s], eligible[:, s], zones[:, s], **kwargs)
        for s in (slice(0, 15), slice(15, 40))
    ]
    pd.testing.assert_frame_equal(combine_exclusion_summaries(parts), whole)


def test_summary_overlapping_zonings_count_a_cell_once_per_zone():
    excluded_by = np.array([[0, 1, 0]], dtype=np.uint32)
    eligible = np.array([[1, 0, 1]], dtype=bool)
    base_a = np.array([[10, 10, 20]])
    base_b = np.array([[20, 10, 0]])  # cell 0 is in both bases; cell 1 twice in base 10
    summary = summarise_exclusions(
        excluded_by,
        eligible,
        [base_a, base_b],
        zone_ids=[10, 20],
        rule_names=["r"],
        cell_area_km2=1.0,
    )
    assert summary.loc[10, "total_km2"] == 2.0
    assert summary.loc[20, "total_km2"] == 2.0
    assert summary.loc[10, "excluded_km2_r"] == 1.0
    assert summary.loc[20, "eligible_km2"] == 2.0


def test_summary_end_to_end_with_apply_rules():
    eligible, excluded_by = apply_rules(_layers(), _rules(), resolution_m=100.0)
    summary = summarise_exclusions(
        excluded_by,
        eligible,
        np.ones((2, 3), dtype=np.uint8),
        zone_ids=[1],
        rule_names=[r.name for r in _rules()],
        cell_area_km2=0.01,
    )
    assert summary.loc[1, "excluded_km2_steep"] == pytest.approx(0.02)
    assert summary.loc[1, "excluded_first_km2_water"] == pytest.approx(0.01)
    assert summary.loc[1, "eligible_share"] == pytest.approx(0.5)


def test_summary_is_the_same_for_small_unsigned_and_signed_zone_ids():
    rng = np.random.default_rng(3)
    bits = rng.integers(0, 8, size=(30, 40)).astype(np.uint32)
    eligible = bits == 0
    zones = rng.integers(0, 9, size=(30, 40))  # 0 = no zone; 7 and 8 are not listed
    kwargs = {"zone_ids": [5, 1, 2, 6, 3], "rule_names": ["a", "b", "c"], "cell_area_km2": 0.01}
    lookup = summarise_exclusions(bits, eligible, zones.astype(np.uint16), **kwargs)
    search = summarise_exclusions(bits, eligible, zones.astype(np.int64), **kwargs)
    pd.testing.assert_frame_equal(lookup, search)
    assert lookup.loc[5, "total_km2"] == pytest.approx((zones == 5).sum() * 0.01)


@pytest.mark.parametrize("buffer_m", [100.0, 250.0, 500.0, 707.2, 1000.0, 3200.0, 3300.0, 5000.0])
def test_disc_dilation_equals_the_distance_transform(buffer_m):
    # Up to 32 cells the buffer is a row-by-row disc dilation, beyond a distance transform: same cells.
    from scipy import ndimage

    rng = np.random.default_rng(int(buffer_m))
    selected = rng.random((150, 170)) < 0.003
    selected[40:45, 60:90] = True
    rule = ExclusionRule(name="b", layer="l", classes=(1,), buffer_m=buffer_m)
    got = rule_mask(selected.astype("uint8"), rule, resolution_m=100.0)
    expected = ndimage.distance_transform_edt(~selected, sampling=100.0) <= buffer_m * (1 + 1e-9)
    np.testing.assert_array_equal(got, expected)
