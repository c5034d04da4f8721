"""Config validation: defaults filled, and every bad value stops with a message naming the key."""

import copy
from pathlib import Path

import pytest
import yaml

from siting.config import check_county_codes, validate_config
from siting.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def base_config() -> dict:
    return yaml.safe_load((ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))


def _with(config: dict, path: str, value) -> dict:
    out = copy.deepcopy(config)
    node = out
    keys = path.split(".")
    for key in keys[:-1]:
        node = node[int(key)] if key.isdigit() else node.setdefault(key, {})
    last = keys[-1]
    if last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return out


def test_real_config_is_valid_and_defaults_are_filled(base_config):
    cfg = validate_config(base_config)
    assert cfg["run"]["name"] == "shanxi"
    assert cfg["grid"]["resolution_m"] == 100
    assert cfg["data"]["user_layers"]["ecological_redline"] is None
    assert cfg["exclusions"]["pv"][0]["buffer_m"] == 100
    assert cfg["exclusions"]["pv"][1]["invert"] is False  # default filled inside list items
    assert [len(b["counties"]) for b in cfg["bases"]["items"]] == [10, 17, 16, 23, 27]


def test_demo_and_test_configs_are_valid(base_config):
    for name in ("config/demo.yaml", "tests/config/tiny.yaml"):
        overlay = yaml.safe_load((ROOT / name).read_text(encoding="utf-8"))
        from snakemake.utils import update_config

        merged = copy.deepcopy(base_config)
        update_config(merged, overlay)
        assert validate_config(merged)["run"]["demo"] is True


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("grid.resolutoin_m", 100, "grid"),  # misspelled key
        ("grid.resolution_m", "100 m", "grid.resolution_m"),  # wrong type
        ("grid.resolution_m", 1, "grid.resolution_m"),  # below the minimum
        ("grid.halo_m", -5, "grid.halo_m"),  # below the minimum
        ("exclusions.solar", [], "exclusions"),  # unknown technology
        ("data.dem", "srtm", "data.dem"),  # not in the enum
        ("run.name", "my run!", "run.name"),  # pattern
        ("region.counties", [1402266], "region.counties[0]"),  # not an adcode
        ("exclusions.pv.1.above", "fifteen", "exclusions.pv[1]"),  # bad rule value
    ],
)
def test_invalid_config_names_the_key(base_config, path, value, expected):
    with pytest.raises(ConfigError) as err:
        validate_config(_with(base_config, path, value))
    message = str(err.value)
    assert f"'{expected}" in message, message
    assert "\n" not in message


def test_misspelled_key_lists_allowed_keys(base_config):
    with pytest.raises(ConfigError, match=r"resolutoin_m.*allowed: crs, halo_m, resolution_m, tile_size_m"):
        validate_config(_with(base_config, "grid.resolutoin_m", 100))


def test_rule_with_two_selectors_is_refused(base_config):
    rule = {"name": "x", "layer": "slope_deg", "above": 5, "below": 2}
    cfg = _with(base_config, "exclusions.pv", [rule])
    with pytest.raises(ConfigError, match=r"exclusions\.pv\[0\]"):
        validate_config(cfg)


def test_tile_size_must_be_multiple_of_resolution(base_config):
    with pytest.raises(ConfigError, match=r"grid\.tile_size_m"):
        validate_config(_with(base_config, "grid.tile_size_m", 50050))


def test_buffer_wider_than_halo_is_refused(base_config):
    cfg = _with(base_config, "grid.halo_m", 300)
    with pytest.raises(ConfigError, match=r"exclusions\.wind\[0\]\.buffer_m.*grid\.halo_m"):
        validate_config(cfg)


def test_unknown_county_code_names_the_base(base_config):
    cfg = validate_config(_with(base_config, "bases.items.0.counties", [140212, 140299]))
    with pytest.raises(ConfigError, match=r"bases\.items\[0\]\.counties\[1\].*140299"):
        check_county_codes(cfg, known_adcodes=[140212, 140213])


def test_unknown_region_county_is_refused(base_config):
    cfg = validate_config(_with(base_config, "region.counties", [140299]))
    with pytest.raises(ConfigError, match=r"region\.counties\[0\].*140299"):
        check_county_codes(cfg, known_adcodes=[140212])
