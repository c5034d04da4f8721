"""Additive per-county tables rolled up to every reporting region: province, cities, counties, bases.

Tile jobs count areas per county (zone id = 1-based row of the ``county`` layer of ``region.gpkg``);
because areas add up, city, base and province rows are sums of county rows. A county in two bases
counts in both base rows (and once in its city and the province).
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

LEVELS = ("province", "city", "county", "base")


def county_zones(county: gpd.GeoDataFrame) -> pd.DataFrame:
    """``zone_id`` (1-based) of every county with its adcode, name and city, in layer order."""
    return pd.DataFrame(
        {
            "zone_id": range(1, len(county) + 1),
            "adcode": county["adcode"].to_numpy(),
            "name_zh": county["name_zh"].to_numpy(),
            "city_adcode": county["city_adcode"].to_numpy(),
        }
    )


def roll_up(
    by_zone: pd.DataFrame,
    *,
    county: gpd.GeoDataFrame,
    city: gpd.GeoDataFrame,
    province: gpd.GeoDataFrame,
    base: gpd.GeoDataFrame,
    value_columns: list[str],
) -> pd.DataFrame:
    """Sum county rows (indexed by ``zone_id``) into rows for every region level.

    Parameters
    ----------
    by_zone : pandas.DataFrame
        Additive values (e.g. ``*_km2``) with a ``zone_id`` column.
    county, city, province, base : geopandas.GeoDataFrame
        Layers of ``region.gpkg`` (base has ``base_id``, ``name_zh``, ``counties``).
    value_columns : list of str
        The additive columns to sum.

    Returns
    -------
    pandas.DataFrame
        ``level, region_id, name_zh`` then ``value_columns``; province first, then cities, counties
        and bases.
    """
    zones = (
        county_zones(county)
        .merge(by_zone, on="zone_id", how="left")
        .fillna(dict.fromkeys(value_columns, 0.0))
    )
    rows = []
    prov = province.iloc[0]
    rows.append(
        {
            "level": "province",
            "region_id": str(prov["adcode"]),
            "name_zh": prov["name_zh"],
            **zones[value_columns].sum().to_dict(),
        }
    )
    city_sums = zones.groupby("city_adcode")[value_columns].sum()
    for _, c in city.iterrows():
        values = city_sums.loc[c["adcode"]] if c["adcode"] in city_sums.index else 0.0 * city_sums.iloc[0]
        rows.append(
            {"level": "city", "region_id": str(c["adcode"]), "name_zh": c["name_zh"], **values.to_dict()}
        )
    for _, z in zones.iterrows():
        rows.append(
            {
                "level": "county",
                "region_id": str(z["adcode"]),
                "name_zh": z["name_zh"],
                **z[value_columns].to_dict(),
            }
        )
    for _, b in base.iterrows():
        members = {int(a) for a in str(b["counties"]).split(",") if a}
        values = zones[zones["adcode"].isin(members)][value_columns].sum()
        rows.append({"level": "base", "region_id": b["base_id"], "name_zh": b["name_zh"], **values.to_dict()})
    return pd.DataFrame(rows, columns=["level", "region_id", "name_zh", *value_columns])
