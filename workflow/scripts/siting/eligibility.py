"""Config-driven exclusion rules evaluated on arrays of the analysis grid.

A rule *selects* cells of one layer (by class codes, a value range, or the presence of a
rasterised vector feature), optionally grows the selection by a buffer, and optionally
inverts it. The result is the set of cells the rule **excludes**. A cell is eligible when it
lies inside the valid area and no rule excludes it. Besides the eligibility mask, every
evaluation records which rules excluded each cell as one bit per rule (``excluded_by``).

Semantics (the contract the config documents for planners)
-----------------------------------------------------------
Selectors, exactly one per rule:

``classes: [c1, c2, ...]``
    ``value`` is one of the codes.
``above: x``
    ``value > x`` (strict: a slope rule ``above: 25`` keeps 25° itself eligible).
``below: x``
    ``value < x`` (strict).
``between: [lo, hi]``
    ``lo <= value <= hi`` (both ends inclusive).
``features: true``
    The layer is a rasterised vector layer; ``value != 0`` means a feature covers the cell.
    Any attribute filter was applied by the rasteriser.

Nodata: a NaN, or a value equal to the layer's ``nodata`` (when given), is **never selected**
by any selector. A plain rule therefore never excludes a cell because its data are missing,
while an inverted (include-only) rule does exclude it: missing data do not prove a cell lies
in the included area. This matches atlite, where the nodata value 255 is not among the codes.

Buffer: a cell lies within ``buffer_m`` of the selection when the Euclidean distance between
its centre and the centre of the nearest selected cell is ``<= buffer_m``
(a disc dilation row by row for buffers up to 32 cells, :func:`scipy.ndimage.distance_transform_edt`
beyond; both exact). Around one selected cell the buffered area is ≈ π ``buffer_m``²,
and ``buffer_m`` below one cell size has no effect.

Invert: the buffer is applied to the selection first, then the rule excludes everything that
is *not* in the buffered selection (include-only). ``{layer: grid_lines, features: true,
buffer_m: 5000, invert: true}`` keeps only land within 5 km of a grid line.

Comparison with atlite
----------------------
atlite's ``ExclusionContainer`` (``atlite/gis.py``, ``shape_availability``) is the reference
for the names ``codes``/``buffer``/``invert``. Our results agree with it except:

- ``add_geometry(buffer=b, invert=...)`` buffers the polygons exactly, then rasterises by cell
  centre and inverts: the same order as here. Because we measure from the centre of a
  selected cell instead of from the polygon edge, our buffer reaches up to half a cell less
  far than atlite's for the same ``b``.
- ``add_raster(codes, buffer=b)`` dilates the mask ``int(b / res) + 1`` times with a 3×3 cross,
  i.e. a diamond (city-block distance) one cell wider than ``b``; our buffer is a Euclidean
  disc of radius ``b``. At the diagonal atlite reaches ``√2`` times less far, along the axes
  up to one cell farther.
- ``add_raster(invert=True, buffer=b)`` inverts *before* dilating, so atlite's buffer there
  shrinks the included area (a setback from its edge). To reproduce that, list the
  complementary classes with ``buffer_m`` and no ``invert``.

Additivity
----------
:func:`summarise_exclusions` returns areas that can be summed over tiles (pass each tile's
core window, without its halo, or halo cells are counted twice);
:func:`combine_exclusion_summaries` does the sum and recomputes the shares.

References
----------
Hofmann, F., Hampp, J., Neumann, F., Brown, T., & Hörsch, J. (2021). atlite: A lightweight
Python package for calculating renewable power potentials and time series. *Journal of Open
Source Software*, 6(62), 3294. https://doi.org/10.21105/joss.03294

Ryberg, D. S., Robinius, M., & Stolten, D. (2018). Evaluating land eligibility constraints of
renewable energy sources in Europe. *Energies*, 11(5), 1246. (GLAES exclusion criteria.)
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd
from scipy import ndimage

from siting.errors import ConfigError

__all__ = [
    "DEFAULT_IGNORED_KEYS",
    "MAX_RULES",
    "SELECTOR_KEYS",
    "ExclusionRule",
    "apply_rules",
    "combine_exclusion_summaries",
    "decode_excluded_by",
    "first_rule_index",
    "halo_cells",
    "max_buffer_m",
    "rule_mask",
    "summarise_exclusions",
]

#: At most this many rules per evaluation: one bit each in the uint32 ``excluded_by`` raster.
MAX_RULES = 32

#: The config keys that select cells; a rule has exactly one of them.
SELECTOR_KEYS = ("classes", "above", "below", "between", "features")

_RULE_KEYS = frozenset({"name", "layer", "buffer_m", "invert", *SELECTOR_KEYS})

#: Keys that :meth:`ExclusionRule.from_config` accepts and ignores by default: the free-text
#: ``description`` of the config schema (where the rule comes from, for the report).
DEFAULT_IGNORED_KEYS = frozenset({"description"})


def _is_number(value: Any) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class ExclusionRule:
    """One exclusion rule: which cells of one layer it selects, buffer, invert.

    Parameters
    ----------
    name : str
        Unique name of the rule; names the bit in ``excluded_by`` and the table columns.
    layer : str
        Name of the prepared layer (a key of the ``layers`` mapping of :func:`apply_rules`).
    classes : tuple of int, optional
        Selector: cells whose value is one of these codes.
    above : float, optional
        Selector: cells with ``value > above`` [layer units].
    below : float, optional
        Selector: cells with ``value < below`` [layer units].
    between : tuple of (float, float), optional
        Selector: cells with ``lo <= value <= hi`` [layer units].
    features : bool, optional
        Selector: ``True`` for a rasterised vector layer, cells with ``value != 0``.
    buffer_m : float, optional
        Grow the selection to all cells whose centre is within this distance [m] of a
        selected cell's centre. Default 0 (no buffer).
    invert : bool, optional
        Include-only: exclude every cell *outside* the (buffered) selection. Default False.

    Raises
    ------
    ConfigError
        If not exactly one selector is given or a value is out of bounds.

    See Also
    --------
    ExclusionRule.from_config : build a rule from its config mapping, with type checks.
    """

    name: str
    layer: str
    classes: tuple[int, ...] | None = None
    above: float | None = None
    below: float | None = None
    between: tuple[float, float] | None = None
    features: bool = False
    buffer_m: float = 0.0
    invert: bool = False

    def __post_init__(self) -> None:
        label = f"exclusion rule {self.name!r}"
        # Accept lists from direct construction; store tuples so the rule stays hashable.
        if self.classes is not None and not isinstance(self.classes, tuple):
            object.__setattr__(self, "classes", tuple(self.classes))
        if self.between is not None and not isinstance(self.between, tuple):
            object.__setattr__(self, "between", tuple(self.between))
        if not isinstance(self.name, str) or not self.name.strip():
            raise ConfigError(
                f"exclusion rule for layer {self.layer!r}: 'name' must be a "
                "non-empty string; give every rule a unique name"
            )
        if not isinstance(self.layer, str) or not self.layer.strip():
            raise ConfigError(f"{label}: 'layer' must be the non-empty name of a prepared layer")
        given = [key for key in SELECTOR_KEYS if self._selector_given(key)]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ConfigError(
                f"{label}: give exactly one selector of {', '.join(SELECTOR_KEYS)} (found: {found})"
            )
        if self.classes is not None and len(self.classes) == 0:
            raise ConfigError(f"{label}: 'classes' is empty; list at least one class code")
        if self.between is not None:
            if len(self.between) != 2 or not all(_is_number(v) for v in self.between):
                raise ConfigError(f"{label}: 'between' must be two numbers [low, high]")
            if self.between[0] > self.between[1]:
                raise ConfigError(
                    f"{label}: 'between' is [{self.between[0]}, {self.between[1]}]; "
                    "the low bound must come first and not exceed the high bound"
                )
        if not _is_number(self.buffer_m) or self.buffer_m < 0:
            raise ConfigError(f"{label}: 'buffer_m' must be a number of metres >= 0, got {self.buffer_m!r}")
        if not isinstance(self.invert, bool):
            raise ConfigError(f"{label}: 'invert' must be true or false, got {self.invert!r}")

    def _selector_given(self, key: str) -> bool:
        value = getattr(self, key)
        return value is True if key == "features" else value is not None

    @property
    def selector(self) -> str:
        """Name of the selector this rule uses, one of :data:`SELECTOR_KEYS`."""
        return next(key for key in SELECTOR_KEYS if self._selector_given(key))

    @classmethod
    def from_config(
        cls,
        config: Mapping[str, Any],
        *,
        ignore_keys: Collection[str] = DEFAULT_IGNORED_KEYS,
    ) -> ExclusionRule:
        """Build a rule from its config mapping, checking keys and types.

        Parameters
        ----------
        config : Mapping
            One entry of an exclusion list, e.g.
            ``{"name": "steep", "layer": "slope_deg", "above": 25}``.
        ignore_keys : Collection of str, optional
            Keys that are allowed and ignored here because other stages consume them (by
            default :data:`DEFAULT_IGNORED_KEYS`). Any other unknown key is an error, so that
            a misspelt key (``buffer`` for ``buffer_m``) does not pass silently.

        Returns
        -------
        ExclusionRule

        Raises
        ------
        ConfigError
            Naming the rule and the key, if a key is missing, unknown, of the wrong type,
            out of bounds, or if not exactly one selector is given.
        """
        if not isinstance(config, Mapping):
            raise ConfigError(
                f"an exclusion rule must be a mapping with 'name', 'layer' and one selector, got {config!r}"
            )
        name = config.get("name")
        label = (
            f"exclusion rule {name!r}"
            if isinstance(name, str) and name
            else f"exclusion rule {dict(config)!r}"
        )
        for key in ("name", "layer"):
            if key not in config:
                raise ConfigError(f"{label}: missing key {key!r}")
            if not isinstance(config[key], str) or not config[key].strip():
                raise ConfigError(f"{label}: {key!r} must be a non-empty string")
        unknown = set(config) - _RULE_KEYS - set(ignore_keys)
        if unknown:
            raise ConfigError(
                f"{label}: unknown key(s) {', '.join(sorted(map(str, unknown)))}; "
                f"allowed are {', '.join(sorted(_RULE_KEYS))}"
            )
        given = [key for key in SELECTOR_KEYS if key in config and config[key] is not None]
        if len(given) != 1:
            found = ", ".join(given) if given else "none"
            raise ConfigError(
                f"{label}: give exactly one selector of {', '.join(SELECTOR_KEYS)} (found: {found})"
            )
        selector = given[0]
        value = config[selector]
        kwargs: dict[str, Any] = {}
        if selector == "classes":
            codes = [value] if isinstance(value, int) and not isinstance(value, bool) else value
            if (
                isinstance(codes, str | bytes | Mapping)
                or not isinstance(codes, Sequence)
                or not codes
                or not all(isinstance(c, int) and not isinstance(c, bool) for c in codes)
            ):
                raise ConfigError(
                    f"{label}: 'classes' must be a non-empty list of integer class codes, got {value!r}"
                )
            kwargs["classes"] = tuple(int(c) for c in codes)
        elif selector in ("above", "below"):
            if not _is_number(value):
                raise ConfigError(f"{label}: {selector!r} must be a finite number, got {value!r}")
            kwargs[selector] = float(value)
        elif selector == "between":
            if (
                isinstance(value, str | bytes | Mapping)
                or not isinstance(value, Sequence)
                or len(value) != 2
                or not all(_is_number(v) for v in value)
            ):
                raise ConfigError(f"{label}: 'between' must be two finite numbers [low, high], got {value!r}")
            kwargs["between"] = (float(value[0]), float(value[1]))
        else:  # features
            if value is not True:
                raise ConfigError(
                    f"{label}: 'features' must be true (the layer is a rasterised vector "
                    f"layer); got {value!r}. Remove the key to use another selector"
                )
            kwargs["features"] = True
        buffer_m = config.get("buffer_m", 0.0)
        if buffer_m is None:
            buffer_m = 0.0
        if not _is_number(buffer_m) or buffer_m < 0:
            raise ConfigError(f"{label}: 'buffer_m' must be a number of metres >= 0, got {buffer_m!r}")
        invert = config.get("invert", False)
        if not isinstance(invert, bool):
            raise ConfigError(f"{label}: 'invert' must be true or false, got {invert!r}")
        return cls(
            name=config["name"],
            layer=config["layer"],
            buffer_m=float(buffer_m),
            invert=invert,
            **kwargs,
        )


def max_buffer_m(rules: Sequence[ExclusionRule]) -> float:
    """Largest buffer of any rule [m]; 0 when there are no rules or no buffers.

    The tile halo must be at least this wide (see :func:`halo_cells`) so that a feature just
    outside a tile still buffers into it.
    """
    return max((float(rule.buffer_m) for rule in rules), default=0.0)


def halo_cells(rules: Sequence[ExclusionRule], *, resolution_m: float) -> int:
    """Smallest tile halo [cells] for which every buffer is independent of tile edges.

    A selected cell can exclude a core cell up to ``floor(max_buffer_m / resolution_m)``
    cells away (centre to centre); the halo must contain all such cells.

    Parameters
    ----------
    rules : Sequence of ExclusionRule
    resolution_m : float
        Cell size [m].

    Returns
    -------
    int
        Halo width [cells]; 0 without buffers. Terrain derivatives need one more cell of DEM.
    """
    if resolution_m <= 0:
        raise ValueError(f"resolution_m must be positive, got {resolution_m}")
    return math.floor(max_buffer_m(rules) / resolution_m + 1e-9)


def _nodata_mask(layer: np.ndarray, nodata: float | None) -> np.ndarray | None:
    """Cells of ``layer`` that hold no data (NaN or ``nodata``); None when there are none."""
    missing = None
    if layer.dtype.kind == "f":
        missing = np.isnan(layer)
    if nodata is not None and not (isinstance(nodata, float) and math.isnan(nodata)):
        is_nodata = layer == nodata
        missing = is_nodata if missing is None else np.logical_or(missing, is_nodata, out=missing)
    return missing


def _select_classes(layer: np.ndarray, classes: tuple[int, ...]) -> np.ndarray:
    if layer.dtype.kind in "ui" and layer.dtype.itemsize <= 2:
        # Lookup table over the whole value range of 8/16-bit layers: one gather per cell.
        info = np.iinfo(layer.dtype)
        lut = np.zeros(int(info.max) - int(info.min) + 1, dtype=bool)
        codes = [c for c in classes if info.min <= c <= info.max]
        lut[np.asarray(codes, dtype=np.int64) - int(info.min)] = True
        index = layer if info.min == 0 else layer.astype(np.int32) - int(info.min)
        return lut[index]
    return np.isin(layer, np.asarray(classes))


def _select(layer: np.ndarray, rule: ExclusionRule, nodata: float | None) -> np.ndarray:
    """Cells selected by the rule's selector, before buffer and invert (nodata never)."""
    selector = rule.selector
    if selector == "classes":
        selected = _select_classes(layer, rule.classes)  # type: ignore[arg-type]
    elif selector == "above":
        selected = layer > rule.above
    elif selector == "below":
        selected = layer < rule.below
    elif selector == "between":
        low, high = rule.between  # type: ignore[misc]
        selected = layer >= low
        selected &= layer <= high
    else:  # features
        selected = layer != 0
    # NaN compares False in every range selector, but NaN != 0 and NaN may be a listed code.
    if selector in ("classes", "features") or nodata is not None:
        missing = _nodata_mask(layer, nodata)
        if missing is not None:
            selected &= ~missing
    return selected


