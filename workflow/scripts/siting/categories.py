"""Land categories the policy favours for PV, as a class raster per tile.

The Shanxi opinions (section 十三) steer PV to coal-mining subsidence areas, saline-alkali land
and barren hills and slopes. Each cell of the valid area gets exactly one category:

====  ==================  ==========  =======================================
code  key                 Chinese     English
====  ==================  ==========  =======================================
0     (none)                          outside the valid area, or no land cover
1     ``coal_subsidence``  采煤沉陷区  coal-mining subsidence area
2     ``saline``           盐碱地      saline-alkali land
3     ``barren_hills``     荒山荒坡    barren hills and slopes
4     ``other``            其他        all other land
====  ==================  ==========  =======================================

Where each category comes from
------------------------------
Every category is taken from the **user layer** when one is given, else from a labelled
**proxy**; :func:`land_categories` returns which, per category, as ``"user"``,
``"proxy:<description>"`` or ``"unavailable"`` (no user layer and no proxy input: the category
is empty in this run, and the report must say so).

``coal_subsidence``
    User survey layer ``coal_subsidence_user``; proxy: the mining polygons of Maus et al.
    (``mining_areas``) grown by ``margin_m`` (Euclidean, centre to centre: the buffer of
    :func:`siting.eligibility.rule_mask`). The mining polygons mark surface features (pits,
    dumps, plants); subsidence over underground longwall panels reaches beyond them, hence the
    margin. Low confidence: compare the area with the ~3,000 km² of the 2008 survey.
``saline``
    User survey layer ``saline_land_user``; proxy: HWSD v2 topsoil electrical conductivity
    ``salinity_ds_m > threshold_ds_m`` (strict) on low land (``elevation_m <=`` the elevation
    limit) that is flat (``slope_deg <= max_slope_deg``). The elevation limit is either the
    absolute ``max_elevation_m`` or the ``max_elevation_percentile`` of the elevation over the
    **whole region**: a percentile per tile would make the result depend on the tiling, so
    the caller computes it once with :func:`elevation_counts` (additive over tiles) and
    :func:`elevation_percentile_m` and passes it as ``elevation_limit_m``.
``barren_hills``
    No user layer (there is no public survey); proxy: land cover in ``classes`` (default
    shrub 20, grass 30, bare/sparse 60) on ``min_slope_deg <= slope_deg <= max_slope_deg``,
    not permanent farmland and not ecological red line (when those layers are available; the
    source string says when they are not). Tree cover (10) and built-up (50) can never be
    barren hills: :func:`validate_categories_config` only accepts the classes in
    :data:`BARREN_HILLS_ALLOWED_CLASSES`.
``other``
    Every remaining valid cell.

Overlaps: a cell in several of the first three categories takes the first one in
``precedence`` (default ``[coal_subsidence, saline, barren_hills]``).

Nodata: a NaN (or missing layer) never selects a cell for a proxy, so a cell without data
falls to ``other``, never to a favoured category. Cells with land cover 0 (nodata) or outside
``valid`` get code 0.

Additivity: :func:`summarise_categories` returns areas per zone that add up over disjoint
windows (pass each tile's core, without its halo); :func:`combine_category_summaries` sums
them and adds the shares.

References
----------
Maus, V., Giljum, S., da Silva, D. M., et al. (2022). An update on global mining land use.
*Scientific Data*, 9, 433. https://doi.org/10.1038/s41597-022-01547-4

FAO & IIASA (2023). Harmonized World Soil Database version 2.0. Rome and Laxenburg.
https://doi.org/10.4060/cc3823en (topsoil ``ELEC_COND`` [dS m⁻¹]).

Richards, L. A. (ed.) (1954). *Diagnosis and improvement of saline and alkali soils*. USDA
Agriculture Handbook 60. (Saline soil: ECe > 4 dS m⁻¹.)
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from siting.eligibility import ExclusionRule, _zone_row_index, rule_mask
from siting.errors import ConfigError

__all__ = [
    "BARREN_HILLS",
    "BARREN_HILLS_ALLOWED_CLASSES",
    "CATEGORIES",
    "CATEGORY_KEYS",
    "CATEGORY_LAYERS",
    "COAL_SUBSIDENCE",
    "DEFAULT_CATEGORIES_CONFIG",
    "NO_CATEGORY",
    "OTHER",
    "SALINE",
    "Category",
    "barren_hills_mask",
    "coal_subsidence_mask",
    "combine_category_summaries",
    "elevation_counts",
    "elevation_percentile_m",
    "land_categories",
    "saline_mask",
    "summarise_categories",
    "validate_categories_config",
]

#: Code of cells outside the valid area (or without land cover) in the category raster.
NO_CATEGORY = 0
COAL_SUBSIDENCE = 1
SALINE = 2
BARREN_HILLS = 3
OTHER = 4


@dataclass(frozen=True)
class Category:
    """One land category: its raster code, config key and labels."""

    code: int
    key: str
    name_zh: str
    name_en: str


#: The categories by key, in code order.
CATEGORIES: dict[str, Category] = {
    "coal_subsidence": Category(
        COAL_SUBSIDENCE, "coal_subsidence", "采煤沉陷区", "coal-mining subsidence area"
    ),
    "saline": Category(SALINE, "saline", "盐碱地", "saline-alkali land"),
    "barren_hills": Category(BARREN_HILLS, "barren_hills", "荒山荒坡", "barren hills and slopes"),
    "other": Category(OTHER, "other", "其他", "other land"),
}

#: Category keys in code order (codes 1..4).
CATEGORY_KEYS: tuple[str, ...] = tuple(CATEGORIES)

#: The categories a precedence list orders (``other`` is always last).
_RANKED_KEYS = ("coal_subsidence", "saline", "barren_hills")

#: Layers :func:`land_categories` reads (all optional except ``landcover`` and ``slope_deg``).
CATEGORY_LAYERS = (
    "landcover",
    "slope_deg",
    "elevation_m",
    "coal_subsidence_user",
    "saline_land_user",
    "mining_areas",
    "salinity_ds_m",
    "ecological_redline",
    "permanent_farmland",
)

#: ESA WorldCover classes that may count as barren hills: shrub, grass, bare/sparse, moss/lichen.
#: Tree cover 10, cropland 40, built-up 50, snow 70, water 80, wetland 90, mangroves 95 never do.
BARREN_HILLS_ALLOWED_CLASSES = (20, 30, 60, 100)

#: Defaults of the ``categories:`` config section (the schema proposal carries the same).
DEFAULT_CATEGORIES_CONFIG: dict[str, Any] = {
    "precedence": ["coal_subsidence", "saline", "barren_hills"],
    "coal_subsidence": {"margin_m": 1000.0},
    "saline": {
        "threshold_ds_m": 4.0,
        "max_elevation_m": 1200.0,
        "max_elevation_percentile": None,
        "max_slope_deg": 2.0,
    },
    "barren_hills": {"classes": [20, 30, 60], "min_slope_deg": 2.0, "max_slope_deg": 25.0},
}

#: Bin width of :func:`elevation_counts` [m].
ELEVATION_BIN_M = 10.0
_ELEVATION_MIN_M = -500.0
_ELEVATION_MAX_M = 9000.0


# --- config ---------------------------------------------------------------------------------


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _number(section: Mapping[str, Any], key: str, path: str, *, low: float, high: float) -> float:
    value = section[key]
    if not _is_number(value) or not low <= value <= high:
        raise ConfigError(f"config key '{path}.{key}': must be a number in [{low}, {high}], got {value!r}")
    return float(value)


def _merged(defaults: Mapping[str, Any], given: Mapping[str, Any] | None, path: str) -> dict[str, Any]:
    """``defaults`` updated by ``given`` one level down; unknown keys are errors."""
    out = copy.deepcopy(dict(defaults))
    if given is None:
        return out
    if not isinstance(given, Mapping):
        raise ConfigError(f"config key '{path}': must be a mapping, got {given!r}")
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ConfigError(
            f"config key '{path}': unknown key(s) {', '.join(map(repr, unknown))}; "
            f"allowed: {', '.join(sorted(defaults))}"
        )
    for key, value in given.items():
        default = defaults[key]
        if isinstance(default, Mapping):
            out[key] = _merged(default, value, f"{path}.{key}")
        else:
            out[key] = copy.deepcopy(value)
    return out


def validate_categories_config(cfg: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check the ``categories:`` config section and return it with defaults filled in.

    Parameters
    ----------
    cfg : Mapping or None
        The ``categories`` section (None = all defaults, :data:`DEFAULT_CATEGORIES_CONFIG`).

    Returns
    -------
    dict
        A new dict with every key of :data:`DEFAULT_CATEGORIES_CONFIG`.

    Raises
    ------
    ConfigError
        Naming the key path (``categories.precedence``, ``categories.saline.max_slope_deg``…)
        when a key is unknown, a value is out of bounds, the precedence does not name each of
        ``coal_subsidence``, ``saline``, ``barren_hills`` exactly once, a slope range is
        reversed, barren-hills classes include forest/cropland/built-up/water, or the saline
        elevation limit is given both or neither way.
    """
    out = _merged(DEFAULT_CATEGORIES_CONFIG, cfg, "categories")

    precedence = out["precedence"]
    if isinstance(precedence, str | bytes) or not isinstance(precedence, Sequence):
        raise ConfigError(
            f"config key 'categories.precedence': must be a list of {', '.join(_RANKED_KEYS)}, "
            f"got {precedence!r}"
        )
    repeated = sorted({str(k) for k in precedence if list(precedence).count(k) > 1})
    unknown = sorted({str(k) for k in precedence if k not in _RANKED_KEYS})
    missing = [k for k in _RANKED_KEYS if k not in precedence]
    if repeated or unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown {', '.join(map(repr, unknown))}")
        if repeated:
            problems.append(f"repeated {', '.join(map(repr, repeated))}")
        if missing:
            problems.append(f"missing {', '.join(map(repr, missing))}")
        raise ConfigError(
            f"config key 'categories.precedence': {'; '.join(problems)}. List each of "
            f"{', '.join(_RANKED_KEYS)} exactly once, the first wins where they overlap "
            "('other' is always last)"
        )
    out["precedence"] = list(precedence)

    sub = out["coal_subsidence"]
    sub["margin_m"] = _number(sub, "margin_m", "categories.coal_subsidence", low=0, high=20000)

    saline = out["saline"]
    path = "categories.saline"
    saline["threshold_ds_m"] = _number(saline, "threshold_ds_m", path, low=0, high=200)
    saline["max_slope_deg"] = _number(saline, "max_slope_deg", path, low=0, high=90)
    absolute, percentile = saline["max_elevation_m"], saline["max_elevation_percentile"]
    if (absolute is None) == (percentile is None):
        raise ConfigError(
            f"config key '{path}.max_elevation_m': give exactly one of max_elevation_m (absolute "
            "[m]) and max_elevation_percentile (of the region's elevation [%]); set the other to null"
        )
    if absolute is not None:
        saline["max_elevation_m"] = _number(saline, "max_elevation_m", path, low=-500, high=9000)
    else:
        saline["max_elevation_percentile"] = _number(
            saline, "max_elevation_percentile", path, low=0, high=100
        )

    barren = out["barren_hills"]
    path = "categories.barren_hills"
    classes = barren["classes"]
    if (
        isinstance(classes, str | bytes)
        or not isinstance(classes, Sequence)
        or not classes
        or not all(isinstance(c, int) and not isinstance(c, bool) for c in classes)
    ):
        raise ConfigError(f"config key '{path}.classes': must be a non-empty list of WorldCover codes")
    forbidden = sorted(set(classes) - set(BARREN_HILLS_ALLOWED_CLASSES))
    if forbidden:
        raise ConfigError(
            f"config key '{path}.classes': {forbidden} cannot be barren hills (not forest, not farmland, "
            f"not built-up, not water); choose from {list(BARREN_HILLS_ALLOWED_CLASSES)}"
        )
    barren["classes"] = [int(c) for c in classes]
    barren["min_slope_deg"] = _number(barren, "min_slope_deg", path, low=0, high=90)
    barren["max_slope_deg"] = _number(barren, "max_slope_deg", path, low=0, high=90)
    if barren["min_slope_deg"] > barren["max_slope_deg"]:
        raise ConfigError(
            f"config key '{path}.min_slope_deg': {barren['min_slope_deg']} exceeds max_slope_deg "
            f"{barren['max_slope_deg']}; the slope range must be [low, high]"
        )
    return out


