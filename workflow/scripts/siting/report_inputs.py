"""Turn the pipeline's summary tables into the inputs of :func:`siting.report.build_report`.

Each county counts under its *primary* base (the first base in config order that lists it), the same
rule site ids use, so capacities per base add up to the province without double counting.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from siting.categories import CATEGORY_KEYS
from siting.sites import NO_BASE


def primary_base(adcode: int, bases: Mapping[str, Sequence[int]]) -> str:
    """The first base (config order) listing the county, or ``none``."""
    for base_id, counties in bases.items():
        if int(adcode) in {int(c) for c in counties}:
            return base_id
    return NO_BASE


def capacity_by_base(
    eligibility: pd.DataFrame, sites: Mapping[str, pd.DataFrame], *, bases: Mapping[str, Sequence[int]]
) -> pd.DataFrame:
    """``base, technology, eligible_area_km2, capacity_mw, annual_energy_gwh`` per primary base.

    ``eligibility`` is ``results/{run}/eligibility/summary.csv`` (county rows are used); ``sites``
    the sized site tables per technology. Outside every base, ``base`` is empty.
    """
    county = eligibility[eligibility["level"] == "county"].copy()
    county["base"] = [primary_base(int(a), bases) for a in county["region_id"]]
    area = county.groupby(["base", "technology"], sort=False)["eligible_km2"].sum()
    area = area.rename("eligible_area_km2")
    frames = []
    for tech, table in sites.items():
        grouped = table.groupby("base", sort=False)[["capacity_mw", "annual_energy_gwh"]].sum()
        grouped["technology"] = tech
        frames.append(grouped.reset_index())
    capacity = pd.concat(frames, ignore_index=True).set_index(["base", "technology"])
    out = pd.concat([area, capacity], axis=1).fillna(0.0).reset_index()
    out["base"] = out["base"].replace({NO_BASE: ""})
    order = {b: i for i, b in enumerate([*bases, ""])}
    return out.sort_values(["base", "technology"], key=lambda s: s.map(order) if s.name == "base" else s)


def land_by_category(scores: pd.DataFrame) -> pd.DataFrame:
    """``technology, land_category, eligible_area_km2`` of the province from the score summary."""
    province = scores[scores["level"] == "province"].iloc[0]
    rows = []
    for tech in ("pv", "wind"):
        for key in CATEGORY_KEYS:
            column = f"{tech}_eligible_km2_{key}"
            if column in province:
                rows.append({"technology": tech, "land_category": key, "eligible_area_km2": province[column]})
    return pd.DataFrame(rows)


def exclusions_by_technology(eligibility: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The province row of the exclusion summary per technology (areas per rule)."""
    out = {}
    for tech, table in eligibility[eligibility["level"] == "province"].groupby("technology"):
        columns = [c for c in table.columns if "_km2" in c]
        out[str(tech)] = table[columns].reset_index(drop=True)
    return out


def regions_table(eligibility: pd.DataFrame) -> pd.DataFrame:
    """Eligible area and share per technology for every city and county (wide)."""
    rows = eligibility[eligibility["level"].isin(["city", "county"])]
    wide = rows.pivot_table(
        index=["level", "region_id", "name_zh"],
        columns="technology",
        values=["eligible_km2", "eligible_share"],
        sort=False,
    )
    wide.columns = [f"{tech}_{value}" for value, tech in wide.columns]
    return wide.reset_index()