DISC_MAX_REACH = 32  # cells; wider buffers use the distance transform, whose cost does not grow with r


def _buffer(selected: np.ndarray, buffer_m: float, resolution_m: float) -> np.ndarray:
    """Cells whose centre is within ``buffer_m`` of the centre of a selected cell."""
    reach = math.floor(buffer_m / resolution_m + 1e-9)
    if reach < 1:
        return selected
    rows = np.flatnonzero(selected.any(axis=1))
    if rows.size == 0 or (rows.size == selected.shape[0] and selected.all()):
        return selected
    cols = np.flatnonzero(selected.any(axis=0))
    # Only the bounding box of the selection grown by the reach can change.
    r0, r1 = max(rows[0] - reach, 0), min(rows[-1] + reach + 1, selected.shape[0])
    c0, c1 = max(cols[0] - reach, 0), min(cols[-1] + reach + 1, selected.shape[1])
    window = selected[r0:r1, c0:c1]
    buffered = np.zeros_like(selected)
    if reach <= DISC_MAX_REACH:
        buffered[r0:r1, c0:c1] = _dilate_disc(window, buffer_m / resolution_m)
    else:
        distance_m = ndimage.distance_transform_edt(~window, sampling=resolution_m)
        buffered[r0:r1, c0:c1] = distance_m <= buffer_m * (1.0 + 1e-9)
    return buffered