# --- masks ----------------------------------------------------------------------------------


def _present(layer: np.ndarray | None) -> np.ndarray | None:
    """Feature presence of a rasterised vector layer (non-zero, not NaN); None stays None."""
    if layer is None:
        return None
    layer = np.asarray(layer)
    if layer.dtype == bool:
        return layer
    present = layer != 0
    if layer.dtype.kind == "f":
        present &= ~np.isnan(layer)
    return present


def coal_subsidence_mask(
    *,
    coal_subsidence_user: np.ndarray | None,
    mining_areas: np.ndarray | None,
    margin_m: float,
    resolution_m: float,
) -> tuple[np.ndarray | None, str]:
    """Coal-mining subsidence cells: the user survey, else mining polygons plus a margin.

    Parameters
    ----------
    coal_subsidence_user : numpy.ndarray of bool, or None
        Rasterised subsidence survey (True = surveyed subsidence), None when not configured.
    mining_areas : numpy.ndarray of bool, or None
        Rasterised mining polygons (Maus et al. 2022), None when not available.
    margin_m : float
        Proxy only: cells whose centre is within this distance [m] of a mining cell's centre.
        The tile halo must be at least this wide.
    resolution_m : float
        Cell size [m].

    Returns
    -------
    mask : numpy.ndarray of bool or None
        None when the category is unavailable.
    source : str
        ``"user"``, ``"proxy:<description>"`` or ``"unavailable"``.
    """
    user = _present(coal_subsidence_user)
    if user is not None:
        return user, "user"
    mining = _present(mining_areas)
    if mining is None:
        return None, "unavailable"
    rule = ExclusionRule(
        name="coal_subsidence_proxy", layer="mining_areas", features=True, buffer_m=float(margin_m)
    )
    mask = rule_mask(mining, rule, resolution_m=resolution_m)
    return mask, f"proxy:mining polygons (Maus et al. 2022) + {margin_m:g} m margin"


