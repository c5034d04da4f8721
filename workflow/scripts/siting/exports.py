"""Writing the site tables and hourly profiles; every write is atomic (:func:`siting.io.atomic_path`).

Site tables
    GeoPackage with one layer per technology, CSV (UTF-8 with BOM, so that Excel shows the
    Chinese names; :func:`siting.io.write_csv`) and GeoParquet, all in EPSG:4326; areas come
    from the equal-area grid (``area_km2``), never from degrees.
Hourly profiles
    netCDF laid out like PyPSA-Eur's ``resources/profile_{technology}.nc``: dimensions
    ``time`` and ``bus``; ``profile(time, bus)`` [MW/MW] is the hourly output per unit of
    installable capacity, ``p_nom_max(bus)`` [MW] the installable capacity, ``weight(bus)``
    [MW] the weight used to aggregate (here the capacity), ``average_distance(bus)`` [km] the
    distance to the grid (PyPSA-Eur: to the bus). Extra variables: ``capacity_factor``,
    ``annual_energy_gwh``, ``area_km2``, ``score``, ``lon``, ``lat``, ``n_sites``. Two
    groupings: per site (:func:`site_profiles`, ``bus`` = ``site_id``) and per base
    (:func:`base_profiles`, ``bus`` = base id, capacity-weighted). PyPSA-Eur's ``potential``
    (capacity per weather-grid cell) and ``underwater_fraction`` have no meaning here and are
    left out. For PV the capacity is DC [MWp] and the profile is AC output per DC capacity.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import xarray as xr

from siting import io
from siting.sites import NO_BASE

__all__ = [
    "EXPORT_CRS",
    "base_profiles",
    "combine_sites",
    "site_profiles",
    "to_export_crs",
    "write_profiles",
    "write_sites_csv",
    "write_sites_gpkg",
    "write_sites_parquet",
]

#: CRS of every exported site geometry.
EXPORT_CRS = "EPSG:4326"

_HOURS_PER_YEAR = 8760.0


def to_export_crs(sites: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Sites in EPSG:4326 with every geometry a MultiPolygon (one geometry type per layer)."""
    out = sites.to_crs(EXPORT_CRS)
    geoms = out.geometry.to_numpy()
    single = shapely.get_type_id(geoms) == 3  # Polygon
    if single.any():
        geoms = geoms.copy()
        geoms[single] = [shapely.MultiPolygon([g]) for g in geoms[single]]
    return out.set_geometry(gpd.GeoSeries(geoms, index=out.index, crs=EXPORT_CRS))