def _dilate_disc(selected: np.ndarray, radius_cells: float) -> np.ndarray:
    """Cells whose centre lies within ``radius_cells`` of a selected cell's centre (a disc dilation).

    The disc is cut into rows: for a row offset ``dy`` it reaches ``floor(sqrt(r² − dy²))`` cells
    sideways, so the dilation is the union over ``dy`` of the selection dilated along the rows by
    that half-width (:func:`scipy.ndimage.maximum_filter1d`, O(cells) each) and shifted by ``dy``.
    The same cells as ``distance_transform_edt(~selected) <= r``, several times faster for small ``r``.
    """
    height = selected.shape[0]
    reach = math.floor(radius_cells + 1e-9)
    as_bytes = selected.view(np.uint8)
    out = np.zeros_like(selected)
    by_half: dict[int, np.ndarray] = {}
    for dy in range(-reach, reach + 1):
        half = math.floor(math.sqrt(max(radius_cells**2 - dy * dy, 0.0)) * (1.0 + 1e-9) + 1e-9)
        if half not in by_half:
            by_half[half] = (
                ndimage.maximum_filter1d(as_bytes, 2 * half + 1, axis=1, mode="constant").view(bool)
                if half
                else selected
            )
        rows = by_half[half]
        if dy >= 0:
            out[dy:] |= rows[: height - dy]
        else:
            out[:dy] |= rows[-dy:]
    return out


