"""Candidate sites: delineation per tile, province-wide merge, stable ids.

A **site** is a connected group of cells that are eligible for one technology and score at
least ``score_floor``, and that lie in one county and in one cell of the **split grid**.

Delineation runs tile by tile (:func:`delineate_tile`, on the tile core, so peak memory depends
on the tile size, never on the province) and writes *pieces*; :func:`merge_pieces` joins the
pieces of all tiles into sites; :func:`assign_site_ids` names them.

Connectivity
    ``connectivity=8`` (default) joins cells that share an edge or a corner, ``4`` only those
    that share an edge. The same rule applies across tile edges in :func:`merge_pieces`, so the
    sites do not depend on the tiling.
Counties
    A site never crosses a county border (``county_zone``: the 1-based row of the ``county``
    layer of ``region.gpkg``, see :mod:`siting.zones`), so every site has one county, one city
    and well-defined bases.
Split grid
    A regular grid of square cells of ``split_cell_m`` aligned to the CRS origin (like the tiles,
    :mod:`siting.grid`); a grid cell belongs to the split cell that holds its centre. A site
    never crosses a split-cell edge, so a large eligible area becomes several compact parts of
    at most one split cell each. The split grid depends only on the CRS, never on the tiles or
    the region, so sites are stable across reruns and tilings. **Maximum site area**: a site is
    at most ``split_cell_m²`` (exactly when ``split_cell_m`` is a multiple of the resolution,
    else at most ``ceil(split_cell_m / resolution_m)² · cell area``); choose
    ``split_cell_m = sqrt(max_area_km2) · 1000`` (:func:`split_cell_m_for`), e.g. 5,000 m for
    25 km². ``min_area_km2`` drops small sites after the merge. When the tile size is a
    multiple of ``split_cell_m`` (50 km tiles, 5 km split cells), no split cell crosses a tile
    edge and :func:`merge_pieces` has nothing to join; it stays correct for any sizes.
Statistics
    Pieces carry only *mergeable* statistics: counts and sums (added when pieces merge), minima
    and maxima (min / max of the pieces): ``n_cells``, ``area_km2``, ``score_sum``,
    ``cells_<category>`` per land category (:data:`siting.categories.CATEGORY_KEYS`),
    ``sum_x_m``, ``sum_y_m`` (cell centres, for the centroid) and, per extra layer ``L``
    (e.g. ``slope_deg``, ``ghi_kwh_m2_day``, ``distance_grid_m``), ``sum_L``, ``count_L``
    (finite cells), ``min_L`` and ``max_L``. Means are taken in :mod:`siting.sizing`.

Ids
    ``{technology}-{base}-{county adcode}-{nnn}``, e.g. ``pv-jinbei-140226-007``. ``nnn``
    numbers the sites of one county in reading order of their split cells (north to south,
    then west to east), then by centroid; it depends only on the sites of that county, so a
    change that touches one county changes only that county's ids. The **base** is the first
    base in config order whose county list holds the site's county (``none`` when no base
    does); the column ``bases`` lists all of them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from affine import Affine
from scipy import ndimage
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from siting.categories import CATEGORIES, CATEGORY_KEYS
from siting.errors import ConfigError

__all__ = [
    "KEY_COLUMNS",
    "NO_BASE",
    "assign_site_ids",
    "delineate_tile",
    "label_sites",
    "merge_pieces",
    "piece_columns",
    "representative_points",
    "site_locations",
    "split_cell_m_for",
]

#: Columns that identify where a piece may merge: county zone and split cell.
KEY_COLUMNS = ("county_zone", "split_col", "split_row")

#: Base of a site whose county is in no base.
NO_BASE = "none"

_ADDITIVE = ("n_cells", "area_km2", "score_sum", "sum_x_m", "sum_y_m")


def split_cell_m_for(max_area_km2: float, *, resolution_m: float) -> float:
    """Largest split-cell size [m], a multiple of ``resolution_m``, whose square is ≤ ``max_area_km2``.

    Parameters
    ----------
    max_area_km2 : float
        Largest site area wanted [km²].
    resolution_m : float
        Grid cell size [m].

    Returns
    -------
    float
        ``split_cell_m`` [m] for :func:`delineate_tile`.
    """
    if max_area_km2 <= 0 or resolution_m <= 0:
        raise ConfigError(f"max_area_km2 and resolution_m must be > 0, got {max_area_km2}, {resolution_m}")
    cells = math.floor(math.sqrt(max_area_km2) * 1000.0 / resolution_m + 1e-9)
    if cells < 1:
        raise ConfigError(
            f"max_area_km2 = {max_area_km2} is smaller than one grid cell ({resolution_m} m); raise it"
        )
    return cells * float(resolution_m)


def piece_columns(stats_layers: Iterable[str] = ()) -> list[str]:
    """Columns of a piece table (without ``geometry``) for the given extra statistics layers."""
    columns = ["tile_id", *KEY_COLUMNS, "n_cells", "area_km2", "score_sum"]
    columns += [f"cells_{key}" for key in CATEGORY_KEYS]
    columns += ["sum_x_m", "sum_y_m"]
    for name in stats_layers:
        columns += [f"sum_{name}", f"count_{name}", f"min_{name}", f"max_{name}"]
    return columns


def _structure(connectivity: int) -> np.ndarray:
    if connectivity not in (4, 8):
        raise ConfigError(f"connectivity must be 4 or 8, got {connectivity!r}")
    return ndimage.generate_binary_structure(2, 1 if connectivity == 4 else 2)


def _check_transform(transform: Affine) -> None:
    if transform.b != 0 or transform.d != 0 or transform.a <= 0 or transform.e >= 0:
        raise ValueError(f"a north-up transform without rotation is needed, got {tuple(transform)[:6]}")


def _split_indices(
    shape: tuple[int, int], transform: Affine, split_cell_m: float
) -> tuple[np.ndarray, np.ndarray]:
    """Split-cell column (per grid column) and row (per grid row) of the cell centres."""
    x = transform.c + transform.a * (np.arange(shape[1]) + 0.5)
    y = transform.f + transform.e * (np.arange(shape[0]) + 0.5)
    return np.floor(x / split_cell_m).astype(np.int64), np.floor(y / split_cell_m).astype(np.int64)


def label_sites(
    mask: np.ndarray,
    county_zone: np.ndarray,
    *,
    transform: Affine,
    split_cell_m: float,
    connectivity: int = 8,
) -> tuple[np.ndarray, pd.DataFrame]:
    """Connected components of ``mask`` that cross neither a county border nor a split-cell edge.

    Parameters
    ----------
    mask : numpy.ndarray of bool
        Cells that may belong to a site.
    county_zone : numpy.ndarray of int
        County zone id per cell (0 = outside the region; such cells are never labelled).
    transform : affine.Affine
        North-up transform of the arrays (CRS units: metres).
    split_cell_m : float
        Edge of the split-grid cells [m].
    connectivity : {4, 8}
        Neighbourhood of a cell.

    Returns
    -------
    labels : numpy.ndarray of int32
        0 outside any site, else 1..n.
    keys : pandas.DataFrame
        One row per label (index 1..n): ``county_zone``, ``split_col``, ``split_row``.
    """
    structure = _structure(connectivity)
    _check_transform(transform)
    if split_cell_m <= 0:
        raise ConfigError(f"split_cell_m must be > 0, got {split_cell_m}")
    mask = np.asarray(mask, dtype=bool) & (np.asarray(county_zone) > 0)
    shape = mask.shape
    labels = np.zeros(shape, dtype=np.int32)
    empty = pd.DataFrame({c: pd.Series(dtype=np.int64) for c in KEY_COLUMNS})
    if not mask.any():
        return labels, empty
    split_col, split_row = _split_indices(shape, transform, split_cell_m)
    rows, cols = np.nonzero(mask)
    triples = np.stack(
        [np.asarray(county_zone)[rows, cols].astype(np.int64), split_col[cols], split_row[rows]], 1
    )
    unique_keys, inverse = np.unique(triples, axis=0, return_inverse=True)
    key_raster = np.zeros(shape, dtype=np.int32)
    key_raster[rows, cols] = inverse.ravel().astype(np.int32) + 1
    label_keys = []
    n = 0
    for k, window in enumerate(ndimage.find_objects(key_raster), start=1):
        if window is None:
            continue
        inside = key_raster[window] == k
        sub, count = ndimage.label(inside, structure=structure)
        target = labels[window]
        target[inside] = sub[inside] + n
        n += count
        label_keys += [k - 1] * count
    keys = pd.DataFrame(unique_keys[np.asarray(label_keys, dtype=np.intp)], columns=list(KEY_COLUMNS))
    keys.index = pd.RangeIndex(1, n + 1)
    return labels, keys


def _min_max_by_label(labels: np.ndarray, values: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    mins = np.full(n + 1, np.nan)
    maxs = np.full(n + 1, np.nan)
    if labels.size:
        order = np.argsort(labels, kind="stable")
        lab, val = labels[order], values[order].astype(np.float64)
        starts = np.flatnonzero(np.r_[True, lab[1:] != lab[:-1]])
        mins[lab[starts]] = np.minimum.reduceat(val, starts)
        maxs[lab[starts]] = np.maximum.reduceat(val, starts)
    return mins, maxs


def _polygons(labels: np.ndarray, transform: Affine, n: int) -> np.ndarray:
    """One (multi)polygon per label 1..n, from :func:`rasterio.features.shapes` (4-connected rings)."""
    from rasterio.features import shapes

    # 4-connected polygonisation never yields self-touching rings; parts of an 8-connected label
    # that meet only at a corner are joined into a (valid) MultiPolygon below.
    values, geoms = [], []
    for geom, value in shapes(labels, mask=labels > 0, connectivity=4, transform=transform):
        values.append(int(value))
        geoms.append(shapely.geometry.shape(geom))
    values_arr = np.asarray(values, dtype=np.int64)
    geoms_arr = np.asarray(geoms, dtype=object)
    out = np.empty(n + 1, dtype=object)
    order = np.argsort(values_arr, kind="stable")
    values_arr, geoms_arr = values_arr[order], geoms_arr[order]
    starts = np.flatnonzero(np.r_[True, values_arr[1:] != values_arr[:-1]]) if len(values_arr) else []
    ends = [*list(starts[1:]), len(values_arr)]
    for start, end in zip(starts, ends, strict=True):
        parts = geoms_arr[start:end]
        out[values_arr[start]] = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    return out[1:]


def delineate_tile(
    eligible: np.ndarray,
    score: np.ndarray,
    categories: np.ndarray,
    county_zone: np.ndarray,
    *,
    transform: Affine,
    cell_area_km2: float,
    crs: str,
    stats: Mapping[str, np.ndarray] | None = None,
    score_floor: float = 0.0,
    connectivity: int = 8,
    split_cell_m: float = 5000.0,
    tile_id: str = "",
) -> gpd.GeoDataFrame:
    """Site pieces of one tile core: polygons with mergeable statistics.

    Parameters
    ----------
    eligible : numpy.ndarray of uint8
        1 eligible, 0 excluded, 255 outside the region (tile core).
    score : numpy.ndarray of float32
        Score 0–100 of the technology; NaN = no score.
    categories : numpy.ndarray of uint8
        Land-category codes 0–4 (:mod:`siting.categories`).
    county_zone : numpy.ndarray of uint16
        County zone id (1-based row of the county layer), 0 outside.
    transform : affine.Affine
        North-up transform of the tile core (:func:`siting.grid.tile_grid` with ``halo=False``).
    cell_area_km2 : float
        Area of one cell [km²].
    crs : str
        The equal-area CRS of the grid.
    stats : Mapping of str to numpy.ndarray, optional
        Extra float layers (tile core) summarised per piece by sum, count of finite cells, min
        and max, e.g. ``slope_deg`` [°], ``ghi_kwh_m2_day`` or ``wind_speed_m_s``,
        ``distance_grid_m`` [m], ``elevation_m`` [m]. Non-finite values are left out.
    score_floor : float
        Cells with ``score >= score_floor`` [0–100] may belong to a site.
    connectivity : {4, 8}
        Cell neighbourhood (see the module docstring).
    split_cell_m : float
        Split-grid cell size [m] (see the module docstring).
    tile_id : str
        Stored with every piece; :func:`merge_pieces` joins only pieces of different tiles.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per piece, columns :func:`piece_columns` (``stats`` keys in sorted order) and
        the geometry (cell edges, in ``crs``), sorted by key and position.
    """
    stats = dict(stats or {})
    names = sorted(stats)
    arrays = {
        "eligible": np.asarray(eligible),
        "score": np.asarray(score),
        "categories": np.asarray(categories),
        "county_zone": np.asarray(county_zone),
        **{f"stats[{k}]": np.asarray(stats[k]) for k in names},
    }
    shape = arrays["eligible"].shape
    for name, array in arrays.items():
        if array.shape != shape:
            raise ValueError(f"{name} has shape {array.shape}, eligible {shape}")
    with np.errstate(invalid="ignore"):
        mask = (arrays["eligible"] == 1) & (arrays["score"] >= score_floor)
    labels, keys = label_sites(
        mask, arrays["county_zone"], transform=transform, split_cell_m=split_cell_m, connectivity=connectivity
    )
    n = len(keys)
    columns = piece_columns(names)
    if n == 0:
        return gpd.GeoDataFrame(
            {c: pd.Series(dtype=object if c == "tile_id" else np.float64) for c in columns},
            geometry=gpd.GeoSeries([], crs=crs),
            crs=crs,
        )
    inside = labels > 0
    lab = labels[inside].astype(np.intp)
    n_cells = np.bincount(lab, minlength=n + 1)[1:]
    data: dict[str, object] = {"tile_id": [tile_id] * n}
    for column in KEY_COLUMNS:
        data[column] = keys[column].to_numpy()
    data["n_cells"] = n_cells
    data["area_km2"] = n_cells * float(cell_area_km2)
    score_values = arrays["score"][inside].astype(np.float64)
    data["score_sum"] = np.bincount(lab, weights=score_values, minlength=n + 1)[1:]
    cat_counts = np.bincount(
        lab * 5 + arrays["categories"][inside].astype(np.intp).clip(0, 4), minlength=(n + 1) * 5
    ).reshape(n + 1, 5)
    for key in CATEGORY_KEYS:
        data[f"cells_{key}"] = cat_counts[1:, CATEGORIES[key].code]
    rows, cols = np.nonzero(inside)  # same (C) order as labels[inside]
    x = transform.c + transform.a * (cols + 0.5)
    y = transform.f + transform.e * (rows + 0.5)
    data["sum_x_m"] = np.bincount(lab, weights=x, minlength=n + 1)[1:]
    data["sum_y_m"] = np.bincount(lab, weights=y, minlength=n + 1)[1:]
    for name in names:
        values = arrays[f"stats[{name}]"][inside]
        finite = np.isfinite(values)
        lab_f, val_f = lab[finite], values[finite].astype(np.float64)
        data[f"sum_{name}"] = np.bincount(lab_f, weights=val_f, minlength=n + 1)[1:]
        data[f"count_{name}"] = np.bincount(lab_f, minlength=n + 1)[1:]
        mins, maxs = _min_max_by_label(lab_f, val_f, n)
        data[f"min_{name}"] = mins[1:]
        data[f"max_{name}"] = maxs[1:]
    pieces = gpd.GeoDataFrame(data, geometry=_polygons(labels, transform, n), crs=crs)
    return _sorted(pieces)[[*columns, "geometry"]].reset_index(drop=True)


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """Deterministic order: key, then centroid (north to south, west to east), then tile."""
    cy = (frame["sum_y_m"] / frame["n_cells"]).round(3)
    cx = (frame["sum_x_m"] / frame["n_cells"]).round(3)
    order = pd.DataFrame(
        {
            "county_zone": frame["county_zone"].to_numpy(),
            "row": -frame["split_row"].to_numpy(),
            "col": frame["split_col"].to_numpy(),
            "cy": -cy.to_numpy(),
            "cx": cx.to_numpy(),
            "tile": frame["tile_id"].astype(str).to_numpy() if "tile_id" in frame else "",
        }
    )
    idx = order.sort_values(["county_zone", "row", "col", "cy", "cx", "tile"], kind="mergesort").index
    return frame.iloc[np.asarray(idx)]


def merge_pieces(
    pieces: gpd.GeoDataFrame,
    *,
    connectivity: int = 8,
    min_area_km2: float = 0.0,
) -> gpd.GeoDataFrame:
    """Join the pieces of all tiles into sites.

    Pieces with the same key (county zone and split cell) from different tiles are joined when
    they are neighbours under ``connectivity``: with 8 when their polygons touch at all, with 4
    when they share an edge of positive length. Joins are transitive. Pieces of one tile are
    never joined to each other (:func:`delineate_tile` already made them separate components).
    Sums and counts add up; ``min_*`` take the minimum, ``max_*`` the maximum; polygons are
    unioned.

    Parameters
    ----------
    pieces : geopandas.GeoDataFrame
        The concatenated outputs of :func:`delineate_tile` (same statistics layers).
    connectivity : {4, 8}
        As in :func:`delineate_tile`.
    min_area_km2 : float
        Sites smaller than this [km²] are dropped after the merge.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per site, the piece columns (``tile_id`` replaced by ``tile_ids``, the
        comma-separated tiles of its pieces), sorted by key and position (no ids yet; see
        :func:`assign_site_ids`).
    """
    _structure(connectivity)
    if "tile_id" not in pieces:
        raise ValueError("pieces need the column 'tile_id' (from delineate_tile)")
    pieces = _sorted(pieces).reset_index(drop=True)
    n = len(pieces)
    geoms = pieces.geometry.to_numpy()
    if n:
        tree = shapely.STRtree(geoms)
        left, right = tree.query(geoms, predicate="intersects")
        keep = left < right
        for column in (*KEY_COLUMNS, "tile_id"):
            values = pieces[column].to_numpy()
            same = values[left] == values[right]
            keep &= ~same if column == "tile_id" else same
        left, right = left[keep], right[keep]
        if connectivity == 4 and len(left):
            shared = shapely.intersection(geoms[left], geoms[right])
            edge = shapely.length(shared) > 0
            left, right = left[edge], right[edge]
        graph = coo_matrix((np.ones(len(left)), (left, right)), shape=(n, n))
        _, group = connected_components(graph, directed=False)
    else:
        group = np.zeros(0, dtype=np.int64)
    # Number the groups by their first piece (deterministic given the sorted pieces).
    _, first = np.unique(group, return_index=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first)] = np.arange(len(first))
    group = rank[group] if n else group
    value_columns = [c for c in pieces.columns if c not in ("geometry", "tile_id", *KEY_COLUMNS)]
    agg: dict[str, str] = {c: "first" for c in KEY_COLUMNS}
    for column in value_columns:
        agg[column] = "min" if column.startswith("min_") else "max" if column.startswith("max_") else "sum"
    frame = pd.DataFrame(pieces.drop(columns="geometry"))
    frame["_group"] = group
    sites = frame.groupby("_group", sort=True).agg(agg)
    sites["tile_ids"] = frame.groupby("_group", sort=True)["tile_id"].agg(
        lambda s: ",".join(sorted(set(map(str, s))))
    )
    counts = np.bincount(group, minlength=len(sites)) if n else np.zeros(0, dtype=np.int64)
    geometry = np.empty(len(sites), dtype=object)
    order = np.argsort(group, kind="stable")
    starts = np.r_[0, np.cumsum(counts)[:-1]] if n else np.zeros(0, dtype=np.int64)
    for g, (start, count) in enumerate(zip(starts, counts, strict=True)):
        parts = geoms[order[start : start + count]]
        geometry[g] = parts[0] if count == 1 else shapely.union_all(parts)
    out = gpd.GeoDataFrame(sites.reset_index(drop=True), geometry=geometry, crs=pieces.crs)
    out = out[out["area_km2"] >= min_area_km2 - 1e-12]
    columns = [*KEY_COLUMNS, "tile_ids", *value_columns, "geometry"]
    return _sorted(out)[columns].reset_index(drop=True)


def _bases_of(adcodes: Iterable[int], bases: Mapping[str, Iterable[int]]) -> tuple[list[str], list[str]]:
    members = {base_id: {int(c) for c in counties} for base_id, counties in bases.items()}
    first, every = [], []
    for adcode in adcodes:
        ids = [b for b, counties in members.items() if int(adcode) in counties]
        first.append(ids[0] if ids else NO_BASE)
        every.append(",".join(ids) if ids else NO_BASE)
    return first, every


def assign_site_ids(
    sites: gpd.GeoDataFrame,
    *,
    technology: str,
    county: pd.DataFrame,
    bases: Mapping[str, Iterable[int]],
) -> gpd.GeoDataFrame:
    """Name the sites ``{technology}-{base}-{adcode}-{nnn}`` and add county, city and bases.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        From :func:`merge_pieces`.
    technology : str
        ``pv`` or ``wind``.
    county : pandas.DataFrame
        The ``county`` layer of ``region.gpkg`` in layer order (zone id = row + 1): ``adcode``,
        ``name_zh``, ``city_adcode`` and ``city_zh``.
    bases : Mapping of str to Iterable of int
        Base id → county adcodes, **in config order** (e.g.
        ``{b["id"]: b["counties"] for b in config["bases"]["items"]}``).

    Returns
    -------
    geopandas.GeoDataFrame
        ``site_id, technology, base, bases, city_adcode, city, county_adcode, county`` in front
        of the input columns, sorted by ``site_id``.

    Raises
    ------
    ValueError
        When a site's county zone is not a row of ``county``.
    """
    sites = sites.reset_index(drop=True)
    zones = sites["county_zone"].to_numpy().astype(np.int64)
    if len(zones) and (zones.min() < 1 or zones.max() > len(county)):
        raise ValueError(
            f"county_zone {zones.min()}..{zones.max()} outside 1..{len(county)}: pass the county layer "
            "of the region.gpkg the tiles were built from"
        )
    rows = county.iloc[zones - 1]
    adcodes = rows["adcode"].astype(np.int64).to_numpy()
    first, every = _bases_of(adcodes, bases)
    ordered = _sorted(sites.assign(tile_id="")).drop(columns="tile_id")
    number = ordered.groupby("county_zone", sort=False).cumcount() + 1
    size = ordered.groupby("county_zone", sort=False)["n_cells"].transform("size")
    width = np.maximum(3, np.floor(np.log10(size.clip(lower=1))).astype(int) + 1)
    nnn = pd.Series(
        [f"{k:0{w}d}" for k, w in zip(number.to_numpy(), width.to_numpy(), strict=True)], index=ordered.index
    )
    front = pd.DataFrame(
        {
            "technology": technology,
            "base": first,
            "bases": every,
            "city_adcode": rows["city_adcode"].astype(np.int64).to_numpy(),
            "city": rows["city_zh"].to_numpy(),
            "county_adcode": adcodes,
            "county": rows["name_zh"].to_numpy(),
        },
        index=sites.index,
    )
    front.insert(
        0,
        "site_id",
        [f"{technology}-{b}-{a}-{nnn[i]}" for i, b, a in zip(sites.index, first, adcodes, strict=True)],
    )
    out = pd.concat([front, sites], axis=1)
    out = gpd.GeoDataFrame(out, geometry="geometry", crs=sites.crs)
    return out.sort_values("site_id", kind="mergesort").reset_index(drop=True)


def representative_points(sites: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """The centroid of each site if it lies inside the polygon, else a point surely inside.

    Returns
    -------
    geopandas.GeoSeries
        Points in the CRS of ``sites``, same index.
    """
    geoms = sites.geometry.to_numpy()
    centroids = shapely.centroid(geoms)
    inside = shapely.contains_properly(geoms, centroids) if len(geoms) else np.zeros(0, bool)
    points = np.where(inside, centroids, shapely.point_on_surface(geoms)) if len(geoms) else centroids
    return gpd.GeoSeries(points, index=sites.index, crs=sites.crs)


def site_locations(sites: gpd.GeoDataFrame, *, stats_layers: Sequence[str] | None = None) -> pd.DataFrame:
    """Where to run the yield model for each site, with the site means of the statistics layers.

    Parameters
    ----------
    sites : geopandas.GeoDataFrame
        With ``site_id`` (from :func:`assign_site_ids`), in the equal-area CRS.
    stats_layers : Sequence of str, optional
        Layers to average (``sum_L / count_L``, NaN without a finite cell); default all.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``site_id``: ``longitude``, ``latitude`` [°, EPSG:4326] of
        :func:`representative_points`, ``x_m``, ``y_m`` [m, equal-area CRS], and one column
        per layer named like the layer (e.g. ``ghi_kwh_m2_day``, ``elevation_m``,
        ``wind_speed_m_s``): the mean over the site's cells.
    """
    points = representative_points(sites)
    wgs84 = points.to_crs("EPSG:4326")
    out = pd.DataFrame(
        {
            "longitude": wgs84.x.to_numpy(),
            "latitude": wgs84.y.to_numpy(),
            "x_m": points.x.to_numpy(),
            "y_m": points.y.to_numpy(),
        },
        index=pd.Index(sites["site_id"].to_numpy(), name="site_id"),
    )
    names = stats_layers
    if names is None:
        names = [c[len("count_") :] for c in sites.columns if c.startswith("count_")]
    for name in names:
        count = sites[f"count_{name}"].to_numpy(dtype=np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            out[name] = np.where(count > 0, sites[f"sum_{name}"].to_numpy() / count, np.nan)
    return out