def saline_mask(
    *,
    saline_land_user: np.ndarray | None,
    salinity_ds_m: np.ndarray | None,
    elevation_m: np.ndarray | None,
    slope_deg: np.ndarray,
    threshold_ds_m: float,
    elevation_limit_m: float,
    max_slope_deg: float,
) -> tuple[np.ndarray | None, str]:
    """Saline-alkali cells: the user survey, else high topsoil salinity on low flat land.

    Parameters
    ----------
    saline_land_user : numpy.ndarray of bool, or None
        Rasterised saline-land survey, None when not configured.
    salinity_ds_m : numpy.ndarray of float32, or None
        HWSD v2 topsoil electrical conductivity [dS m⁻¹], NaN nodata; None when not available.
    elevation_m : numpy.ndarray of float32, or None
        Elevation [m]; None makes the proxy unavailable.
    slope_deg : numpy.ndarray of float32
        Slope [degrees].
    threshold_ds_m : float
        Proxy: saline where ``salinity_ds_m > threshold_ds_m`` [dS m⁻¹] (strict).
    elevation_limit_m : float
        Proxy: only where ``elevation_m <= elevation_limit_m`` [m] (the absolute limit, or the
        region-wide percentile from :func:`elevation_percentile_m`).
    max_slope_deg : float
        Proxy: only where ``slope_deg <= max_slope_deg`` [degrees].

    Returns
    -------
    mask : numpy.ndarray of bool or None
        None when the category is unavailable.
    source : str
        ``"user"``, ``"proxy:<description>"`` or ``"unavailable"``.
    """
    user = _present(saline_land_user)
    if user is not None:
        return user, "user"
    if salinity_ds_m is None or elevation_m is None:
        return None, "unavailable"
    mask = np.asarray(salinity_ds_m) > threshold_ds_m  # NaN compares False
    mask &= np.asarray(elevation_m) <= elevation_limit_m
    mask &= np.asarray(slope_deg) <= max_slope_deg
    return mask, (
        f"proxy:HWSD v2 topsoil ELEC_COND > {threshold_ds_m:g} dS/m, elevation <= "
        f"{elevation_limit_m:g} m, slope <= {max_slope_deg:g} deg"
    )