def rule_mask(
    layer: np.ndarray,
    rule: ExclusionRule,
    *,
    resolution_m: float,
    nodata: float | None = None,
) -> np.ndarray:
    """Cells excluded by one rule.

    Parameters
    ----------
    layer : numpy.ndarray
        2-D layer on the analysis grid (class codes, continuous values with NaN as nodata,
        or a rasterised vector layer with 0 = no feature).
    rule : ExclusionRule
    resolution_m : float
        Cell size of the grid [m], used for the buffer.
    nodata : float, optional
        The layer's nodata value; such cells (and NaN cells) are never selected.

    Returns
    -------
    numpy.ndarray
        bool, same shape as ``layer``: True where the rule excludes the cell.

    Notes
    -----
    Selection → buffer → invert, as described in the module docstring. The array should
    include the tile halo (at least :func:`halo_cells` wide) so that buffers of features
    outside the tile core are seen.

    References
    ----------
    atlite ``atlite.gis.shape_availability`` and ``ExclusionContainer`` (Hofmann et al. 2021).
    """
    if resolution_m <= 0:
        raise ValueError(f"resolution_m must be positive, got {resolution_m}")
    layer = np.asarray(layer)
    if layer.ndim != 2:
        raise ValueError(f"layer {rule.layer!r} must be 2-D, got shape {layer.shape}")
    selected = _select(layer, rule, nodata)
    if rule.buffer_m > 0:
        selected = _buffer(selected, rule.buffer_m, resolution_m)
    if rule.invert:
        np.logical_not(selected, out=selected)
    return selected


