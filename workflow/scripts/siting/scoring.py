"""Multi-criteria suitability scores (0–100) per technology, their summaries and sensitivity.

Score
-----
For each eligible cell and technology::

    score = clip(100 · Σ_i w_i · m_i(x_i) + bonus[category], 0, 100)

``x_i`` is the value of criterion ``i`` in the cell, ``m_i`` maps it to 0–1 and ``w_i`` is
its weight (non-negative, summing to 1 within 1e-6, only known criteria). A mapping is

``{worst: a, best: b}``
    Linear, clipped: 0 at ``a`` and beyond, 1 at ``b`` and beyond. ``best`` may be lower than
    ``worst`` (slope, distances: less is better).
``{points: [[x0, s0], [x1, s1], ...]}``
    Piecewise linear through the points (``x`` strictly increasing, ``s`` in 0–1), held
    constant beyond the first and last point; for criteria with an optimum inside a range.

``bonus`` is in score points per land category (:mod:`siting.categories`); it may be negative
and the sum is clipped to 0–100, so a bonus lifts mediocre cells more than it can lift the
best. It is the policy preference of section 十三 (PV on subsidence, saline and barren land).

Criteria (:data:`CRITERIA`, the layer names of the tile they read in brackets)
-------------------------------------------------------------------------------
``ghi_kwh_m2_day`` [kWh m⁻² d⁻¹]  (``ghi_kwh_m2_day``)
``pvout_kwh_kwp_day`` [kWh kWp⁻¹ d⁻¹]  (``pvout_kwh_kwp_day``)
``slope_deg`` [°]  (``slope_deg``)
``aspect`` [–]  (``slope_deg``, ``aspect_deg``)
    The southward component of the unit surface normal, ``sin(slope) · cos(aspect − 180°)``:
    +sin(slope) on a slope facing due south, −sin(slope) facing north, 0 on flat land and on
    east/west slopes. It is the cosine of the angle from south weighted by how steep the
    slope is (``sin``), so flat land is neutral: with the default ``{worst: −0.25, best:
    0.25}`` it maps to 0.5, a 15° south slope to 1, a 15° north slope to 0. The term is
    proportional to the gain (or loss) of beam irradiance on the ground surface at noon
    relative to flat ground, to first order. Aspect is NaN on flat cells (terrain module):
    where the slope is known and the aspect is NaN the value is 0, not missing.
``distance_grid_m`` [m]  (``distance_substation_m``, ``distance_line_m``)
    ``min`` of the two distances; if only one layer is available, that one.
``distance_builtup_m`` [m]  (``distance_builtup_m``)
    May saturate at the tile halo width: :func:`validate_scoring_config` checks the mapping
    does not reach beyond ``builtup_saturation_m`` when given.
``wind_speed_m_s`` [m s⁻¹]  (``wind_speed_m_s``, hub height)
``ruggedness_m`` [m]  (``ruggedness_m``, Riley TRI; depends on the grid resolution)
``setback_margin_m`` [m]  (``distance_builtup_m``)
    ``distance_builtup_m − setback_m``, the distance to built-up land beyond the required
    setback (``scoring.<technology>.setback_m``).

Missing data (the NaN rule)
---------------------------
- A criterion with a weight > 0 whose layer is not available (None, or not in ``layers``) is a
  :class:`~siting.errors.ConfigError` (at validation with ``available_layers``, or at
  :func:`score_tile`): set its weight to 0 or provide the layer. A criterion with weight 0 is
  not read at all.
- A cell where any used criterion is NaN gets no score (NaN), as does every ineligible cell
  and every cell without a land category (code 0).
- Distances are the exception: NaN or inf in a distance raster means *no feature* (none in
  reach), so the cell is scored at the far end (``+inf``, i.e. the mapping's value for large
  distances), not left out.

Summaries and sensitivity
-------------------------
:func:`summarise_scores` returns per-zone tables of areas and sums that add up over tiles
(tile cores only); :func:`combine_score_summaries` adds them and :func:`finish_score_summaries`
turns the sums into shares and means, technologies side by side.

The weight-set sensitivity asks: of the top ``top_share`` of the scored area under the
reference weights, which share stays in the top ``top_share`` under each alternative set?
"Top" is decided by a threshold score per set taken from an additive histogram with bins of
:data:`SENSITIVITY_BIN_WIDTH` points, so that tiles can be processed independently:

1. per tile: :func:`sensitivity_histograms` (additive) → sum over tiles;
2. once: :func:`sensitivity_thresholds` → the lowest histogram bin per set such that the
   area at or above it is at least ``top_share`` of the area scored under every set;
3. per tile: :func:`sensitivity_counts` with those thresholds (additive) → sum over tiles;
4. once: :func:`sensitivity_table`.

:func:`compare_weight_sets` runs the four steps on arrays in memory (one tile or the whole
province), with exactly the same result as the tiled run. Ties at the threshold are all
counted as top: the top set can exceed ``top_share`` by at most one bin of area.

References
----------
Malczewski, J. (2006). GIS-based multicriteria decision analysis: a survey of the literature.
*International Journal of Geographical Information Science*, 20(7), 703–726.
https://doi.org/10.1080/13658810600661508 (weighted linear combination, value functions).

Riley, S. J., DeGloria, S. D., & Elliot, R. (1999). A terrain ruggedness index that
quantifies topographic heterogeneity. *Intermountain Journal of Sciences*, 5(1–4), 23–27.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from siting.categories import CATEGORIES, CATEGORY_KEYS, NO_CATEGORY, _zonal_counts, _zone_rows
from siting.errors import ConfigError

__all__ = [
    "CRITERIA",
    "DEFAULT_SCORING_CONFIG",
    "SCORE_BIN_EDGES",
    "SENSITIVITY_BIN_WIDTH",
    "TECHNOLOGIES",
    "WEIGHT_SUM_TOLERANCE",
    "Criterion",
    "combine_score_summaries",
    "compare_weight_sets",
    "criterion_values",
    "finish_score_summaries",
    "map_criterion",
    "required_layers",
    "score_tile",
    "sensitivity_counts",
    "sensitivity_histograms",
    "sensitivity_table",
    "sensitivity_thresholds",
    "summarise_scores",
    "technology_config",
    "validate_scoring_config",
]

TECHNOLOGIES = ("pv", "wind")

#: Weights must sum to 1 within this tolerance.
WEIGHT_SUM_TOLERANCE = 1e-6

#: Edges of the score distribution in the summaries [score points]; the last bin includes 100.
SCORE_BIN_EDGES = tuple(range(0, 101, 10))

#: Width of the histogram bins that set the sensitivity thresholds [score points].
SENSITIVITY_BIN_WIDTH = 0.01
_N_SENSITIVITY_BINS = round(100 / SENSITIVITY_BIN_WIDTH) + 1  # the last bin holds exactly 100


@dataclass(frozen=True)
class Criterion:
    """One scoring criterion: the layers it reads, its unit and which technologies use it."""

    name: str
    unit: str
    layers: tuple[str, ...]
    technologies: tuple[str, ...]
    description: str


#: The known criteria by name.
CRITERIA: dict[str, Criterion] = {
    c.name: c
    for c in (
        Criterion(
            "ghi_kwh_m2_day", "kWh m-2 d-1", ("ghi_kwh_m2_day",), ("pv",), "global horizontal irradiation"
        ),
        Criterion(
            "pvout_kwh_kwp_day", "kWh kWp-1 d-1", ("pvout_kwh_kwp_day",), ("pv",), "specific PV output"
        ),
        Criterion("slope_deg", "deg", ("slope_deg",), ("pv", "wind"), "terrain slope"),
        Criterion(
            "aspect",
            "1",
            ("slope_deg", "aspect_deg"),
            ("pv",),
            "southward component of the surface normal, sin(slope) cos(aspect - 180 deg)",
        ),
        Criterion(
            "distance_grid_m",
            "m",
            ("distance_substation_m", "distance_line_m"),
            ("pv", "wind"),
            "distance to the nearest substation or transmission line",
        ),
        Criterion(
            "distance_builtup_m", "m", ("distance_builtup_m",), ("pv", "wind"), "distance to built-up land"
        ),
        Criterion("wind_speed_m_s", "m s-1", ("wind_speed_m_s",), ("wind",), "mean wind speed at hub height"),
        Criterion("ruggedness_m", "m", ("ruggedness_m",), ("wind",), "terrain ruggedness index (Riley)"),
        Criterion(
            "setback_margin_m",
            "m",
            ("distance_builtup_m",),
            ("wind",),
            "distance to built-up land beyond the required setback",
        ),
    )
}

#: Defaults of the ``scoring:`` config section (the schema proposal carries the same values).
DEFAULT_SCORING_CONFIG: dict[str, Any] = {
    "thresholds": [50.0, 70.0, 85.0],
    "top_share": 0.2,
    "pv": {
        "setback_m": 0.0,
        "weights": {
            "ghi_kwh_m2_day": 0.40,
            "slope_deg": 0.15,
            "aspect": 0.10,
            "distance_grid_m": 0.25,
            "distance_builtup_m": 0.10,
        },
        "criteria": {
            "ghi_kwh_m2_day": {"worst": 3.6, "best": 4.6},
            "pvout_kwh_kwp_day": {"worst": 3.5, "best": 4.3},
            "slope_deg": {"worst": 15.0, "best": 0.0},
            "aspect": {"worst": -0.25, "best": 0.25},
            "distance_grid_m": {"worst": 30000.0, "best": 0.0},
            "distance_builtup_m": {"worst": 0.0, "best": 1000.0},
        },
        "category_bonus": {"coal_subsidence": 10.0, "saline": 10.0, "barren_hills": 5.0, "other": 0.0},
    },
    "wind": {
        "setback_m": 500.0,
        "weights": {
            "wind_speed_m_s": 0.50,
            "ruggedness_m": 0.15,
            "distance_grid_m": 0.25,
            "setback_margin_m": 0.10,
        },
        "criteria": {
            "wind_speed_m_s": {"worst": 5.0, "best": 8.0},
            "ruggedness_m": {"worst": 50.0, "best": 0.0},
            "slope_deg": {"worst": 15.0, "best": 0.0},
            "distance_grid_m": {"worst": 30000.0, "best": 0.0},
            "distance_builtup_m": {"worst": 500.0, "best": 1500.0},
            "setback_margin_m": {"worst": 0.0, "best": 1000.0},
        },
        "category_bonus": {"coal_subsidence": 0.0, "saline": 0.0, "barren_hills": 0.0, "other": 0.0},
    },
    "weight_sets": {},
}

_TOP_KEYS = ("thresholds", "top_share", "weight_sets", *TECHNOLOGIES)
_TECH_KEYS = ("setback_m", "weights", "criteria", "category_bonus")


# --- config ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _check_keys(given: Any, allowed: Sequence[str], path: str) -> None:
    if not isinstance(given, Mapping):
        raise ConfigError(f"config key '{path}': must be a mapping, got {given!r}")
    unknown = sorted(map(str, set(given) - set(allowed)))
    if unknown:
        raise ConfigError(
            f"config key '{path}': unknown key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )


def _validate_mapping_spec(spec: Any, path: str) -> dict[str, Any]:
    """A criterion mapping: ``{worst, best}`` or ``{points}`` (plus an optional description)."""
    _check_keys(spec, ("worst", "best", "points", "description"), path)
    out: dict[str, Any] = {k: spec[k] for k in ("description",) if k in spec}
    if "points" in spec:
        if "worst" in spec or "best" in spec:
            raise ConfigError(f"config key '{path}': give either worst/best or points, not both")
        points = spec["points"]
        if (
            isinstance(points, str | bytes | Mapping)
            or not isinstance(points, Sequence)
            or len(points) < 2
            or not all(
                isinstance(p, Sequence) and len(p) == 2 and all(_is_number(v) for v in p) for p in points
            )
        ):
            raise ConfigError(
                f"config key '{path}.points': must be at least two [value, score] pairs of numbers, "
                f"got {points!r}"
            )
        xs = [float(p[0]) for p in points]
        ys = [float(p[1]) for p in points]
        if any(b <= a for a, b in itertools.pairwise(xs)):
            raise ConfigError(f"config key '{path}.points': the values {xs} must be strictly increasing")
        if any(not 0.0 <= y <= 1.0 for y in ys):
            raise ConfigError(f"config key '{path}.points': the scores {ys} must lie in [0, 1]")
        out["points"] = [[x, y] for x, y in zip(xs, ys, strict=True)]
        return out
    for key in ("worst", "best"):
        if key not in spec:
            raise ConfigError(f"config key '{path}': missing {key!r}; give worst and best, or points")
        if not _is_number(spec[key]):
            raise ConfigError(f"config key '{path}.{key}': must be a finite number, got {spec[key]!r}")
        out[key] = float(spec[key])
    if out["worst"] == out["best"]:
        raise ConfigError(f"config key '{path}': worst and best are both {out['best']}; they must differ")
    return out


def _validate_weights(weights: Any, technology: str, path: str) -> dict[str, float]:
    if not isinstance(weights, Mapping) or not weights:
        raise ConfigError(f"config key '{path}': must be a mapping criterion -> weight, got {weights!r}")
    allowed = [name for name, c in CRITERIA.items() if technology in c.technologies]
    out: dict[str, float] = {}
    for name, weight in weights.items():
        if name not in allowed:
            raise ConfigError(
                f"config key '{path}.{name}': unknown criterion for {technology}; known: {', '.join(allowed)}"
            )
        if not _is_number(weight) or weight < 0:
            raise ConfigError(f"config key '{path}.{name}': weight must be a number >= 0, got {weight!r}")
        out[name] = float(weight)
    total = math.fsum(out.values())
    if abs(total - 1.0) > WEIGHT_SUM_TOLERANCE:
        raise ConfigError(
            f"config key '{path}': the weights sum to {total:.6g}; they must sum to 1 "
            f"(±{WEIGHT_SUM_TOLERANCE:g}); adjust them"
        )
    return out


def _mapping_upper_m(spec: Mapping[str, Any]) -> float:
    if "points" in spec:
        return spec["points"][-1][0]
    return max(spec["worst"], spec["best"])


def validate_scoring_config(
    cfg: Mapping[str, Any] | None,
    *,
    available_layers: Sequence[str] | None = None,
    builtup_saturation_m: float | None = None,
) -> dict[str, Any]:
    """Check the ``scoring:`` config section and return it with defaults filled in.

    Defaults (:data:`DEFAULT_SCORING_CONFIG`) are filled per key; a given ``weights`` mapping
    replaces the default one as a whole (so a criterion can be dropped), a given criterion
    mapping replaces that criterion's default mapping, bonuses are filled per category.

    Parameters
    ----------
    cfg : Mapping or None
        The ``scoring`` section; None = all defaults.
    available_layers : Sequence of str, optional
        Layer names that exist in this run; when given, every criterion with a weight > 0 (in
        the reference or any alternative weight set) must find its layers among them.
    builtup_saturation_m : float, optional
        Distance [m] at which ``distance_builtup_m`` saturates (the tile halo width); when
        given, the mappings of ``distance_builtup_m`` and ``setback_margin_m`` must not reach
        beyond it (they would rank cells by where the halo ends).

    Returns
    -------
    dict
        A new dict with every key of :data:`DEFAULT_SCORING_CONFIG`.

    Raises
    ------
    ConfigError
        Naming the key path, e.g. ``scoring.pv.weights.ghi_kwh_m2_day``, when a key is unknown,
        a weight is negative or names an unknown criterion, the weights do not sum to 1, a
        weighted criterion has no mapping, a mapping is malformed, a threshold or share is out
        of bounds, or a layer is not available.
    """
    cfg = {} if cfg is None else cfg
    _check_keys(cfg, _TOP_KEYS, "scoring")
    out: dict[str, Any] = copy.deepcopy(DEFAULT_SCORING_CONFIG)

    thresholds = cfg.get("thresholds", out["thresholds"])
    if (
        isinstance(thresholds, str | bytes)
        or not isinstance(thresholds, Sequence)
        or not all(_is_number(t) and 0 < t <= 100 for t in thresholds)
        or list(thresholds) != sorted(set(thresholds))
    ):
        raise ConfigError(
            "config key 'scoring.thresholds': must be increasing, distinct scores in (0, 100], "
            f"got {thresholds!r}"
        )
    out["thresholds"] = [float(t) for t in thresholds]
    top_share = cfg.get("top_share", out["top_share"])
    if not _is_number(top_share) or not 0 < top_share < 1:
        raise ConfigError(f"config key 'scoring.top_share': must be a number in (0, 1), got {top_share!r}")
    out["top_share"] = float(top_share)

    for technology in TECHNOLOGIES:
        path = f"scoring.{technology}"
        given = cfg.get(technology) or {}
        _check_keys(given, _TECH_KEYS, path)
        tech = out[technology]
        if "setback_m" in given:
            setback = given["setback_m"]
            if not _is_number(setback) or not 0 <= setback <= 20000:
                raise ConfigError(
                    f"config key '{path}.setback_m': must be a number in [0, 20000], got {setback!r}"
                )
            tech["setback_m"] = float(setback)
        if "weights" in given:
            tech["weights"] = given["weights"]
        tech["weights"] = _validate_weights(tech["weights"], technology, f"{path}.weights")
        criteria = given.get("criteria") or {}
        _check_keys(
            criteria, [n for n, c in CRITERIA.items() if technology in c.technologies], f"{path}.criteria"
        )
        tech["criteria"].update(criteria)
        tech["criteria"] = {
            name: _validate_mapping_spec(spec, f"{path}.criteria.{name}")
            for name, spec in tech["criteria"].items()
        }
        bonus = given.get("category_bonus") or {}
        _check_keys(bonus, CATEGORY_KEYS, f"{path}.category_bonus")
        for key, points in bonus.items():
            if not _is_number(points) or not -100 <= points <= 100:
                raise ConfigError(
                    f"config key '{path}.category_bonus.{key}': must be score points in [-100, 100], "
                    f"got {points!r}"
                )
            tech["category_bonus"][key] = float(points)

    weight_sets = cfg.get("weight_sets") or {}
    if not isinstance(weight_sets, Mapping):
        raise ConfigError(
            f"config key 'scoring.weight_sets': must be a mapping name -> {{pv, wind}}, got {weight_sets!r}"
        )
    out["weight_sets"] = {}
    for name, weight_set in weight_sets.items():
        path = f"scoring.weight_sets.{name}"
        if name == "reference":
            raise ConfigError(
                f"config key '{path}': 'reference' names the weights of scoring.pv/wind; rename the set"
            )
        _check_keys(weight_set, TECHNOLOGIES, path)
        out["weight_sets"][name] = {
            technology: _validate_weights(weights, technology, f"{path}.{technology}")
            for technology, weights in weight_set.items()
        }

    for technology in TECHNOLOGIES:
        tech = out[technology]
        used = {n for n, w in tech["weights"].items() if w > 0}
        for weight_set in out["weight_sets"].values():
            used |= {n for n, w in weight_set.get(technology, {}).items() if w > 0}
        for name in sorted(used):
            if name not in tech["criteria"]:
                raise ConfigError(
                    f"config key 'scoring.{technology}.criteria.{name}': missing; the criterion has a "
                    "weight, so give its mapping (worst/best or points)"
                )
            if available_layers is not None:
                _check_layers(name, available_layers, key=f"scoring.{technology}.weights.{name}")
        if builtup_saturation_m is not None:
            for name, limit in (
                ("distance_builtup_m", builtup_saturation_m),
                ("setback_margin_m", builtup_saturation_m - tech["setback_m"]),
            ):
                reach_m = _mapping_upper_m(tech["criteria"][name]) if name in used else -math.inf
                if reach_m > limit:
                    raise ConfigError(
                        f"config key 'scoring.{technology}.criteria.{name}': the mapping reaches "
                        f"{reach_m:g} m, but distance_builtup_m saturates at {builtup_saturation_m:g} m "
                        "(the tile halo); "
                        f"keep it within {limit:g} m or widen grid.halo_m"
                    )
    return out


def _check_layers(name: str, available: Sequence[str] | Mapping[str, Any], *, key: str) -> None:
    """ConfigError naming ``key`` when the layers of criterion ``name`` are not available."""
    layers = CRITERIA[name].layers
    have = [layer for layer in layers if layer in available]
    enough = bool(have) if name == "distance_grid_m" else len(have) == len(layers)
    if not enough:
        need = " or ".join(layers) if name == "distance_grid_m" else ", ".join(layers)
        raise ConfigError(
            f"config key '{key}': the criterion needs the layer(s) {need}, "
            "which are not available in this run; set its weight to 0 (and re-balance) or provide the layer"
        )


def technology_config(
    cfg: Mapping[str, Any], technology: str, *, weight_set: str | None = None
) -> dict[str, Any]:
    """The validated settings of one technology, with the weights of ``weight_set``.

    Parameters
    ----------
    cfg : Mapping
        The ``scoring`` section (validated here).
    technology : {"pv", "wind"}
    weight_set : str, optional
        Name of an alternative set in ``scoring.weight_sets``; None or ``"reference"`` = the
        technology's own ``weights``. A set without this technology keeps the reference weights.

    Returns
    -------
    dict
        ``setback_m``, ``weights``, ``criteria``, ``category_bonus``.
    """
    cfg = validate_scoring_config(cfg)
    if technology not in TECHNOLOGIES:
        raise ValueError(f"technology must be one of {TECHNOLOGIES}, got {technology!r}")
    tech = copy.deepcopy(cfg[technology])
    if weight_set not in (None, "reference"):
        if weight_set not in cfg["weight_sets"]:
            raise ConfigError(
                f"config key 'scoring.weight_sets': no weight set {weight_set!r}; "
                f"known: {', '.join(['reference', *cfg['weight_sets']])}"
            )
        tech["weights"] = dict(cfg["weight_sets"][weight_set].get(technology, tech["weights"]))
    return tech


def required_layers(cfg: Mapping[str, Any], technology: str, *, weight_set: str | None = None) -> set[str]:
    """Layers :func:`score_tile` reads for ``technology`` (criteria with a weight > 0).

    For ``distance_grid_m`` both distance layers are listed; either one alone is enough.
    """
    tech = technology_config(cfg, technology, weight_set=weight_set)
    return {layer for name, w in tech["weights"].items() if w > 0 for layer in CRITERIA[name].layers}


def _as_eligible(eligible: np.ndarray) -> np.ndarray:
    """Boolean eligibility; an integer raster counts only 1 (the on-disk uint8 has 255 = outside)."""
    eligible = np.asarray(eligible)
    return eligible if eligible.dtype == bool else eligible == 1


# --- criteria -------------------------------------------------------------------------------


def _distance(layer: np.ndarray) -> np.ndarray:
    """Distance [m] as float32 with NaN (no feature) turned into +inf (a new array)."""
    out = np.array(layer, dtype=np.float32, copy=True)
    out[np.isnan(out)] = np.inf
    return out


def criterion_values(
    name: str,
    layers: Mapping[str, np.ndarray | None],
    *,
    setback_m: float = 0.0,
    key: str | None = None,
) -> np.ndarray:
    """The raw value of one criterion per cell (before mapping), float32.

    Parameters
    ----------
    name : str
        A key of :data:`CRITERIA`.
    layers : Mapping of str to numpy.ndarray or None
        The tile's layers; see :data:`CRITERIA` for which ones each criterion reads.
    setback_m : float, optional
        Required setback from built-up land [m], for ``setback_margin_m``.
    key : str, optional
        Config key path for the error message (default ``scoring.weights.<name>``).

    Returns
    -------
    numpy.ndarray of float32
        NaN = missing data; distances use +inf for "no feature". May be the input layer
        itself (not a copy) for criteria that are a plain layer: do not modify it.

    Raises
    ------
    ConfigError
        When a layer the criterion needs is not available.
    """
    if name not in CRITERIA:
        raise ConfigError(f"unknown criterion {name!r}; known: {', '.join(CRITERIA)}")
    available = {k: v for k, v in layers.items() if v is not None}
    _check_layers(name, available, key=key or f"scoring.weights.{name}")
    if name == "distance_grid_m":
        present = [available[k] for k in CRITERIA[name].layers if k in available]
        out = _distance(present[0])
        for other in present[1:]:
            np.fmin(out, np.asarray(other, dtype=np.float32), out=out)  # fmin ignores a NaN
        return out
    if name == "distance_builtup_m":
        return _distance(available["distance_builtup_m"])
    if name == "setback_margin_m":
        out = _distance(available["distance_builtup_m"])
        out -= np.float32(setback_m)
        return out
    if name == "aspect":
        slope = np.radians(np.asarray(available["slope_deg"], dtype=np.float32))
        out = np.radians(np.asarray(available["aspect_deg"], dtype=np.float32) - np.float32(180.0))
        np.cos(out, out=out)
        out *= np.sin(slope, out=slope)
        # NaN aspect on cells with a known slope means flat: neutral, not missing.
        flat = np.isnan(out)
        flat &= ~np.isnan(slope)
        out[flat] = 0.0
        return out
    return np.asarray(available[name], dtype=np.float32)


def map_criterion(values: np.ndarray, spec: Mapping[str, Any]) -> np.ndarray:
    """Map criterion values to 0–1 (1 = best) with a linear or piecewise-linear value function.

    Parameters
    ----------
    values : numpy.ndarray
        Criterion values [criterion unit]; NaN = missing, ±inf allowed.
    spec : Mapping
        ``{"worst": a, "best": b}`` (linear from 0 at ``a`` to 1 at ``b``, clipped; ``b < a``
        reverses the direction) or ``{"points": [[x0, s0], ...]}`` (piecewise linear, ``x``
        increasing, constant beyond the ends).

    Returns
    -------
    numpy.ndarray of float32
        A new array in [0, 1], NaN where ``values`` is NaN.
    """
    if "points" in spec:
        xs, ys = zip(*spec["points"], strict=True)
        return np.interp(values, xs, ys).astype(np.float32)  # NaN stays NaN, ±inf takes the end values
    worst, best = float(spec["worst"]), float(spec["best"])
    if worst == best:
        raise ValueError("worst and best must differ")
    out = np.subtract(values, np.float32(worst), dtype=np.float32)
    out *= np.float32(1.0 / (best - worst))
    return np.clip(out, 0.0, 1.0, out=out)


def score_tile(
    layers: Mapping[str, np.ndarray | None],
    eligible: np.ndarray,
    categories: np.ndarray | None,
    *,
    technology: str,
    cfg: Mapping[str, Any] | None,
    weight_set: str | None = None,
) -> np.ndarray:
    """Suitability score 0–100 of each eligible cell of one tile.

    Parameters
    ----------
    layers : Mapping of str to numpy.ndarray or None
        The tile's layers by name (see :data:`CRITERIA`), 2-D, same shape as ``eligible``.
        Only the layers of criteria with a weight > 0 are read.
    eligible : numpy.ndarray of bool or uint8
        Eligibility of ``technology``; other cells get NaN. An integer raster (the uint8 of
        :func:`siting.eligibility.evaluate_tile`: 1 eligible, 0 excluded, 255 outside) counts
        only the value 1 as eligible.
    categories : numpy.ndarray of uint8, or None
        Land categories (:func:`siting.categories.land_categories`) for the bonuses; cells
        with code 0 get NaN. None = no bonuses.
    technology : {"pv", "wind"}
    cfg : Mapping or None
        The ``scoring`` config section (validated here; None = defaults).
    weight_set : str, optional
        An alternative weight set of ``scoring.weight_sets`` (sensitivity runs).

    Returns
    -------
    numpy.ndarray of float32
        Score [0–100]; NaN where ineligible, without a category, or where a used criterion
        is NaN (see the NaN rule in the module docstring).

    Raises
    ------
    ConfigError
        When the config is invalid or a weighted criterion's layer is not available.
    """
    tech = technology_config(cfg or {}, technology, weight_set=weight_set)
    eligible = _as_eligible(eligible)
    shape = eligible.shape
    if categories is not None and np.shape(categories) != shape:
        raise ValueError(f"categories has shape {np.shape(categories)}, eligible {shape}")
    score = np.zeros(shape, dtype=np.float32)
    for name, weight in tech["weights"].items():
        if weight <= 0:
            continue
        key = f"scoring.{technology}.weights.{name}"
        if weight_set not in (None, "reference"):
            key = f"scoring.weight_sets.{weight_set}.{technology}.{name}"
        values = criterion_values(name, layers, setback_m=tech["setback_m"], key=key)
        if values.shape != shape:
            raise ValueError(f"criterion {name!r} has shape {values.shape}, eligible {shape}")
        mapped = map_criterion(values, tech["criteria"][name])
        del values
        mapped *= np.float32(100.0 * weight)
        score += mapped  # NaN propagates: a missing criterion leaves the cell without score
        del mapped
    if categories is not None:
        bonus = np.zeros(256, dtype=np.float32)
        for key, points in tech["category_bonus"].items():
            bonus[CATEGORIES[key].code] = points
        categories = np.asarray(categories)
        score += bonus[categories]
        score[categories == NO_CATEGORY] = np.nan
    np.clip(score, 0.0, 100.0, out=score)
    score[~eligible] = np.nan
    return score


# --- summaries ------------------------------------------------------------------------------


def _bin_label(low: int, high: int) -> str:
    return f"{low:03d}_{high:03d}"


def _threshold_label(threshold: float) -> str:
    return f"{threshold:g}"


def summarise_scores(
    scores: np.ndarray,
    eligible: np.ndarray,
    categories: np.ndarray,
    zones: np.ndarray | Sequence[np.ndarray],
    *,
    zone_ids: Sequence[int],
    cell_area_km2: float,
    thresholds: Sequence[float] = (50.0, 70.0, 85.0),
) -> pd.DataFrame:
    """Eligible area by land category, score sums, distribution and area above thresholds.

    Parameters
    ----------
    scores : numpy.ndarray of float32
        From :func:`score_tile`, cropped to the tile core (no halo).
    eligible : numpy.ndarray of bool or uint8
        Eligibility of the same technology, same window (integer rasters: only 1 is eligible).
    categories : numpy.ndarray of uint8
        Land categories, same window.
    zones : numpy.ndarray of int, or Sequence of them
        Zone ids per cell (several arrays for overlapping zonings such as bases).
    zone_ids : Sequence of int
        The zones to report, one row each.
    cell_area_km2 : float
        Area of one cell [km²].
    thresholds : Sequence of float, optional
        Scores for the ``above_km2_<t>`` columns (``score >= t``).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zone_id``. Every column is a sum over cells and adds up over tiles:
        ``eligible_km2``; ``eligible_km2_<category>``; ``scored_km2`` (eligible with a score);
        ``score_times_km2`` [score × km², for the mean]; ``scored_km2_<category>`` and
        ``score_times_km2_<category>``; ``score_km2_<lo>_<hi>`` for the bins of
        :data:`SCORE_BIN_EDGES` (``lo <= score < hi``, the last bin includes 100);
        ``above_km2_<t>`` per threshold. Finish with :func:`combine_score_summaries` and
        :func:`finish_score_summaries`.
    """
    scores = np.asarray(scores, dtype=np.float32)
    eligible = _as_eligible(eligible)
    categories = np.asarray(categories)
    if not scores.shape == eligible.shape == categories.shape:
        raise ValueError(
            f"shapes differ: scores {scores.shape}, eligible {eligible.shape}, categories {categories.shape}"
        )
    area = float(cell_area_km2)
    n_cat = len(CATEGORY_KEYS) + 1
    columns: dict[str, np.ndarray] = {}
    zones = _zone_rows(zones, zone_ids, shape=scores.shape)  # one zone lookup for all counts below

    by_category = _zonal_counts(zones, zone_ids=zone_ids, keys=categories, n_keys=n_cat, where=eligible)
    columns["eligible_km2"] = by_category.sum(axis=1) * area
    for i, key in enumerate(CATEGORY_KEYS, start=1):
        columns[f"eligible_km2_{key}"] = by_category[:, i] * area

    scored = ~np.isnan(scores)
    scored &= eligible
    counts = _zonal_counts(zones, zone_ids=zone_ids, keys=categories, n_keys=n_cat, where=scored)
    sums = _zonal_counts(
        zones, zone_ids=zone_ids, keys=categories, n_keys=n_cat, where=scored, weights=scores
    )
    columns["scored_km2"] = counts.sum(axis=1) * area
    columns["score_times_km2"] = sums.sum(axis=1) * area
    for i, key in enumerate(CATEGORY_KEYS, start=1):
        columns[f"scored_km2_{key}"] = counts[:, i] * area
        columns[f"score_times_km2_{key}"] = sums[:, i] * area

    edges = SCORE_BIN_EDGES
    n_bins = len(edges) - 1
    bins = np.digitize(scores, np.asarray(edges[1:-1], dtype=np.float32)).astype(np.intp)
    histogram = _zonal_counts(zones, zone_ids=zone_ids, keys=bins, n_keys=n_bins, where=scored)
    for i in range(n_bins):
        columns[f"score_km2_{_bin_label(edges[i], edges[i + 1])}"] = histogram[:, i] * area
    for threshold in thresholds:
        above = scores >= np.float32(threshold)  # NaN compares False
        above &= scored
        columns[f"above_km2_{_threshold_label(threshold)}"] = (
            _zonal_counts(zones, zone_ids=zone_ids, where=above)[:, 0] * area
        )
    return pd.DataFrame(columns, index=pd.Index(np.asarray(zone_ids), name="zone_id"))


def combine_score_summaries(summaries: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Add up per-tile :func:`summarise_scores` tables of one technology (sorted by zone)."""
    if not summaries:
        raise ValueError("no summaries to combine")
    columns = list(summaries[0].columns)
    for summary in summaries[1:]:
        if list(summary.columns) != columns:
            raise ValueError("the summaries have different columns (different thresholds?)")
    return pd.concat(summaries).groupby(level="zone_id", sort=True).sum()


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    num, den = numerator.to_numpy(dtype=float), denominator.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / den, np.nan)