def barren_hills_mask(
    landcover: np.ndarray,
    *,
    slope_deg: np.ndarray,
    classes: Sequence[int],
    min_slope_deg: float,
    max_slope_deg: float,
    permanent_farmland: np.ndarray | None = None,
    ecological_redline: np.ndarray | None = None,
) -> tuple[np.ndarray, str]:
    """Barren hills and slopes: open land cover on sloping land, not farmland, not red line.

    Parameters
    ----------
    landcover : numpy.ndarray of uint8
        ESA WorldCover codes (0 = nodata).
    slope_deg : numpy.ndarray of float32
        Slope [degrees], NaN nodata.
    classes : Sequence of int
        Land-cover codes that count (from :data:`BARREN_HILLS_ALLOWED_CLASSES`).
    min_slope_deg, max_slope_deg : float
        ``min_slope_deg <= slope_deg <= max_slope_deg`` [degrees].
    permanent_farmland, ecological_redline : numpy.ndarray of bool, or None
        Cells of these layers never count; None = layer not available (recorded in the source).

    Returns
    -------
    mask : numpy.ndarray of bool
    source : str
        ``"proxy:<description>"``, naming the layers that were not available.
    """
    landcover = np.asarray(landcover)
    lut = np.zeros(256, dtype=bool)
    lut[np.asarray([c for c in classes if 0 < c < 256], dtype=np.intp)] = True
    mask = lut[landcover] if landcover.dtype == np.uint8 else np.isin(landcover, np.asarray(classes))
    slope_deg = np.asarray(slope_deg)
    mask &= slope_deg >= min_slope_deg
    mask &= slope_deg <= max_slope_deg
    missing = []
    for name, layer in (
        ("permanent farmland", permanent_farmland),
        ("ecological red line", ecological_redline),
    ):
        present = _present(layer)
        if present is None:
            missing.append(name)
        else:
            mask &= ~present
    codes = "/".join(str(c) for c in classes)
    source = f"proxy:WorldCover {codes} on {min_slope_deg:g}-{max_slope_deg:g} deg slopes"
    if missing:
        source += f" ({' and '.join(missing)} not available)"
    return mask, source