def _check_rules(rules: Sequence[ExclusionRule]) -> None:
    if len(rules) > MAX_RULES:
        raise ConfigError(
            f"{len(rules)} exclusion rules apply here, at most {MAX_RULES} are supported (one "
            "bit each in the excluded_by raster); merge rules on the same layer, e.g. list "
            "several classes in one rule"
        )
    names = [rule.name for rule in rules]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ConfigError(
            f"exclusion rule names must be unique, {', '.join(map(repr, duplicates))} "
            "occur more than once; rename them (common rules are combined with each "
            "technology's rules)"
        )


def apply_rules(
    layers: Mapping[str, np.ndarray],
    rules: Sequence[ExclusionRule],
    *,
    resolution_m: float,
    valid: np.ndarray | None = None,
    nodata: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Evaluate all rules: the eligibility mask and which rules excluded each cell.

    Parameters
    ----------
    layers : Mapping of str to numpy.ndarray
        The prepared layers by name, all 2-D with the same shape (tile including halo).
    rules : Sequence of ExclusionRule
        In order; bit ``i`` of ``excluded_by`` belongs to ``rules[i]``. At most
        :data:`MAX_RULES`, names unique.
    resolution_m : float
        Cell size [m].
    valid : numpy.ndarray of bool, optional
        Cells that can be eligible at all (inside the region, with data). Default: all.
    nodata : Mapping of str to float, optional
        Nodata value per layer name (NaN is always nodata in float layers).

    Returns
    -------
    eligible : numpy.ndarray of bool
        True where the cell is ``valid`` and no rule excludes it.
    excluded_by : numpy.ndarray of uint32
        Bit ``i`` set where ``rules[i]`` excludes the cell. 0 where no rule excludes it **and
        everywhere outside** ``valid`` (so ``eligible == False`` with ``excluded_by == 0``
        means "not valid"). Rules are evaluated on all cells, so buffers reach from outside
        the valid area into it.

    Raises
    ------
    ConfigError
        With more than :data:`MAX_RULES` rules, duplicate names, or a rule naming a layer
        that is not in ``layers``.
    """
    _check_rules(rules)
    nodata = nodata or {}
    shape = None
    for rule in rules:
        if rule.layer not in layers:
            raise ConfigError(
                f"exclusion rule {rule.name!r} uses layer {rule.layer!r}, which is not among "
                f"the prepared layers ({', '.join(sorted(layers))}); check the rule's 'layer' "
                "key against the layers configured for the grid"
            )
        layer_shape = np.shape(layers[rule.layer])
        if shape is None:
            shape = layer_shape
        elif layer_shape != shape:
            raise ValueError(
                f"layer {rule.layer!r} has shape {layer_shape}, expected {shape} like the others"
            )
    if valid is not None:
        valid = np.asarray(valid, dtype=bool)
        if shape is not None and valid.shape != shape:
            raise ValueError(f"valid has shape {valid.shape}, the layers {shape}")
        shape = valid.shape
    if shape is None:
        if not layers:
            raise ValueError("apply_rules needs at least one layer or a valid mask for the shape")
        shape = np.shape(next(iter(layers.values())))

    excluded_by = np.zeros(shape, dtype=np.uint32)
    for bit, rule in enumerate(rules):
        mask = rule_mask(
            layers[rule.layer],
            rule,
            resolution_m=resolution_m,
            nodata=nodata.get(rule.layer),
        )
        np.bitwise_or(excluded_by, np.uint32(1 << bit), out=excluded_by, where=mask)
    eligible = excluded_by == 0
    if valid is not None:
        eligible &= valid
        excluded_by[~valid] = 0
    return eligible, excluded_by


def excluded_by_dtype(n_rules: int) -> str:
    """The smallest unsigned integer type with a bit for each of ``n_rules`` rules."""
    if not 0 <= n_rules <= MAX_RULES:
        raise ValueError(f"{n_rules} rules: between 0 and {MAX_RULES} supported")
    return "uint8" if n_rules <= 8 else "uint16" if n_rules <= 16 else "uint32"


def decode_excluded_by(value: int, rule_names: Sequence[str]) -> list[str]:
    """Names of the rules whose bits are set in one ``excluded_by`` value, in rule order.

    Parameters
    ----------
    value : int
        One cell's ``excluded_by`` value.
    rule_names : Sequence of str
        The rule names in the order they were applied.

    Returns
    -------
    list of str
        Empty when no rule excluded the cell.

    Raises
    ------
    ValueError
        If ``value`` has bits beyond ``len(rule_names)`` (the names do not match the raster).
    """
    value = int(value)
    if value < 0 or value >> len(rule_names):
        raise ValueError(
            f"excluded_by value {value} has bits beyond the {len(rule_names)} rule names "
            "given; pass the rule names of the run that wrote the raster"
        )
    return [name for bit, name in enumerate(rule_names) if value >> bit & 1]


def first_rule_index(excluded_by: np.ndarray) -> np.ndarray:
    """Index of the first rule (in rule order) that excluded each cell.

    Parameters
    ----------
    excluded_by : numpy.ndarray of uint32

    Returns
    -------
    numpy.ndarray of int8
        Index of the lowest set bit, −1 where no rule excluded the cell.
    """
    bits = np.asarray(excluded_by, dtype=np.uint32)
    lowest = bits & (~bits + np.uint32(1))  # isolate the lowest set bit (two's complement)
    lowest -= np.uint32(1)  # ones below that bit; 0 - 1 wraps to all 32 ones
    index = np.bitwise_count(lowest).astype(np.int8)
    index[index == 32] = -1
    return index


def _zone_row_index(zones: np.ndarray, zone_ids: np.ndarray, order: np.ndarray) -> np.ndarray:
    """Row of each cell's zone in ``zone_ids``; ``len(zone_ids)`` for cells in no listed zone."""
    flat = zones.ravel()
    if flat.dtype.kind == "u" and flat.dtype.itemsize <= 2 and (zone_ids >= 0).all():
        # Small unsigned ids (county zones are uint16): a lookup table is ~10x faster than a search.
        table = np.full(max(int(zone_ids.max()), int(flat.max(initial=0))) + 1, len(zone_ids), np.intp)
        table[zone_ids] = np.arange(len(zone_ids))
        return table[flat]
    sorted_ids = zone_ids[order]
    pos = np.searchsorted(sorted_ids, flat)
    np.minimum(pos, len(sorted_ids) - 1, out=pos)
    hit = sorted_ids[pos] == flat
    rows = order[pos]
    rows[~hit] = len(zone_ids)
    return rows


def summarise_exclusions(
    excluded_by: np.ndarray,
    eligible: np.ndarray,
    zones: np.ndarray | Sequence[np.ndarray],
    *,
    zone_ids: Sequence[int],
    rule_names: Sequence[str],
    cell_area_km2: float,
) -> pd.DataFrame:
    """Excluded and eligible area per rule and per zone (e.g. county, city or base).

    Parameters
    ----------
    excluded_by : numpy.ndarray of uint32
        From :func:`apply_rules`, cropped to the tile core (no halo).
    eligible : numpy.ndarray of bool
        From :func:`apply_rules`, same window.
    zones : numpy.ndarray of int, or Sequence of them
        Zone id per cell (0 or any id not in ``zone_ids`` = no zone). Several arrays express
        overlapping zonings (a county that belongs to two bases): a cell counts once for each
        distinct id it has in any of the arrays.
    zone_ids : Sequence of int
        The zones to report, one row each (also zones without cells in this window, with 0).
    rule_names : Sequence of str
        Names of the rules, in the order of their bits.
    cell_area_km2 : float
        Area of one cell [km²] (from the equal-area grid).

    Returns
    -------
    pandas.DataFrame
        Indexed by ``zone_id``, columns [km²]: ``total_km2``; per rule ``excluded_km2_<rule>``
        (all cells the rule excludes, alone; these overlap), then per rule
        ``excluded_first_km2_<rule>`` (cells whose first exclusion in rule order is this
        rule; these partition the excluded area); ``invalid_km2`` (cells outside the valid
        mask: nodata); ``eligible_km2``; and ``eligible_share`` (eligible / total, NaN for an
        empty zone). Per zone, ``total = Σ excluded_first + invalid + eligible``.

    Notes
    -----
    All ``*_km2`` columns are sums over cells, so summaries of disjoint windows (tile cores)
    add up: see :func:`combine_exclusion_summaries`, which also recomputes the share.
    """
    excluded_by = np.asarray(excluded_by, dtype=np.uint32)
    eligible = np.asarray(eligible, dtype=bool)
    if eligible.shape != excluded_by.shape:
        raise ValueError(f"eligible {eligible.shape} and excluded_by {excluded_by.shape} differ")
    if len(rule_names) > MAX_RULES:
        raise ConfigError(f"{len(rule_names)} rule names given, at most {MAX_RULES} supported")
    zone_arrays = [np.asarray(zones)] if isinstance(zones, np.ndarray) else list(map(np.asarray, zones))
    for array in zone_arrays:
        if array.shape != excluded_by.shape:
            raise ValueError(f"zones {array.shape} and excluded_by {excluded_by.shape} differ")
    ids = np.asarray(zone_ids)
    if len(np.unique(ids)) != len(ids):
        raise ValueError("zone_ids must be unique")
    n_zones, n_rules = len(ids), len(rule_names)
    if n_zones == 0:
        return _empty_summary(rule_names)

    order = np.argsort(ids, kind="stable")
    flat_bits = excluded_by.ravel()
    flat_eligible = eligible.ravel()
    first = first_rule_index(flat_bits).astype(np.intp) + 1  # 0 = no rule
    # Counts per (zone row, first rule + 1); the extra zone row collects cells in no zone.
    first_counts = np.zeros((n_zones + 1, n_rules + 1), dtype=np.int64)
    alone_counts = np.zeros((n_zones + 1, n_rules), dtype=np.int64)
    eligible_counts = np.zeros(n_zones + 1, dtype=np.int64)
    excluded = flat_bits != 0
    bits_excluded = flat_bits[excluded]
    previous_rows: list[np.ndarray] = []
    for array in zone_arrays:
        rows = _zone_row_index(array, ids, order)
        for earlier in previous_rows:  # a cell counts once per distinct zone id
            rows[earlier == rows] = n_zones
        previous_rows.append(rows)
        first_counts += np.bincount(
            rows * (n_rules + 1) + first, minlength=(n_zones + 1) * (n_rules + 1)
        ).reshape(n_zones + 1, n_rules + 1)
        eligible_counts += np.bincount(rows[flat_eligible], minlength=n_zones + 1)
        rows_excluded = rows[excluded]
        for bit in range(n_rules):
            has_bit = (bits_excluded >> np.uint32(bit) & np.uint32(1)).astype(bool)
            alone_counts[:, bit] += np.bincount(rows_excluded[has_bit], minlength=n_zones + 1)

    first_counts, alone_counts = first_counts[:n_zones], alone_counts[:n_zones]
    eligible_counts = eligible_counts[:n_zones]
    area = float(cell_area_km2)
    columns: dict[str, np.ndarray] = {"total_km2": first_counts.sum(axis=1) * area}
    for bit, name in enumerate(rule_names):
        columns[f"excluded_km2_{name}"] = alone_counts[:, bit] * area
    for bit, name in enumerate(rule_names):
        columns[f"excluded_first_km2_{name}"] = first_counts[:, bit + 1] * area
    columns["invalid_km2"] = (first_counts[:, 0] - eligible_counts) * area
    columns["eligible_km2"] = eligible_counts * area
    summary = pd.DataFrame(columns, index=pd.Index(ids, name="zone_id"))
    return _with_share(summary)


def _with_share(summary: pd.DataFrame) -> pd.DataFrame:
    total = summary["total_km2"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(total > 0, summary["eligible_km2"].to_numpy() / total, np.nan)
    return summary.assign(eligible_share=share)


def _empty_summary(rule_names: Sequence[str]) -> pd.DataFrame:
    names = (
        ["total_km2"]
        + [f"excluded_km2_{n}" for n in rule_names]
        + [f"excluded_first_km2_{n}" for n in rule_names]
        + ["invalid_km2", "eligible_km2", "eligible_share"]
    )
    return pd.DataFrame(
        {n: pd.Series(dtype=float) for n in names},
        index=pd.Index([], dtype=np.int64, name="zone_id"),
    )


def combine_exclusion_summaries(summaries: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Add up per-tile summaries of :func:`summarise_exclusions` and recompute the shares.

    Parameters
    ----------
    summaries : Sequence of pandas.DataFrame
        Summaries of disjoint windows (tile cores) with the same rule names.

    Returns
    -------
    pandas.DataFrame
        One row per ``zone_id`` (sorted), the ``*_km2`` columns summed, ``eligible_share``
        recomputed from the sums.
    """
    if not summaries:
        raise ValueError("no summaries to combine")
    columns = [c for c in summaries[0].columns if c != "eligible_share"]
    for summary in summaries[1:]:
        if [c for c in summary.columns if c != "eligible_share"] != columns:
            raise ValueError("the summaries have different columns (different rule lists?)")
    stacked = pd.concat([summary[columns] for summary in summaries])
    combined = stacked.groupby(level="zone_id", sort=True).sum()
    return _with_share(combined)


def evaluate_tile(
    layers: Mapping[str, np.ndarray],
    rules: Sequence[ExclusionRule],
    *,
    zones: np.ndarray,
    zone_ids: Sequence[int],
    resolution_m: float,
    core: tuple[slice, slice],
    nodata: Mapping[str, float] | None = None,
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Rules on a haloed tile, cropped to its core, with the per-zone summary of the core.

    Parameters
    ----------
    layers : Mapping of str to numpy.ndarray
        Tile layers *with* halo, so buffers see features beyond the tile edge.
    rules : Sequence of ExclusionRule
        Common rules first, then the technology's.
    zones : numpy.ndarray of int
        Zone id per cell (with halo; 0 = outside the region). Cells outside every zone are invalid.
    zone_ids : Sequence of int
        Zones to report.
    resolution_m : float
        Cell size [m].
    core : tuple of slice
        Row and column slices of the core within the haloed arrays.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray, pandas.DataFrame)
        ``eligible`` as uint8 (1 eligible, 0 excluded, 255 outside the region), ``excluded_by``
        (uint32), both of the core's shape, and :func:`summarise_exclusions` of the core.
    """
    valid = zones > 0
    eligible, excluded_by = apply_rules(layers, rules, resolution_m=resolution_m, valid=valid, nodata=nodata)
    eligible, excluded_by, zones_core = eligible[core], excluded_by[core], zones[core]
    summary = summarise_exclusions(
        excluded_by,
        eligible,
        zones_core,
        zone_ids=zone_ids,
        rule_names=[r.name for r in rules],
        cell_area_km2=resolution_m**2 / 1e6,
    )
    out = np.where(zones_core > 0, eligible.astype("uint8"), np.uint8(255))
    return out, excluded_by, summary