def finish_score_summaries(summed: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """Turn summed tables into areas, shares and mean scores, technologies side by side.

    Parameters
    ----------
    summed : Mapping of str to pandas.DataFrame
        Technology → :func:`combine_score_summaries` result (zones as rows, e.g. the bases).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zone_id``, columns a MultiIndex ``(technology, measure)``. Measures:
        ``eligible_km2``, ``eligible_km2_<category>``, ``eligible_share_<category>`` (of the
        eligible area), ``scored_km2``, ``mean_score``, ``mean_score_<category>``,
        ``score_share_<lo>_<hi>`` (of the scored area), ``above_km2_<t>`` and
        ``above_share_<t>`` (of the scored area). Shares and means are NaN for an empty zone.
    """
    parts = {}
    for technology, table in summed.items():
        out: dict[str, Any] = {"eligible_km2": table["eligible_km2"]}
        for key in CATEGORY_KEYS:
            out[f"eligible_km2_{key}"] = table[f"eligible_km2_{key}"]
        for key in CATEGORY_KEYS:
            out[f"eligible_share_{key}"] = _ratio(table[f"eligible_km2_{key}"], table["eligible_km2"])
        out["scored_km2"] = table["scored_km2"]
        out["mean_score"] = _ratio(table["score_times_km2"], table["scored_km2"])
        for key in CATEGORY_KEYS:
            out[f"mean_score_{key}"] = _ratio(table[f"score_times_km2_{key}"], table[f"scored_km2_{key}"])
        for column in table.columns:
            if column.startswith("score_km2_"):
                out[column.replace("score_km2_", "score_share_")] = _ratio(table[column], table["scored_km2"])
        for column in table.columns:
            if column.startswith("above_km2_"):
                out[column] = table[column]
                out[column.replace("above_km2_", "above_share_")] = _ratio(table[column], table["scored_km2"])
        parts[technology] = pd.DataFrame(out, index=table.index)
    return pd.concat(parts, axis=1, names=["technology", "measure"])


# --- sensitivity to the weights -------------------------------------------------------------


def _check_sets(scores_by_set: Mapping[str, np.ndarray], reference: str | None) -> tuple[str, np.ndarray]:
    """Reference name and the mask of cells scored under every set."""
    if len(scores_by_set) < 1:
        raise ValueError("give the scores of at least one weight set")
    names = list(scores_by_set)
    reference = names[0] if reference is None else reference
    if reference not in scores_by_set:
        raise ValueError(f"reference {reference!r} is not among the weight sets {names}")
    shapes = {np.shape(s) for s in scores_by_set.values()}
    if len(shapes) != 1:
        raise ValueError(f"the score arrays differ in shape: {sorted(shapes)}")
    common = np.ones(shapes.pop(), dtype=bool)
    for scores in scores_by_set.values():
        common &= ~np.isnan(scores)
    return reference, common


def _sensitivity_bins(scores: np.ndarray, common: np.ndarray) -> np.ndarray:
    """Histogram bin of each commonly scored cell (1-D, cells of ``common`` only)."""
    values = np.asarray(scores, dtype=np.float32)[common]
    index = np.floor(values * np.float32(1.0 / SENSITIVITY_BIN_WIDTH)).astype(np.intp)
    return np.clip(index, 0, _N_SENSITIVITY_BINS - 1, out=index)


def sensitivity_histograms(scores_by_set: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """First pass: per weight set, counts per score bin of the cells scored under every set.

    Parameters
    ----------
    scores_by_set : Mapping of str to numpy.ndarray
        Scores of one tile core (same shape) per weight set, from :func:`score_tile`.

    Returns
    -------
    dict of str to numpy.ndarray of int64
        Counts in bins of :data:`SENSITIVITY_BIN_WIDTH` points (the last bin holds 100);
        add them over tiles.
    """
    _, common = _check_sets(scores_by_set, None)
    return {
        name: np.bincount(_sensitivity_bins(scores, common), minlength=_N_SENSITIVITY_BINS).astype(np.int64)
        for name, scores in scores_by_set.items()
    }


def sensitivity_thresholds(histograms: Mapping[str, np.ndarray], *, top_share: float) -> dict[str, int]:
    """Threshold bin per weight set: the top set is every cell in this bin or above.

    Parameters
    ----------
    histograms : Mapping of str to numpy.ndarray
        :func:`sensitivity_histograms` summed over all tiles.
    top_share : float
        Share of the commonly scored area that counts as top (0–1).

    Returns
    -------
    dict of str to int
        The highest bin ``k`` such that the cells in bins ``>= k`` make up at least
        ``top_share`` of the counted cells (threshold score ``k · SENSITIVITY_BIN_WIDTH``);
        ``_N_SENSITIVITY_BINS`` (nothing is top) when no cell was counted.
    """
    if not 0 < top_share < 1:
        raise ValueError(f"top_share must be in (0, 1), got {top_share}")
    out = {}
    for name, counts in histograms.items():
        counts = np.asarray(counts, dtype=np.int64)
        total = int(counts.sum())
        if total == 0:
            out[name] = _N_SENSITIVITY_BINS
            continue
        from_top = np.cumsum(counts[::-1])  # cells in the top j + 1 bins
        needed = math.ceil(top_share * total - 1e-9)
        j = int(np.searchsorted(from_top, max(needed, 1), side="left"))
        out[name] = len(counts) - 1 - j
    return out


def sensitivity_counts(
    scores_by_set: Mapping[str, np.ndarray],
    thresholds: Mapping[str, int],
    *,
    reference: str | None = None,
) -> dict[str, tuple[int, int]]:
    """Second pass: per weight set, cells in its top set and in both its and the reference's.

    Parameters
    ----------
    scores_by_set : Mapping of str to numpy.ndarray
        Scores of one tile core per weight set (as in the first pass).
    thresholds : Mapping of str to int
        From :func:`sensitivity_thresholds`.
    reference : str, optional
        The reference set; default the first key.

    Returns
    -------
    dict of str to (int, int)
        ``(top cells, top cells that are also top under the reference)``; add over tiles.
    """
    reference, common = _check_sets(scores_by_set, reference)
    top_reference = _sensitivity_bins(scores_by_set[reference], common) >= thresholds[reference]
    out = {}
    for name, scores in scores_by_set.items():
        top = _sensitivity_bins(scores, common) >= thresholds[name]
        out[name] = (int(np.count_nonzero(top)), int(np.count_nonzero(top & top_reference)))
    return out


def sensitivity_table(
    counts: Mapping[str, tuple[int, int]],
    thresholds: Mapping[str, int],
    *,
    cell_area_km2: float,
    reference: str | None = None,
) -> pd.DataFrame:
    """Overlap table from the summed counts of :func:`sensitivity_counts`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``weight_set`` (the reference first); columns ``threshold_score`` (the
        lowest score in the top set), ``top_km2``, ``overlap_km2`` (top under both this set
        and the reference) and ``overlap_share`` (``overlap_km2`` / the reference's
        ``top_km2``; 1 for the reference itself, NaN when the reference top set is empty).
        ``threshold_score`` is NaN when no cell was scored under every set.
    """
    names = list(counts)
    reference = names[0] if reference is None else reference
    top_reference = counts[reference][0]
    rows = []
    for name in [reference, *[n for n in names if n != reference]]:
        top, overlap = counts[name]
        rows.append(
            {
                "weight_set": name,
                "threshold_score": (
                    thresholds[name] * SENSITIVITY_BIN_WIDTH
                    if thresholds[name] < _N_SENSITIVITY_BINS
                    else math.nan
                ),
                "top_km2": top * float(cell_area_km2),
                "overlap_km2": overlap * float(cell_area_km2),
                "overlap_share": overlap / top_reference if top_reference else math.nan,
            }
        )
    return pd.DataFrame(rows).set_index("weight_set")


def compare_weight_sets(
    scores_by_set: Mapping[str, np.ndarray],
    *,
    top_share: float = 0.2,
    cell_area_km2: float,
    reference: str | None = None,
) -> pd.DataFrame:
    """Which share of the top-ranked area stays top-ranked under other weight sets.

    Parameters
    ----------
    scores_by_set : Mapping of str to numpy.ndarray
        Scores per weight set on the same cells (the whole region, or one tile).
    top_share : float, optional
        Share of the area scored under every set that counts as top-ranked (default 0.2).
    cell_area_km2 : float
        Area of one cell [km²].
    reference : str, optional
        The reference set; default the first key.

    Returns
    -------
    pandas.DataFrame
        See :func:`sensitivity_table`. Identical to the tiled two-pass computation described
        in the module docstring.
    """
    histograms = sensitivity_histograms(scores_by_set)
    thresholds = sensitivity_thresholds(histograms, top_share=top_share)
    counts = sensitivity_counts(scores_by_set, thresholds, reference=reference)
    return sensitivity_table(counts, thresholds, cell_area_km2=cell_area_km2, reference=reference)