def land_categories(
    layers: Mapping[str, np.ndarray | None],
    *,
    resolution_m: float,
    cfg: Mapping[str, Any] | None = None,
    valid: np.ndarray | None = None,
    elevation_limit_m: float | None = None,
) -> tuple[np.ndarray, dict[str, str]]:
    """The land-category raster of one tile and where each category came from.

    Parameters
    ----------
    layers : Mapping of str to numpy.ndarray or None
        Layers by name (see :data:`CATEGORY_LAYERS`), all 2-D of the same shape (tile with
        halo). ``landcover`` (uint8 WorldCover) and ``slope_deg`` are required; any other
        layer may be absent or None (not available).
    resolution_m : float
        Cell size [m] (for the subsidence margin).
    cfg : Mapping, optional
        The ``categories:`` config section; validated with :func:`validate_categories_config`.
    valid : numpy.ndarray of bool, optional
        Cells to classify (inside the region); default all. Land cover 0 is never classified.
    elevation_limit_m : float, optional
        The saline elevation limit [m] when the config gives ``max_elevation_percentile``:
        the region-wide percentile from :func:`elevation_percentile_m`. Ignored otherwise.

    Returns
    -------
    categories : numpy.ndarray of uint8
        Codes :data:`NO_CATEGORY` (0) … :data:`OTHER` (4), see the module docstring.
    sources : dict of str to str
        Per key of :data:`CATEGORY_KEYS`: ``"user"``, ``"proxy:<description>"`` or
        ``"unavailable"``; ``other`` is ``"remainder"``.

    Raises
    ------
    ConfigError
        When the config is invalid (see :func:`validate_categories_config`), or it asks for an
        elevation percentile and ``elevation_limit_m`` is not given.
    ValueError
        When a required layer is missing or shapes differ.
    """
    cfg = validate_categories_config(cfg)
    for name in ("landcover", "slope_deg"):
        if layers.get(name) is None:
            raise ValueError(f"land_categories needs the layer {name!r}")
    landcover = np.asarray(layers["landcover"])
    shape = landcover.shape
    for name in CATEGORY_LAYERS:
        layer = layers.get(name)
        if layer is not None and np.shape(layer) != shape:
            raise ValueError(f"layer {name!r} has shape {np.shape(layer)}, landcover {shape}")
    if valid is not None and np.shape(valid) != shape:
        raise ValueError(f"valid has shape {np.shape(valid)}, landcover {shape}")

    saline_cfg = cfg["saline"]
    if saline_cfg["max_elevation_m"] is not None:
        limit_m = saline_cfg["max_elevation_m"]
    elif elevation_limit_m is not None:
        limit_m = float(elevation_limit_m)
    else:
        raise ConfigError(
            "config key 'categories.saline.max_elevation_percentile': the percentile is taken over "
            "the whole region; compute it with siting.categories.elevation_counts and "
            "elevation_percentile_m and pass elevation_limit_m, or set max_elevation_m instead"
        )

    masks: dict[str, np.ndarray | None] = {}
    sources: dict[str, str] = {}
    masks["coal_subsidence"], sources["coal_subsidence"] = coal_subsidence_mask(
        coal_subsidence_user=layers.get("coal_subsidence_user"),
        mining_areas=layers.get("mining_areas"),
        margin_m=cfg["coal_subsidence"]["margin_m"],
        resolution_m=resolution_m,
    )
    masks["saline"], sources["saline"] = saline_mask(
        saline_land_user=layers.get("saline_land_user"),
        salinity_ds_m=layers.get("salinity_ds_m"),
        elevation_m=layers.get("elevation_m"),
        slope_deg=layers["slope_deg"],
        threshold_ds_m=saline_cfg["threshold_ds_m"],
        elevation_limit_m=limit_m,
        max_slope_deg=saline_cfg["max_slope_deg"],
    )
    masks["barren_hills"], sources["barren_hills"] = barren_hills_mask(
        landcover,
        slope_deg=layers["slope_deg"],
        classes=cfg["barren_hills"]["classes"],
        min_slope_deg=cfg["barren_hills"]["min_slope_deg"],
        max_slope_deg=cfg["barren_hills"]["max_slope_deg"],
        permanent_farmland=layers.get("permanent_farmland"),
        ecological_redline=layers.get("ecological_redline"),
    )
    sources["other"] = "remainder"

    codes = np.zeros(shape, dtype=np.uint8)
    codes[landcover != 0] = OTHER
    if valid is not None:
        codes[~np.asarray(valid, dtype=bool)] = NO_CATEGORY
    # Last in precedence first, so that earlier categories overwrite later ones.
    for key in reversed(cfg["precedence"]):
        mask = masks[key]
        if mask is not None:
            np.copyto(codes, np.uint8(CATEGORIES[key].code), where=mask & (codes != NO_CATEGORY))
    return codes, sources


