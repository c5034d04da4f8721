"""Load and validate the run configuration against the JSON schema, filling defaults.

The schema (``workflow/schemas/config.schema.yaml``) carries a description, unit, bounds and default
for every key. :func:`validate_config` turns the first schema violation into one
:class:`~siting.errors.ConfigError` whose message names the key path and what is allowed, so a
misspelled key or a value out of bounds stops the run before any job starts.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from siting.errors import ConfigError

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "config.schema.yaml"


def load_schema(path: Path | str = SCHEMA_PATH) -> dict:
    """Read the JSON schema (YAML syntax)."""
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f)


def _with_defaults(validator_class: type) -> type:
    """Extend a jsonschema validator so that ``default`` values are filled in while validating."""
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, subschema in properties.items():
                if "default" in subschema and name not in instance:
                    instance[name] = copy.deepcopy(subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


_DefaultFillingValidator = _with_defaults(jsonschema.Draft202012Validator)


def key_path(path: Iterable[Any]) -> str:
    """Dotted key path, list indices in brackets: ``exclusions.pv[2].buffer_m``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _describe(error: jsonschema.ValidationError) -> str:
    """One line saying which key is wrong and what is allowed."""
    where = key_path(error.absolute_path)
    v = error.validator
    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(set(error.instance) - set(allowed))
        return (
            f"config key '{where}': unknown key(s) {', '.join(map(repr, extra))}; "
            f"allowed: {', '.join(allowed)}"
        )
    if v == "enum":
        return (
            f"config key '{where}': {error.instance!r} is not allowed; choose one of {error.validator_value}"
        )
    if v in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        return f"config key '{where}': {error.message}"
    if v == "type":
        return f"config key '{where}': {error.instance!r} is not of type {error.validator_value!r}"
    if v == "required":
        return f"config key '{where}': {error.message}"
    description = error.schema.get("description", "") if isinstance(error.schema, dict) else ""
    hint = f" ({description.strip()})" if description else ""
    return f"config key '{where}': {error.message}{hint}"


def validate_config(config: Mapping[str, Any], schema: Mapping[str, Any] | None = None) -> dict:
    """Validate ``config`` and return a copy with all defaults filled in.

    Parameters
    ----------
    config
        The merged Snakemake config.
    schema
        The JSON schema; read from :data:`SCHEMA_PATH` when omitted.

    Returns
    -------
    dict
        A deep copy of ``config`` with defaults.

    Raises
    ------
    ConfigError
        Naming the key path of the first (most specific) violation and what is allowed.
    """
    schema = load_schema() if schema is None else schema
    filled = copy.deepcopy(dict(config))
    validator = _DefaultFillingValidator(schema)
    # Defaults inside freshly defaulted objects need another pass; stop when nothing changes.
    for _ in range(8):
        before = copy.deepcopy(filled)
        errors = list(validator.iter_errors(filled))
        if errors:
            raise ConfigError(_describe(jsonschema.exceptions.best_match(errors)))
        if filled == before:
            break
    check_consistency(filled)
    return filled


def check_consistency(config: Mapping[str, Any]) -> None:
    """Cross-field checks the schema cannot express.

    Raises
    ------
    ConfigError
        When the tile size is not a multiple of the resolution, a base id repeats, or the largest
        exclusion buffer is wider than the tile halo.
    """
    grid = config["grid"]
    ratio = grid["tile_size_m"] / grid["resolution_m"]
    if abs(ratio - round(ratio)) > 1e-9:
        raise ConfigError(
            f"config key 'grid.tile_size_m': {grid['tile_size_m']} is not a multiple of "
            f"grid.resolution_m = {grid['resolution_m']}; choose a tile size that is"
        )
    for tech in ("common", "pv", "wind"):
        for i, rule in enumerate(config["exclusions"][tech]):
            if rule["buffer_m"] > grid["halo_m"]:
                raise ConfigError(
                    f"config key 'exclusions.{tech}[{i}].buffer_m' (rule {rule['name']!r}): "
                    f"{rule['buffer_m']} m is wider than grid.halo_m = {grid['halo_m']} m, so results would "
                    "depend on tile edges; raise grid.halo_m to at least the largest buffer"
                )
    for tech in ("pv", "wind"):
        names = [r["name"] for r in config["exclusions"]["common"] + config["exclusions"][tech]]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ConfigError(
                f"config key 'exclusions.{tech}': rule name(s) {dupes} used twice (with common)"
            )
    from siting.categories import validate_categories_config
    from siting.scoring import validate_scoring_config

    validate_categories_config(config["categories"])
    validate_scoring_config(config["scoring"], builtup_saturation_m=grid["halo_m"])
    margin = config["categories"]["coal_subsidence"]["margin_m"]
    if margin > grid["halo_m"]:
        raise ConfigError(
            f"config key 'categories.coal_subsidence.margin_m': {margin} m is wider than grid.halo_m = "
            f"{grid['halo_m']} m; raise grid.halo_m or lower the margin"
        )
    ids = [b["id"] for b in config["bases"]["items"]]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ConfigError(f"config key 'bases.items': base id(s) {dupes} appear more than once")


def check_county_codes(config: Mapping[str, Any], known_adcodes: Iterable[int]) -> None:
    """Every county code named in ``region.counties`` and ``bases`` must exist in the province.

    Raises
    ------
    ConfigError
        Naming the key path of the first unknown code.
    """
    known = set(int(a) for a in known_adcodes)
    for i, code in enumerate(config["region"]["counties"]):
        if int(code) not in known:
            raise ConfigError(
                f"config key 'region.counties[{i}]': unknown county code {code} in province "
                f"{config['region']['province']}; see resources/<run>/region.gpkg or "
                "shared/domain/shanxi_counties.csv for valid adcodes"
            )
    for i, base in enumerate(config["bases"]["items"]):
        for j, code in enumerate(base["counties"]):
            if int(code) not in known:
                raise ConfigError(
                    f"config key 'bases.items[{i}].counties[{j}]' (base {base['id']!r}): unknown county "
                    f"code {code} in province {config['region']['province']}"
                )
