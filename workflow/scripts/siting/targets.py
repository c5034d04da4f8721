"""What the sites add up to: buildable potential per base against the policy targets, the "next GW"
lists, and the comparison of two scenarios.

Regions
    ``province`` (every site once) and each base; a site counts in every base that lists its
    county (column ``bases``, as in :func:`siting.zones.roll_up`), and sites in no base form the
    region ``none``. So base rows can add up to more than the province.
Technologies
    ``pv``, ``wind`` and ``wind+pv``. The ``wind+pv`` rows are an upper bound: PV and wind sites
    are delineated separately and may cover the same land.
Land categories
    Capacity and energy are split by the land categories of each site's cells
    (``capacity_mw_<category>`` of :func:`siting.sizing.size_sites`); ``n_sites`` of a category
    row counts the sites whose dominant category it is.
Policy
    Figures and their sources come in as a dict (config), e.g. :data:`EXAMPLE_POLICY`; only
    ``wind_pv_target_gw`` and ``wind_pv_installed_gw`` are compared with the sites, the others
    are listed for context.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from siting.categories import CATEGORY_KEYS
from siting.errors import ConfigError
from siting.sites import NO_BASE

__all__ = [
    "ALL",
    "COMBINED_TECHNOLOGY",
    "EXAMPLE_POLICY",
    "PROVINCE",
    "buildable_table",
    "compare_scenarios",
    "next_gw",
    "policy_check",
    "targets_table",
]

#: ``region_id`` of the province rows.
PROVINCE = "province"
#: Label of the rows over all land categories.
ALL = "all"
#: Label of the rows over both technologies.
COMBINED_TECHNOLOGY = "wind+pv"

_TECHNOLOGIES = ("pv", "wind")

#: Policy figures of shared/domain/shanxi.md in the format :func:`policy_check` expects.
EXAMPLE_POLICY: dict[str, dict[str, Any]] = {
    "wind_pv_target_gw": {
        "value": 120.0,
        "unit": "GW",
        "year": 2030,
        "source": "Shanxi carbon peak/neutrality opinions, section 三: 风电、光伏发电总装机达到1.2亿千瓦左右",
    },
    "wind_pv_installed_gw": {
        "value": 51.0,
        "unit": "GW",
        "year": 2023,
        "source": "installed wind + PV at end-2023 (shared/domain/shanxi.md)",
    },
    "new_clean_capacity_share": {
        "value": 0.5,
        "unit": "share of installed capacity",
        "year": 2025,
        "source": "opinions section 三: 新能源和清洁能源装机占比达到50％",
    },
    "new_clean_generation_share": {
        "value": 0.3,
        "unit": "share of generation",
        "year": 2025,
        "source": "opinions section 三: 发电量占比达到30％",
    },
}


def _regions(sites: pd.DataFrame, base_order: Sequence[str] | None) -> list[str]:
    present = {b for s in sites["bases"].astype(str) for b in s.split(",")} if len(sites) else set()
    if base_order is None:
        order = sorted(present - {NO_BASE})
    else:
        order = list(dict.fromkeys(base_order))
        unknown = sorted(present - set(order) - {NO_BASE})
        if unknown:
            raise ValueError(f"sites name base(s) {unknown} not in base_order {list(base_order)}")
    return [*order, NO_BASE]


def _in_region(sites: pd.DataFrame, region: str) -> np.ndarray:
    if region == PROVINCE:
        return np.ones(len(sites), dtype=bool)
    return np.array([region in str(b).split(",") for b in sites["bases"]], dtype=bool)


def buildable_table(sites: pd.DataFrame, *, base_order: Sequence[str] | None = None) -> pd.DataFrame:
    """Buildable potential by region, technology and land category.

    Parameters
    ----------
    sites : pandas.DataFrame
        Sized sites of both technologies (:func:`siting.sizing.size_sites`, concatenated).
    base_order : Sequence of str, optional
        Base ids in config order (bases without sites get zero rows); default: the bases
        named by the sites, sorted. ``none`` always comes last.

    Returns
    -------
    pandas.DataFrame
        ``level`` (``province``/``base``), ``region_id``, ``technology`` (``pv``, ``wind``,
        ``wind+pv``), ``land_category`` (the category keys, then ``all``), ``n_sites``,
        ``area_km2`` [km²], ``capacity_gw`` [GW], ``annual_energy_twh`` [TWh/yr],
        ``capacity_factor`` [-] (energy-weighted: energy / (capacity · 8,760 h); NaN without
        capacity). Every combination has a row (zeros where there are no sites).
    """
    sites = pd.DataFrame(sites.drop(columns="geometry", errors="ignore"))
    rows = []
    regions = [PROVINCE, *_regions(sites, base_order)]
    cf = sites["capacity_factor"].to_numpy(dtype=np.float64) if len(sites) else np.zeros(0)
    area = sites["area_km2"].to_numpy(dtype=np.float64) if len(sites) else np.zeros(0)
    for region in regions:
        in_region = _in_region(sites, region)
        for technology in (*_TECHNOLOGIES, COMBINED_TECHNOLOGY):
            selected = in_region & (
                np.ones(len(sites), bool)
                if technology == COMBINED_TECHNOLOGY
                else (sites["technology"].to_numpy() == technology)
            )
            for category in (*CATEGORY_KEYS, ALL):
                if category == ALL:
                    capacity_mw = sites["capacity_mw"].to_numpy(dtype=np.float64)[selected]
                    area_km2 = area[selected]
                    n_sites = int(selected.sum())
                else:
                    capacity_mw = sites[f"capacity_mw_{category}"].to_numpy(dtype=np.float64)[selected]
                    area_km2 = (
                        area[selected] * sites[f"share_{category}"].to_numpy(dtype=np.float64)[selected]
                    )
                    n_sites = int((sites["land_category"].to_numpy()[selected] == category).sum())
                capacity_gw = capacity_mw.sum() / 1000.0
                energy_twh = float((capacity_mw * cf[selected]).sum() * 8760.0 / 1e6)
                rows.append(
                    {
                        "level": "province" if region == PROVINCE else "base",
                        "region_id": region,
                        "technology": technology,
                        "land_category": category,
                        "n_sites": n_sites,
                        "area_km2": float(area_km2.sum()),
                        "capacity_gw": float(capacity_gw),
                        "annual_energy_twh": energy_twh,
                        "capacity_factor": energy_twh * 1e3 / (capacity_gw * 8760.0)
                        if capacity_gw > 0
                        else np.nan,
                    }
                )
    return pd.DataFrame(rows)


def _policy_value(policy: Mapping[str, Any], key: str) -> float:
    if key not in policy:
        raise ConfigError(f"policy figures: key {key!r} missing (see siting.targets.EXAMPLE_POLICY)")
    entry = policy[key]
    if not isinstance(entry, Mapping) or "value" not in entry or not entry.get("source"):
        raise ConfigError(f"policy figure {key!r} needs a 'value' and a 'source', got {entry!r}")
    return float(entry["value"])


def targets_table(
    sites: pd.DataFrame, *, policy: Mapping[str, Any], base_order: Sequence[str] | None = None
) -> pd.DataFrame:
    """:func:`buildable_table` with the 2030 wind + PV gap: the table for ``targets.csv``.

    Adds ``gap_2030_gw`` (``wind_pv_target_gw − wind_pv_installed_gw`` [GW], the same on every
    row) and ``share_of_gap`` (``capacity_gw / gap_2030_gw`` [-]): how much of the remaining
    2030 wind + PV build-out the row's sites could hold.
    """
    gap = _policy_value(policy, "wind_pv_target_gw") - _policy_value(policy, "wind_pv_installed_gw")
    table = buildable_table(sites, base_order=base_order)
    table["gap_2030_gw"] = gap
    table["share_of_gap"] = table["capacity_gw"] / gap if gap > 0 else np.nan
    return table


def policy_check(buildable: pd.DataFrame, *, policy: Mapping[str, Any]) -> pd.DataFrame:
    """The policy figures side by side with the province's buildable potential.

    Parameters
    ----------
    buildable : pandas.DataFrame
        From :func:`buildable_table` (or :func:`targets_table`).
    policy : Mapping
        Key → ``{value, unit, year, source}``; needs ``wind_pv_target_gw`` and
        ``wind_pv_installed_gw`` [GW] (see :data:`EXAMPLE_POLICY`).

    Returns
    -------
    pandas.DataFrame
        One row per policy figure: ``indicator, year, value, unit, source``, and for the
        wind + PV target ``installed_gw``, ``gap_gw``, ``buildable_gw`` (province, wind+pv,
        all land), ``buildable_pv_gw``, ``buildable_wind_gw``, ``buildable_to_gap`` [-];
        ``note`` says how each figure is used.
    """
    target = _policy_value(policy, "wind_pv_target_gw")
    installed = _policy_value(policy, "wind_pv_installed_gw")
    province = buildable[(buildable["level"] == "province") & (buildable["land_category"] == ALL)]
    by_tech = province.set_index("technology")["capacity_gw"]
    gap = target - installed
    rows = []
    for key, entry in policy.items():
        if not isinstance(entry, Mapping) or "value" not in entry or not entry.get("source"):
            raise ConfigError(f"policy figure {key!r} needs a 'value' and a 'source', got {entry!r}")
        row = {
            "indicator": key,
            "year": entry.get("year"),
            "value": float(entry["value"]),
            "unit": entry.get("unit", ""),
            "source": entry["source"],
        }
        if key == "wind_pv_target_gw":
            row.update(
                installed_gw=installed,
                gap_gw=gap,
                buildable_gw=float(by_tech.get(COMBINED_TECHNOLOGY, 0.0)),
                buildable_pv_gw=float(by_tech.get("pv", 0.0)),
                buildable_wind_gw=float(by_tech.get("wind", 0.0)),
                buildable_to_gap=float(by_tech.get(COMBINED_TECHNOLOGY, 0.0)) / gap if gap > 0 else np.nan,
                note="compared with the buildable potential (upper bound: PV and wind may overlap)",
            )
        elif key == "wind_pv_installed_gw":
            row["note"] = "baseline of the 2030 gap"
        else:
            row["note"] = "context; not evaluated from the site potentials"
        rows.append(row)
    columns = [
        "indicator",
        "year",
        "value",
        "unit",
        "source",
        "installed_gw",
        "gap_gw",
        "buildable_gw",
        "buildable_pv_gw",
        "buildable_wind_gw",
        "buildable_to_gap",
        "note",
    ]
    return pd.DataFrame(rows).reindex(columns=columns)


def next_gw(
    sites: pd.DataFrame,
    *,
    capacity_gw: float = 2.0,
    base_order: Sequence[str] | None = None,
    include_none: bool = True,
) -> pd.DataFrame:
    """The best sites (by score) of each base and technology that add up to ``capacity_gw``.

    Sites are taken from the best score down (ties by ``site_id``) until the cumulative
    capacity reaches ``capacity_gw`` (the last site taken may overshoot); a base with less
    capacity lists all its sites and ``target_reached`` is False.

    Parameters
    ----------
    sites : pandas.DataFrame
        Sized sites (one or both technologies).
    capacity_gw : float
        Capacity per base and technology [GW].
    base_order : Sequence of str, optional
        Base ids in config order (default sorted).
    include_none : bool
        Also list the sites in no base (``base`` = ``none``).

    Returns
    -------
    pandas.DataFrame
        ``base, technology, order`` (1 = best), ``site_id, score, capacity_mw,
        cumulative_capacity_mw, annual_energy_gwh, cumulative_energy_gwh, capacity_factor,
        land_category, county, lon, lat, rank`` and ``target_reached``.
    """
    if capacity_gw <= 0:
        raise ConfigError(f"next-GW capacity must be > 0 GW, got {capacity_gw}")
    table = pd.DataFrame(sites.drop(columns="geometry", errors="ignore"))
    columns = [
        "site_id",
        "score",
        "capacity_mw",
        "annual_energy_gwh",
        "capacity_factor",
        "land_category",
        "county",
        "lon",
        "lat",
        "rank",
    ]
    frames = []
    regions = _regions(table, base_order)
    if not include_none:
        regions = [r for r in regions if r != NO_BASE]
    for region in regions:
        in_region = _in_region(table, region)
        for technology in sorted(set(table["technology"])) if len(table) else []:
            group = table[in_region & (table["technology"].to_numpy() == technology)]
            if group.empty:
                continue
            group = group.sort_values(["score", "site_id"], ascending=[False, True], kind="mergesort")
            cumulative = group["capacity_mw"].cumsum().to_numpy()
            before = cumulative - group["capacity_mw"].to_numpy()
            take = before < capacity_gw * 1000.0
            chosen = group[take][columns].copy()
            chosen.insert(0, "order", np.arange(1, len(chosen) + 1))
            chosen.insert(0, "technology", technology)
            chosen.insert(0, "base", region)
            chosen.insert(
                chosen.columns.get_loc("capacity_mw") + 1, "cumulative_capacity_mw", cumulative[take]
            )
            chosen.insert(
                chosen.columns.get_loc("annual_energy_gwh") + 1,
                "cumulative_energy_gwh",
                chosen["annual_energy_gwh"].cumsum().to_numpy(),
            )
            chosen["target_reached"] = bool(cumulative[take][-1] >= capacity_gw * 1000.0 - 1e-9)
            frames.append(chosen)
    if not frames:
        return pd.DataFrame(
            columns=[
                "base",
                "technology",
                "order",
                *columns[:3],
                "cumulative_capacity_mw",
                "annual_energy_gwh",
                "cumulative_energy_gwh",
                *columns[4:],
                "target_reached",
            ]
        )
    return pd.concat(frames, ignore_index=True)


def _eligible_km2(summary: pd.DataFrame | None, regions: Sequence[str]) -> pd.DataFrame:
    """Eligible area per (region, technology) from the eligibility summaries (roll_up tables)."""
    index = pd.MultiIndex.from_product(
        [[PROVINCE, *regions], list(_TECHNOLOGIES)], names=["region_id", "tech"]
    )
    out = pd.Series(np.nan, index=index, dtype=np.float64)
    if summary is None:
        return out
    table = summary[summary["level"].isin(["province", "base"])]
    for _, row in table.iterrows():
        region = PROVINCE if row["level"] == "province" else str(row["region_id"])
        key = (region, str(row["technology"]))
        if key in out.index:
            out.loc[key] = float(row["eligible_km2"])
    return out


def compare_scenarios(
    sites_a: pd.DataFrame,
    sites_b: pd.DataFrame,
    *,
    eligibility_a: pd.DataFrame | None = None,
    eligibility_b: pd.DataFrame | None = None,
    labels: tuple[str, str] = ("a", "b"),
    base_order: Sequence[str] | None = None,
) -> pd.DataFrame:
    """What changed from scenario ``a`` to scenario ``b``, per region and technology.

    Parameters
    ----------
    sites_a, sites_b : pandas.DataFrame
        Sized sites of both technologies of each run.
    eligibility_a, eligibility_b : pandas.DataFrame, optional
        The eligibility summaries (``results/{run}/eligibility/{tech}_summary.csv`` of both
        technologies, concatenated: ``technology, level, region_id, eligible_km2``).
    labels : (str, str)
        Suffixes of the two runs' columns (e.g. the run names).
    base_order : Sequence of str, optional
        Base ids in config order.

    Returns
    -------
    pandas.DataFrame
        ``level, region_id, technology``, then for each quantity ``<q>_<label a>``,
        ``<q>_<label b>`` and ``<q>_change`` (b − a) for ``eligible_km2`` [km²],
        ``n_sites``, ``capacity_gw`` [GW], ``annual_energy_twh`` [TWh/yr]; and
        ``n_sites_gained`` / ``n_sites_lost`` with ``sites_gained`` / ``sites_lost`` (the
        ``site_id`` values only in b / only in a, sorted, ``;``-separated).
    """
    la, lb = labels
    if la == lb:
        raise ValueError("the two labels must differ")
    regions_a = _regions(sites_a, base_order)
    regions_b = _regions(sites_b, base_order)
    regions = list(dict.fromkeys([*regions_a, *regions_b]))
    regions = [r for r in regions if r != NO_BASE] + [NO_BASE]
    tables = {}
    for label, sites in ((la, sites_a), (lb, sites_b)):
        b = buildable_table(sites, base_order=[r for r in regions if r != NO_BASE])
        tables[label] = b[b["land_category"] == ALL].set_index(["region_id", "technology"])
    eligible = {la: _eligible_km2(eligibility_a, regions), lb: _eligible_km2(eligibility_b, regions)}
    rows = []
    for region in [PROVINCE, *regions]:
        for technology in _TECHNOLOGIES:
            row: dict[str, Any] = {
                "level": "province" if region == PROVINCE else "base",
                "region_id": region,
                "technology": technology,
            }
            elig = [eligible[label].get((region, technology), np.nan) for label in labels]
            row[f"eligible_km2_{la}"], row[f"eligible_km2_{lb}"] = elig
            row["eligible_km2_change"] = elig[1] - elig[0]
            for quantity in ("n_sites", "capacity_gw", "annual_energy_twh"):
                values = [tables[label].loc[(region, technology), quantity] for label in labels]
                row[f"{quantity}_{la}"], row[f"{quantity}_{lb}"] = values
                row[f"{quantity}_change"] = values[1] - values[0]
            ids = []
            for sites in (sites_a, sites_b):
                mask = _in_region(sites, region) & (sites["technology"].to_numpy() == technology)
                ids.append(set(sites["site_id"].to_numpy()[mask]))
            gained, lost = sorted(ids[1] - ids[0]), sorted(ids[0] - ids[1])
            row.update(
                n_sites_gained=len(gained),
                n_sites_lost=len(lost),
                sites_gained=";".join(gained),
                sites_lost=";".join(lost),
            )
            rows.append(row)
    return pd.DataFrame(rows)