# --- elevation percentile over the region ---------------------------------------------------


def elevation_counts(elevation_m: np.ndarray, *, valid: np.ndarray | None = None) -> np.ndarray:
    """Histogram of elevation in bins of :data:`ELEVATION_BIN_M`, additive over tiles.

    Parameters
    ----------
    elevation_m : numpy.ndarray of float32
        Elevation [m], NaN nodata (not counted). Pass the tile core only.
    valid : numpy.ndarray of bool, optional
        Count only these cells (inside the region).

    Returns
    -------
    numpy.ndarray of int64
        Cell counts per 10 m bin from −500 m to 9,000 m (values beyond are put in the end bins).
        Sum the arrays of all tiles, then call :func:`elevation_percentile_m`.
    """
    elevation_m = np.asarray(elevation_m)
    keep = ~np.isnan(elevation_m) if elevation_m.dtype.kind == "f" else np.ones(elevation_m.shape, bool)
    if valid is not None:
        keep &= np.asarray(valid, dtype=bool)
    n_bins = round((_ELEVATION_MAX_M - _ELEVATION_MIN_M) / ELEVATION_BIN_M)
    index = np.floor((elevation_m[keep] - np.float32(_ELEVATION_MIN_M)) / np.float32(ELEVATION_BIN_M))
    index = np.clip(index, 0, n_bins - 1).astype(np.intp)
    return np.bincount(index, minlength=n_bins).astype(np.int64)