def combine_sites(by_technology: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """One table of all technologies (columns unioned, missing values empty), sorted by ``site_id``."""
    frames = [gdf for gdf in by_technology.values()]
    if not frames:
        raise ValueError("no site tables to combine")
    crs = frames[0].crs
    combined = pd.concat([f.to_crs(crs) for f in frames], ignore_index=True, sort=False)
    combined = gpd.GeoDataFrame(combined, geometry="geometry", crs=crs)
    return combined.sort_values("site_id", kind="mergesort").reset_index(drop=True)


def write_sites_gpkg(by_technology: Mapping[str, gpd.GeoDataFrame], path: str | Path) -> None:
    """GeoPackage with one layer per technology (layer name = technology), EPSG:4326, atomically."""
    io.write_gpkg_layers({tech: to_export_crs(gdf) for tech, gdf in by_technology.items()}, path)


def write_sites_csv(sites: pd.DataFrame, path: str | Path) -> None:
    """The site table without geometry as CSV, UTF-8 with BOM (Excel-safe Chinese), atomically."""
    table = pd.DataFrame(sites.drop(columns="geometry", errors="ignore"))
    io.write_csv(table, path)


def write_sites_parquet(sites: gpd.GeoDataFrame, path: str | Path) -> None:
    """The site table as GeoParquet in EPSG:4326, atomically."""
    with io.atomic_path(path) as tmp:
        to_export_crs(sites).to_parquet(tmp, index=False)


# --------------------------------------------------------------------------------------------------
# Hourly profiles
# --------------------------------------------------------------------------------------------------


def _attr(value: Any) -> Any:
    """A netCDF-safe attribute value (str, int, float)."""
    if isinstance(value, bool | np.bool_):
        return str(bool(value))
    if isinstance(value, int | float | np.integer | np.floating | str):
        return value
    return str(value)


def _naive_utc(times: pd.DatetimeIndex) -> pd.DatetimeIndex:
    times = pd.DatetimeIndex(times)
    return times.tz_convert("UTC").tz_localize(None) if times.tz is not None else times


def site_profiles(
    sites: pd.DataFrame,
    hourly: np.ndarray,
    *,
    site_ids: Sequence[str],
    times: pd.DatetimeIndex,
    technology: str,
    data_basis: str,
    assumptions: Mapping[str, Any] | None = None,
) -> xr.Dataset:
    """Hourly profiles per site as a PyPSA-Eur-style dataset (``bus`` = ``site_id``).

    Parameters
    ----------
    sites : pandas.DataFrame
        The sized site table (:func:`siting.sizing.size_sites`).
    hourly : numpy.ndarray of float32
        Output per unit of capacity [MW/MW], shape ``(len(site_ids), len(times))``: for PV
        ``PVResult.ac_kw_per_kwp``, for wind ``WindResult.power_mw_per_mw``.
    site_ids : Sequence of str
        Row labels of ``hourly`` (``result.site_ids``); every site of ``sites`` must be there.
    times : pandas.DatetimeIndex
        Hour labels (``result.times``); stored as UTC.
    technology : str
        ``pv`` or ``wind``.
    data_basis : str
        ``demo-synthetic`` or the source versions, a global attribute.
    assumptions : Mapping, optional
        Yield and sizing assumptions (e.g. ``PVSystemSpec.as_metadata()``), global attributes.

    Returns
    -------
    xarray.Dataset
        Dimensions ``time``, ``bus`` (sites in ``site_id`` order); see the module docstring.
    """
    hourly = np.asarray(hourly)
    if hourly.shape != (len(site_ids), len(times)):
        raise ValueError(f"hourly has shape {hourly.shape}, expected ({len(site_ids)}, {len(times)})")
    table = pd.DataFrame(sites.drop(columns="geometry", errors="ignore")).sort_values("site_id")
    position = pd.Index(site_ids).get_indexer(table["site_id"])
    if (position < 0).any():
        missing = table["site_id"].to_numpy()[position < 0][:3]
        raise ValueError(f"no hourly profile for site(s) {list(missing)}: pass the yield of every site")
    profile = hourly[position].astype(np.float32, copy=False).T
    bus = table["site_id"].to_numpy().astype(str)
    capacity = table["capacity_mw"].to_numpy(dtype=np.float64)
    ds = xr.Dataset(
        {
            "profile": (("time", "bus"), profile),
            "p_nom_max": ("bus", capacity),
            "weight": ("bus", capacity),
            "average_distance": ("bus", table["distance_grid_km"].to_numpy(dtype=np.float64)),
            "capacity_factor": ("bus", profile.mean(axis=0, dtype=np.float64)),
            "annual_energy_gwh": ("bus", table["annual_energy_gwh"].to_numpy(dtype=np.float64)),
            "area_km2": ("bus", table["area_km2"].to_numpy(dtype=np.float64)),
            "score": ("bus", table["score"].to_numpy(dtype=np.float64)),
            "lon": ("bus", table["lon"].to_numpy(dtype=np.float64)),
            "lat": ("bus", table["lat"].to_numpy(dtype=np.float64)),
            "n_sites": ("bus", np.ones(len(bus), dtype=np.int32)),
        },
        coords={
            "time": _naive_utc(times),
            "bus": bus,
            "base": ("bus", table["base"].to_numpy().astype(str)),
            "bases": ("bus", table["bases"].to_numpy().astype(str)),
        },
    )
    _describe(ds, technology=technology, data_basis=data_basis, assumptions=assumptions, grouping="site")
    return ds


def _describe(
    ds: xr.Dataset, *, technology: str, data_basis: str, assumptions: Mapping[str, Any] | None, grouping: str
) -> None:
    units = {
        "profile": ("MW/MW", "hourly output per unit of installable capacity (PV: AC per DC capacity)"),
        "p_nom_max": ("MW", "installable capacity (PV: DC)"),
        "weight": ("MW", "weight for aggregation (the installable capacity)"),
        "average_distance": ("km", "distance to the grid (nearest substation or line); capacity-weighted"),
        "capacity_factor": ("1", "mean of profile"),
        "annual_energy_gwh": ("GWh/yr", "annual energy"),
        "area_km2": ("km2", "site area (equal-area grid)"),
        "score": ("1", "suitability score 0-100, area-weighted (capacity-weighted for groups)"),
        "lon": ("degrees_east", "representative point (capacity-weighted mean for groups), EPSG:4326"),
        "lat": ("degrees_north", "representative point (capacity-weighted mean for groups), EPSG:4326"),
        "n_sites": ("1", "number of sites"),
    }
    for name, (unit, long_name) in units.items():
        ds[name].attrs.update(units=unit, long_name=long_name)
    ds["time"].attrs["time_zone"] = "UTC"
    ds["bus"].attrs["long_name"] = "site_id" if grouping == "site" else "base id (none = in no base)"
    ds.attrs.update(
        title=f"Hourly {technology} profiles per {grouping} (PyPSA-Eur profile layout)",
        technology=technology,
        grouping=grouping,
        data_basis=data_basis,
    )
    for key, value in (assumptions or {}).items():
        ds.attrs[f"assumption_{key}"] = _attr(value)


def base_profiles(
    ds: xr.Dataset, *, base_order: Sequence[str] | None = None, chunk_sites: int = 1024
) -> xr.Dataset:
    """Capacity-weighted profiles per base from :func:`site_profiles` (``bus`` = base id).

    A site counts in every base that lists its county (its ``bases``), as in
    :func:`siting.zones.roll_up`; sites in no base form the bus ``none``. So the ``p_nom_max``
    of the bases add up to more than the province when a county is in two bases.

    Parameters
    ----------
    ds : xarray.Dataset
        Per-site profiles.
    base_order : Sequence of str, optional
        Bus order (config order); bases without sites are left out. Default: sorted, ``none`` last.
    chunk_sites : int
        Sites per step of the weighted sum (memory ≈ chunk × hours × 8 B).

    Returns
    -------
    xarray.Dataset
        Same variables; ``profile`` and ``average_distance``, ``score``, ``lon``, ``lat`` are
        capacity-weighted means (a base of zero capacity gets NaN), ``p_nom_max``, ``weight``,
        ``annual_energy_gwh``, ``area_km2`` and ``n_sites`` sums, ``capacity_factor`` the mean
        of the base profile.
    """
    members = [str(b).split(",") for b in ds["bases"].to_numpy()]
    present = {b for m in members for b in m}
    if base_order is None:
        order = sorted(present - {NO_BASE}) + ([NO_BASE] if NO_BASE in present else [])
    else:
        order = [b for b in (*base_order, NO_BASE) if b in present]
        order = list(dict.fromkeys(order))
        unknown = sorted(present - set(order))
        if unknown:
            raise ValueError(f"sites name base(s) {unknown} not in base_order {list(base_order)}")
    index = {b: i for i, b in enumerate(order)}
    n_bus, n_sites = len(order), ds.sizes["bus"]
    membership = np.zeros((n_bus, n_sites), dtype=np.float64)
    for j, m in enumerate(members):
        membership[[index[b] for b in m], j] = 1.0
    capacity = ds["p_nom_max"].to_numpy()
    weights = membership * capacity[None, :]
    total = weights.sum(axis=1)
    profile_all = ds["profile"].to_numpy()  # (time, site)
    weighted = np.zeros((profile_all.shape[0], n_bus), dtype=np.float64)
    for start in range(0, n_sites, chunk_sites):
        block = profile_all[:, start : start + chunk_sites].astype(np.float64)
        weighted += block @ weights[:, start : start + chunk_sites].T
    with np.errstate(invalid="ignore", divide="ignore"):
        profile = (weighted / total[None, :]).astype(np.float32)

    def wmean(name: str) -> np.ndarray:
        values = ds[name].to_numpy().astype(np.float64)
        finite = np.isfinite(values)
        w = weights * finite[None, :]
        w_total = w.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(w_total > 0, w @ np.where(finite, values, 0.0) / w_total, np.nan)

    out = xr.Dataset(
        {
            "profile": (("time", "bus"), profile),
            "p_nom_max": ("bus", total),
            "weight": ("bus", total),
            "average_distance": ("bus", wmean("average_distance")),
            "capacity_factor": ("bus", profile.mean(axis=0, dtype=np.float64)),
            "annual_energy_gwh": ("bus", membership @ ds["annual_energy_gwh"].to_numpy()),
            "area_km2": ("bus", membership @ ds["area_km2"].to_numpy()),
            "score": ("bus", wmean("score")),
            "lon": ("bus", wmean("lon")),
            "lat": ("bus", wmean("lat")),
            "n_sites": ("bus", membership.sum(axis=1).astype(np.int32)),
        },
        coords={"time": ds["time"].to_numpy(), "bus": np.asarray(order, dtype=str)},
    )
    assumptions = {k[len("assumption_") :]: v for k, v in ds.attrs.items() if k.startswith("assumption_")}
    _describe(
        out,
        technology=ds.attrs.get("technology", ""),
        data_basis=ds.attrs.get("data_basis", ""),
        assumptions=assumptions,
        grouping="base",
    )
    out.attrs["base_membership"] = "a site counts in every base that lists its county; 'none' = in no base"
    return out


def write_profiles(ds: xr.Dataset, path: str | Path, *, chunk_bus: int = 256) -> None:
    """Write a profile dataset as compressed netCDF-4, atomically.

    ``profile`` is chunked as (all hours, ``chunk_bus`` buses), so one bus reads one chunk.
    """
    n_time, n_bus = ds.sizes["time"], ds.sizes["bus"]
    encoding = {
        name: {"zlib": True, "complevel": 1} for name, var in ds.data_vars.items() if var.dtype.kind in "fiu"
    }
    if n_time and n_bus:
        encoding["profile"]["chunksizes"] = (n_time, min(chunk_bus, n_bus))
    encoding["time"] = {"units": "hours since 1970-01-01 00:00:00", "calendar": "proleptic_gregorian"}
    with io.atomic_path(path) as tmp:
        ds.to_netcdf(tmp, engine="netcdf4", format="NETCDF4", encoding=encoding)
