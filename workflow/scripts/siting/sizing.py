"""Sizing and ranking of candidate sites: capacity, energy, site attributes, ranks.

Capacity
    ``capacity_mw = Σ_c area_km2_c · density_c`` over the land categories ``c`` of the site's
    cells (:data:`siting.categories.CATEGORY_KEYS`), with ``density_c`` [MW/km²] from
    ``density_mw_per_km2``: one number for all land, or a mapping of category key → density
    with an optional ``default`` for the categories not named (e.g. a lower PV density on
    ``barren_hills``, where slopes need wider row spacing). For PV the capacity is DC [MWp].
    Shanxi plausibility (shared/domain/shanxi.md): PV 30–38 MW/km² (default 35), wind
    3–5 MW/km² of total footprint (national average ≈ 3.4).
Energy
    From the Yield stage, per site: ``specific_yield_kwh_kwp`` [kWh/kWp/yr] (PV, from
    :mod:`siting.solar`) or ``capacity_factor`` [-] (wind, from :mod:`siting.wind`), run at
    the site's representative point (:func:`siting.sites.site_locations`). Then
    ``capacity_factor = specific_yield / 8760 h``, ``full_load_hours = capacity_factor · 8760 h``,
    ``annual_energy_gwh = capacity_mw · capacity_factor · 8.76`` (= ``capacity_mw ·
    specific_yield / 1000``).
Ranks
    ``rank`` over the province and ``rank_in_base`` within the site's (first) base, by ``score``
    (the area-weighted mean score) from high to low, ties broken by ``site_id``.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from siting.categories import CATEGORY_KEYS
from siting.errors import ConfigError, InputError
from siting.sites import site_locations

__all__ = [
    "DEFAULT_DENSITY_MW_PER_KM2",
    "HOURS_PER_YEAR",
    "SITE_COLUMNS",
    "assumptions_frame",
    "category_densities",
    "contract_columns",
    "rank_sites",
    "size_sites",
]

#: Hours of a (non-leap) year [h]; yields are per 8,760-h year (:mod:`siting.solar`).
HOURS_PER_YEAR = 8760.0

#: Default capacity densities [MW/km²] (shared/domain/shanxi.md).
DEFAULT_DENSITY_MW_PER_KM2: dict[str, float] = {"pv": 35.0, "wind": 3.4}

#: The contract columns of a site table (DESIGN.md "Sites"), in order; ``{yield}`` is
#: ``specific_yield_kwh_kwp`` for PV and ``full_load_hours`` for wind.
SITE_COLUMNS = (
    "site_id",
    "technology",
    "base",
    "city",
    "county",
    "land_category",
    "area_km2",
    "capacity_mw",
    "annual_energy_gwh",
    "capacity_factor",
    "{yield}",
    "mean_slope_deg",
    "score",
    "rank",
    "lon",
    "lat",
    "data_basis",
)

_YIELD_COLUMN = {"pv": "specific_yield_kwh_kwp", "wind": "full_load_hours"}


def category_densities(density_mw_per_km2: float | Mapping[str, float]) -> dict[str, float]:
    """Capacity density [MW/km²] per land category from a number or a mapping.

    Parameters
    ----------
    density_mw_per_km2 : float or Mapping of str to float
        One density for all land, or category key → density plus an optional ``default``.

    Returns
    -------
    dict of str to float
        One density per key of :data:`siting.categories.CATEGORY_KEYS`.

    Raises
    ------
    ConfigError
        Unknown keys, a category without a density and no ``default``, or a density < 0.
    """
    if isinstance(density_mw_per_km2, Real):
        values = dict.fromkeys(CATEGORY_KEYS, float(density_mw_per_km2))
    else:
        spec = dict(density_mw_per_km2)
        unknown = sorted(set(spec) - {*CATEGORY_KEYS, "default"})
        if unknown:
            raise ConfigError(
                f"capacity density: unknown key(s) {unknown}; use {[*CATEGORY_KEYS, 'default']}"
            )
        missing = [k for k in CATEGORY_KEYS if k not in spec and "default" not in spec]
        if missing:
            raise ConfigError(f"capacity density: no value for {missing}; add them or a 'default'")
        values = {k: float(spec.get(k, spec.get("default"))) for k in CATEGORY_KEYS}
    bad = {k: v for k, v in values.items() if not np.isfinite(v) or v < 0}
    if bad:
        raise ConfigError(f"capacity density must be a finite number >= 0 MW/km², got {bad}")
    return values


def rank_sites(sites: pd.DataFrame) -> pd.DataFrame:
    """Add ``rank`` (province) and ``rank_in_base`` (within ``base``): 1 = best score, ties by id."""
    out = sites.copy()
    order = out.sort_values(["score", "site_id"], ascending=[False, True], kind="mergesort").index
    out["rank"] = 0
    out.loc[order, "rank"] = np.arange(1, len(order) + 1)
    ordered = out.loc[order]
    out["rank_in_base"] = 0
    out.loc[order, "rank_in_base"] = ordered.groupby("base", sort=False).cumcount().to_numpy() + 1
    return out


def _mean(sites: pd.DataFrame, name: str) -> np.ndarray:
    if f"count_{name}" not in sites:
        return np.full(len(sites), np.nan)
    count = sites[f"count_{name}"].to_numpy(dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, sites[f"sum_{name}"].to_numpy(dtype=np.float64) / count, np.nan)


def size_sites(
    sites: gpd.GeoDataFrame,
    *,
    technology: str,
    density_mw_per_km2: float | Mapping[str, float],
    yields: pd.DataFrame,
    data_basis: str,
    yield_model: str | None = None,
    distance_layer: str = "distance_grid_m",
    slope_layer: str = "slope_deg",
) -> gpd.GeoDataFrame:
    """The site table of one technology: capacity, energy, attributes, ranks.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        From :func:`siting.sites.assign_site_ids` (equal-area CRS, mergeable statistics).
    technology : {"pv", "wind"}
        Decides the yield column (``specific_yield_kwh_kwp`` or ``full_load_hours``).
    density_mw_per_km2 : float or Mapping of str to float
        Capacity density [MW/km²] (see :func:`category_densities`).
    yields : pandas.DataFrame
        Indexed by ``site_id``, every site present, with ``specific_yield_kwh_kwp``
        [kWh/kWp/yr] or ``capacity_factor`` [-] (e.g. ``PVResult.to_frame()`` or
        ``WindResult.to_frame()``); ``specific_yield_kwh_kwp`` wins when both are given.
    data_basis : str
        ``demo-synthetic`` or the source versions string of the real run.
    yield_model : str, optional
        One-line description of the yield assumptions, stored in the column ``yield_model``.
    distance_layer, slope_layer : str
        Statistics layers for ``distance_grid_km`` (minimum over the site) and ``mean_slope_deg``.

    Returns
    -------
    geopandas.GeoDataFrame
        The columns of :data:`SITE_COLUMNS`, then ``rank_in_base, bases, county_adcode,
        city_adcode, distance_grid_km, capacity_density_mw_per_km2``, ``share_<category>``
        (area share [-]), ``capacity_mw_<category>`` [MW], ``mean_<layer>`` for every
        statistics layer, ``yield_model`` (when given) and the geometry (equal-area CRS),
        sorted by ``site_id``.

    Raises
    ------
    InputError
        When ``yields`` lacks sites or a yield column, or holds non-finite values.
    """
    if technology not in _YIELD_COLUMN:
        raise ConfigError(f"technology must be one of {sorted(_YIELD_COLUMN)}, got {technology!r}")
    densities = category_densities(density_mw_per_km2)
    ids = pd.Index(sites["site_id"])
    if not ids.is_unique:
        raise ValueError("site_id must be unique")
    missing = ids.difference(yields.index)
    if len(missing):
        raise InputError(
            f"no yield for {len(missing)} {technology} site(s), e.g. {list(missing[:3])}: "
            "run the yield model for every site of the sites table"
        )
    y = yields.reindex(ids)
    if "specific_yield_kwh_kwp" in y:
        capacity_factor = y["specific_yield_kwh_kwp"].to_numpy(dtype=np.float64) / HOURS_PER_YEAR
    elif "capacity_factor" in y:
        capacity_factor = y["capacity_factor"].to_numpy(dtype=np.float64)
    else:
        raise InputError("yields need a column 'specific_yield_kwh_kwp' or 'capacity_factor'")
    if not np.isfinite(capacity_factor).all():
        raise InputError(f"non-finite yield for {list(ids[~np.isfinite(capacity_factor)][:3])}")

    n_cells = sites["n_cells"].to_numpy(dtype=np.float64)
    area = sites["area_km2"].to_numpy(dtype=np.float64)
    cells = np.column_stack([sites[f"cells_{k}"].to_numpy(dtype=np.float64) for k in CATEGORY_KEYS])
    cells[:, CATEGORY_KEYS.index("other")] += n_cells - cells.sum(
        axis=1
    )  # uncategorised cells count as other
    shares = cells / n_cells[:, None]
    capacity_by_category = shares * area[:, None] * np.array([densities[k] for k in CATEGORY_KEYS])
    capacity = capacity_by_category.sum(axis=1)
    locations = site_locations(sites, stats_layers=[])

    out = pd.DataFrame(
        {
            "site_id": ids.to_numpy(),
            "technology": technology,
            "base": sites["base"].to_numpy(),
            "city": sites["city"].to_numpy(),
            "county": sites["county"].to_numpy(),
            "land_category": np.asarray(CATEGORY_KEYS)[np.argmax(cells, axis=1)] if len(sites) else [],
            "area_km2": area,
            "capacity_mw": capacity,
            "annual_energy_gwh": capacity * capacity_factor * HOURS_PER_YEAR / 1000.0,
            "capacity_factor": capacity_factor,
            _YIELD_COLUMN[technology]: capacity_factor * HOURS_PER_YEAR,
            "mean_slope_deg": _mean(sites, slope_layer),
            "score": sites["score_sum"].to_numpy(dtype=np.float64) / n_cells,
            "rank": 0,
            "lon": locations["longitude"].to_numpy(),
            "lat": locations["latitude"].to_numpy(),
            "data_basis": data_basis,
            "rank_in_base": 0,
            "bases": sites["bases"].to_numpy(),
            "county_adcode": sites["county_adcode"].to_numpy(),
            "city_adcode": sites["city_adcode"].to_numpy(),
            "distance_grid_km": (
                sites[f"min_{distance_layer}"].to_numpy(dtype=np.float64) / 1000.0
                if f"min_{distance_layer}" in sites
                else np.nan
            ),
        },
        index=sites.index,
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        out["capacity_density_mw_per_km2"] = np.where(area > 0, capacity / area, np.nan)
    for i, key in enumerate(CATEGORY_KEYS):
        out[f"share_{key}"] = shares[:, i]
    for i, key in enumerate(CATEGORY_KEYS):
        out[f"capacity_mw_{key}"] = capacity_by_category[:, i]
    for column in sites.columns:
        if column.startswith("count_"):
            name = column[len("count_") :]
            out[f"mean_{name}"] = _mean(sites, name)
    if yield_model is not None:
        out["yield_model"] = yield_model
    out = rank_sites(out)
    result = gpd.GeoDataFrame(out, geometry=sites.geometry.to_numpy(), crs=sites.crs)
    return result.sort_values("site_id", kind="mergesort").reset_index(drop=True)


def contract_columns(technology: str) -> list[str]:
    """The :data:`SITE_COLUMNS` of ``technology`` with its yield column filled in."""
    return [_YIELD_COLUMN[technology] if c == "{yield}" else c for c in SITE_COLUMNS]


def assumptions_frame(
    technology: str, metadata: Mapping[str, Any], density_mw_per_km2: float | Mapping[str, float]
) -> pd.DataFrame:
    """The yield and sizing assumptions of a technology as a table ``key, value``.

    ``metadata`` is e.g. ``PVSystemSpec.as_metadata()`` or ``WindSpec.as_metadata()``.
    """
    densities = category_densities(density_mw_per_km2)
    rows = [(f"{technology}_density_mw_per_km2_{k}", v) for k, v in densities.items()]
    rows += [(str(k), v) for k, v in metadata.items()]
    return pd.DataFrame(rows, columns=["key", "value"])