def elevation_percentile_m(counts: np.ndarray, *, percentile: float) -> float:
    """Elevation [m] below which ``percentile`` % of the counted cells lie (bin upper edge).

    Parameters
    ----------
    counts : numpy.ndarray of int64
        Summed :func:`elevation_counts` of all tiles of the region.
    percentile : float
        [%], 0–100.

    Returns
    -------
    float
        Upper edge of the first bin at which the cumulative count reaches the percentile
        (resolution :data:`ELEVATION_BIN_M`); NaN when nothing was counted.
    """
    if not 0 <= percentile <= 100:
        raise ValueError(f"percentile must be in [0, 100], got {percentile}")
    counts = np.asarray(counts, dtype=np.int64)
    total = counts.sum()
    if total == 0:
        return math.nan
    cumulative = np.cumsum(counts)
    index = int(np.searchsorted(cumulative, percentile / 100.0 * total, side="left"))
    return _ELEVATION_MIN_M + (min(index, len(counts) - 1) + 1) * ELEVATION_BIN_M


# --- per-zone areas -------------------------------------------------------------------------


@dataclass(frozen=True)
class _ZoneRows:
    """Row of each cell in the zone table, per zoning (flat, ``n_zones`` = not counted)."""

    rows: tuple[np.ndarray, ...]
    n_zones: int


def _zone_rows(
    zones: np.ndarray | Sequence[np.ndarray], zone_ids: Sequence[int], *, shape: tuple[int, ...] | None = None
) -> _ZoneRows:
    """Map every cell of every zoning to its output row once, for several :func:`_zonal_counts`.

    Several arrays are overlapping zonings; a cell counts once per distinct id it has in any of
    them (as in :func:`siting.eligibility.summarise_exclusions`): later repeats get ``n_zones``.
    """
    zone_arrays = [np.asarray(zones)] if isinstance(zones, np.ndarray) else [np.asarray(z) for z in zones]
    for array in zone_arrays:
        if shape is not None and array.shape != tuple(shape):
            raise ValueError(f"zones have shape {array.shape}, the data {tuple(shape)}")
    ids = np.asarray(zone_ids)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("zone_ids must be unique")
    n_zones = len(ids)
    if n_zones == 0:
        return _ZoneRows((), 0)
    order = np.argsort(ids, kind="stable")
    previous: list[np.ndarray] = []
    for array in zone_arrays:
        rows = _zone_row_index(array, ids, order)
        for earlier in previous:
            rows[earlier == rows] = n_zones
        previous.append(rows)
    return _ZoneRows(tuple(previous), n_zones)


def _zonal_counts(
    zones: np.ndarray | Sequence[np.ndarray] | _ZoneRows,
    *,
    zone_ids: Sequence[int],
    keys: np.ndarray | None = None,
    n_keys: int = 1,
    where: np.ndarray | None = None,
    weights: np.ndarray | None = None,
) -> np.ndarray:
    """Cell counts (or weight sums) per zone and key: the additive core of every zonal table.

    Parameters
    ----------
    zones : numpy.ndarray of int, Sequence of them, or _ZoneRows
        Zone id per cell; several arrays are overlapping zonings and a cell counts once per
        distinct id it has in any of them (as in :func:`siting.eligibility.summarise_exclusions`).
        Pass the result of :func:`_zone_rows` to reuse the zone lookup across calls.
    zone_ids : Sequence of int
        Unique ids, one output row each; cells of other ids are ignored.
    keys : numpy.ndarray of int, optional
        Column per cell, ``0 <= key < n_keys`` (same shape as the zones); default all 0.
    n_keys : int
        Number of columns.
    where : numpy.ndarray of bool, optional
        Count only these cells.
    weights : numpy.ndarray, optional
        Sum these per cell instead of counting (float64 result).

    Returns
    -------
    numpy.ndarray
        Shape ``(len(zone_ids), n_keys)``; int64 counts, or float64 sums with ``weights``.
    """
    shape = None if where is None else np.shape(where)
    zone_rows = zones if isinstance(zones, _ZoneRows) else _zone_rows(zones, zone_ids, shape=shape)
    n_zones = zone_rows.n_zones
    if n_zones != len(zone_ids):
        raise ValueError(f"{len(zone_ids)} zone_ids given, the zone rows were built for {n_zones}")
    dtype = np.int64 if weights is None else np.float64
    out = np.zeros((n_zones + 1) * n_keys, dtype=dtype)
    if n_zones == 0:
        return out[:0].reshape(0, n_keys)
    flat_where = None if where is None else np.asarray(where, dtype=bool).ravel()

    def _selected(array: np.ndarray | None) -> np.ndarray | None:
        if array is None:
            return None
        flat = np.asarray(array).ravel()
        return flat if flat_where is None else flat[flat_where]

    flat_keys = _selected(keys)
    flat_weights = _selected(weights)
    for rows in zone_rows.rows:
        index = _selected(rows) * n_keys
        if flat_keys is not None:
            index += flat_keys.astype(np.intp, copy=False)
        out += np.bincount(index, weights=flat_weights, minlength=(n_zones + 1) * n_keys).astype(
            dtype, copy=False
        )
    return out.reshape(n_zones + 1, n_keys)[:n_zones]


def summarise_categories(
    categories: np.ndarray,
    zones: np.ndarray | Sequence[np.ndarray],
    *,
    zone_ids: Sequence[int],
    cell_area_km2: float,
) -> pd.DataFrame:
    """Area per land category and zone (county, city or base), additive over tiles.

    Parameters
    ----------
    categories : numpy.ndarray of uint8
        From :func:`land_categories`, cropped to the tile core (no halo).
    zones : numpy.ndarray of int, or Sequence of them
        Zone id per cell (overlapping zonings as several arrays, as in
        :func:`siting.eligibility.summarise_exclusions`).
    zone_ids : Sequence of int
        The zones to report, one row each (also zones without cells here, with 0).
    cell_area_km2 : float
        Area of one cell [km²].

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zone_id``; columns ``area_km2_<category>`` for each of
        :data:`CATEGORY_KEYS` and ``total_km2`` (their sum: the valid area) [km²].
    """
    categories = np.asarray(categories)
    counts = _zonal_counts(
        zones, zone_ids=zone_ids, keys=categories, n_keys=len(CATEGORY_KEYS) + 1, where=categories != 0
    )
    area = counts[:, 1:] * float(cell_area_km2)
    columns = {f"area_km2_{key}": area[:, i] for i, key in enumerate(CATEGORY_KEYS)}
    columns["total_km2"] = area.sum(axis=1)
    return pd.DataFrame(columns, index=pd.Index(np.asarray(zone_ids), name="zone_id"))


def combine_category_summaries(summaries: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Add up per-tile :func:`summarise_categories` tables and add the shares.

    Returns
    -------
    pandas.DataFrame
        One row per ``zone_id`` (sorted), the ``*_km2`` columns summed, plus ``share_<category>``
        (of ``total_km2``; NaN for an empty zone).
    """
    if not summaries:
        raise ValueError("no summaries to combine")
    columns = [c for c in summaries[0].columns if c.endswith("_km2") or c.startswith("area_km2_")]
    combined = pd.concat([s[columns] for s in summaries]).groupby(level="zone_id", sort=True).sum()
    total = combined["total_km2"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        for key in CATEGORY_KEYS:
            combined[f"share_{key}"] = np.where(
                total > 0, combined[f"area_km2_{key}"].to_numpy() / total, np.nan
            )
    return combined
