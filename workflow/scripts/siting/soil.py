"""HWSD v2.0 topsoil salinity: the saline-land (盐碱地) proxy input.

The Harmonized World Soil Database v2.0 (FAO & IIASA 2023) comes in two parts:

- ``HWSD2_RASTER.zip``: ``HWSD2.bil`` + ``HWSD2.hdr`` + ``HWSD2.prj`` (+ ``HWSD2.stx``), an ESRI BIL
  (GDAL driver ``EHdr``) of 43200 × 21600 cells of 30″ (1/120°) from (−180°, 90°), ``uint16`` soil
  mapping-unit ids (``HWSD2_SMU_ID``), nodata 65535. The ``.prj`` is the ESRI WKT
  ``GEOGCS["GCS_WGS_1984", …]``, which GDAL reads as ``OGC:CRS84``: WGS 84 longitude/latitude, the
  same coordinates as EPSG:4326 but *not equal* to it for :func:`siting.verify.check_raster`
  (``expected_crs="EPSG:4326"`` would reject it), hence :func:`check_smu_raster`.
- the attribute database, table ``HWSD2_LAYERS``: one row per mapping unit (``HWSD2_SMU_ID``), soil
  component (``SEQUENCE``, with its ``SHARE`` of the unit [%], repeated on every depth) and depth layer
  (``LAYER`` = ``D1`` … ``D7``; ``D1`` = 0–20 cm), with ``ELEC_COND`` [dS m⁻¹]. Missing values are
  negative fill values (−9) or NULL. FAO's ``HWSD2_DB.zip`` holds the Microsoft Access file
  ``HWSD2.mdb``; ISRIC distributes an SQLite conversion ``HWSD2.sqlite`` with the same tables, which
  is what this module reads (directly, or as a member of a zip such as the demo's ``HWSD2_DB.zip``).

Typical use on a tile grid (``warp_to_tile`` assumes lon/lat sources, it never reads the source CRS)::

    facts = check_smu_raster(raw / "hwsd2/HWSD2_RASTER.zip", bounds_overlap=region_bounds)
    ids = warp_to_tile([facts["gdal_path"]], dst_transform=t, dst_shape=shape, dst_crs=crs,
                       kind="class", dst_nodata=SMU_NODATA, dtype="uint16")
    salinity_ds_m = salinity_raster(ids, read_salinity_table(raw / "hwsd2/HWSD2_DB.zip"),
                                    nodata=SMU_NODATA)
"""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import rasterio
from rasterio.crs import CRS

from siting.errors import InputError
from siting.verify import check_raster, input_error, raster_gdal_path

SMU_MEMBER = "HWSD2.bil"
"""Member of ``HWSD2_RASTER.zip`` holding the mapping-unit raster."""

SMU_NODATA = 65535
"""Nodata of the mapping-unit raster (``uint16``; oceans and unmapped cells)."""

DB_MEMBER = "HWSD2.sqlite"
"""SQLite member of the attribute zip (the demo's ``HWSD2_DB.zip``; ISRIC's stand-alone file)."""

LAYERS_TABLE = "HWSD2_LAYERS"
TOPSOIL_LAYER = "D1"
"""HWSD v2 depth layer 0–20 cm."""

_REQUIRED_COLUMNS = ("HWSD2_SMU_ID", "LAYER", "SHARE", "ELEC_COND")
_SQLITE_MAGIC = b"SQLite format 3\x00"


def smu_gdal_path(raster_zip: str | Path) -> str:
    """GDAL path of ``HWSD2.bil``: ``/vsizip/<abs zip>/HWSD2.bil``, or the file itself if not a zip.

    GDAL finds ``HWSD2.hdr`` (grid, dtype, nodata) and ``HWSD2.prj`` (CRS) next to the ``.bil``
    inside the zip, so the archive need not be extracted.

    Parameters
    ----------
    raster_zip : str or Path
        ``HWSD2_RASTER.zip`` (or an extracted ``HWSD2.bil``).

    Raises
    ------
    InputError
        The zip is unreadable or has no (or several) members ending in ``HWSD2.bil``.
    """
    return raster_gdal_path(raster_zip, member=SMU_MEMBER)


def is_wgs84_lonlat(crs: CRS | None) -> bool:
    """Whether ``crs`` is WGS 84 longitude/latitude (EPSG:4326, OGC:CRS84 or the ESRI GCS_WGS_1984)."""
    if crs is None or not crs.is_geographic:
        return False
    if crs.to_epsg() == 4326 or crs == CRS.from_string("OGC:CRS84"):
        return True
    return crs.to_epsg() is None and "WGS_1984" in crs.to_wkt().replace(" ", "_")


def check_smu_raster(
    path: str | Path, *, bounds_overlap: Sequence[float] | None = None, src_crs: str | None = None
) -> dict[str, Any]:
    """Check ``HWSD2_RASTER.zip`` (or ``HWSD2.bil``): readable, ``uint16``, WGS 84 lon/lat, overlapping.

    Parameters
    ----------
    path : str or Path
        The raster zip or the ``.bil``.
    bounds_overlap : sequence of float, optional
        (west, south, east, north) [°, EPSG:4326] the raster must overlap.
    src_crs : str, optional
        Only for a ``.bil`` whose ``.prj`` was lost: the CRS to assume (must be WGS 84 lon/lat,
        e.g. ``"EPSG:4326"``). :func:`siting.warp.warp_to_tile` treats sources as lon/lat anyway, so
        nothing is written; the check merely accepts the missing CRS.

    Returns
    -------
    dict
        The facts of :func:`siting.verify.check_raster` (``gdal_path`` to read from, ``nodata`` …);
        ``crs`` is ``"EPSG:4326"`` whenever the file's CRS is WGS 84 lon/lat.

    Raises
    ------
    InputError
        Unreadable, not ``uint16``, not WGS 84 lon/lat, no CRS and no ``src_crs``, or outside the area.
    """
    path = Path(path)
    box = tuple(bounds_overlap) if bounds_overlap is not None else None
    if src_crs is not None and not is_wgs84_lonlat(CRS.from_user_input(src_crs)):
        raise ValueError(f"src_crs must be WGS 84 longitude/latitude, got {src_crs!r}")
    try:
        facts = check_raster(path, expected_crs=None, bounds_overlap=box, dtype="uint16", member=SMU_MEMBER)
    except InputError as exc:
        if src_crs is None or getattr(exc, "reason", "") != "the raster has no CRS":
            raise
        facts = _facts_without_crs(path, box)
    crs = CRS.from_string(facts["crs"]) if facts.get("crs") else None
    if crs is not None and not is_wgs84_lonlat(crs):
        raise input_error(
            path,
            f"the mapping-unit raster is in {crs.to_string()}, expected WGS 84 longitude/latitude",
            "Use FAO's original HWSD2_RASTER.zip (HWSD2.bil with HWSD2.hdr and HWSD2.prj).",
        )
    facts["crs"] = "EPSG:4326"
    if facts.get("nodata") is None:
        facts["nodata"] = SMU_NODATA
    return facts


def _facts_without_crs(path: Path, box: tuple[float, ...] | None) -> dict[str, Any]:
    """:func:`check_raster`'s facts for a raster without CRS, its bounds read as degrees."""
    gdal_path = smu_gdal_path(path)
    with rasterio.open(gdal_path) as src:
        facts = {"gdal_path": gdal_path, "crs": None, "bounds": tuple(src.bounds), "res": src.res}
        facts |= {"width": src.width, "height": src.height, "dtype": src.dtypes[0], "nodata": src.nodata}
    if facts["dtype"] != "uint16":
        raise input_error(path, f"data type is {facts['dtype']}, expected uint16", "Use FAO's original file.")
    facts["bounds_wgs84"] = facts["bounds"]
    b = facts["bounds"]
    if box is not None and not (b[0] < box[2] and box[0] < b[2] and b[1] < box[3] and box[1] < b[3]):
        raise input_error(path, "does not overlap the study area", "Use FAO's global HWSD2_RASTER.zip.")
    return facts


@contextmanager
def _sqlite_file(db_path: Path) -> Iterator[Path]:
    """The SQLite file of ``db_path``: itself, or its ``.sqlite`` member extracted to a temporary file."""
    if not db_path.exists():
        raise input_error(db_path, "file not found", "Download it or place it there by hand.")
    if not zipfile.is_zipfile(db_path):
        with db_path.open("rb") as fh:
            if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise input_error(
                    db_path,
                    "not an SQLite database (wrong file header)",
                    "Place the HWSD v2.0 SQLite database (HWSD2.sqlite) there.",
                )
        yield db_path
        return
    with zipfile.ZipFile(db_path) as zf:
        names = [n for n in zf.namelist() if not n.endswith("/")]
        members = [n for n in names if n.lower().endswith((".sqlite", ".db"))]
        if len(members) != 1:
            access = [n for n in names if n.lower().endswith((".mdb", ".accdb"))]
            hint = (
                f"It holds the Microsoft Access database {access[0]} (FAO's HWSD2_DB.zip), which "
                "cannot be read here: use ISRIC's SQLite conversion HWSD2.sqlite instead (same "
                "tables), or convert the tables HWSD2_LAYERS and HWSD2_SMU with mdb-tools."
                if access
                else "Place the HWSD v2.0 SQLite database (HWSD2.sqlite) or a zip containing it there."
            )
            found = "several" if members else "none"
            raise input_error(
                db_path,
                f"the zip should contain one .sqlite member but has {found} ({', '.join(names)})",
                hint,
            )
        with tempfile.TemporaryDirectory(prefix="hwsd2_") as tmp:
            target = Path(tmp) / "HWSD2.sqlite"
            with zf.open(members[0]) as src, target.open("wb") as dst:
                shutil.copyfileobj(src, dst, length=1 << 20)
            with target.open("rb") as fh:
                if fh.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                    raise input_error(
                        db_path, f"member {members[0]} is not an SQLite database", "Download it again."
                    )
            yield target


def _weighted_mean(frame: pd.DataFrame) -> pd.Series:
    """SHARE-weighted mean of ELEC_COND per unit over the components that have both values."""
    ok = frame["ELEC_COND"].notna() & frame["SHARE"].notna() & (frame["SHARE"] > 0)
    weighted = (frame["ELEC_COND"] * frame["SHARE"]).where(ok)
    sums = pd.DataFrame({"num": weighted, "den": frame["SHARE"].where(ok)}).groupby(frame["HWSD2_SMU_ID"])
    totals = sums.sum(min_count=1)
    return totals["num"] / totals["den"]


def _dominant(frame: pd.DataFrame) -> pd.Series:
    """ELEC_COND of the component with the largest SHARE (ties: lowest SEQUENCE) of each unit."""
    order = ["HWSD2_SMU_ID", "SHARE"] + (["SEQUENCE"] if "SEQUENCE" in frame else [])
    ascending = [True, False] + ([True] if "SEQUENCE" in frame else [])
    ranked = frame.sort_values(order, ascending=ascending, na_position="last", kind="mergesort")
    # drop_duplicates, not groupby().first(): first() would skip a NaN and take the next component.
    return ranked.drop_duplicates("HWSD2_SMU_ID", keep="first").set_index("HWSD2_SMU_ID")["ELEC_COND"]


def read_salinity_table(
    db_path: str | Path, *, method: Literal["weighted", "dominant"] = "weighted", layer: str = TOPSOIL_LAYER
) -> pd.Series:
    """Topsoil electrical conductivity per soil mapping unit from the HWSD v2 attribute database.

    A mapping unit consists of up to 12 soil components (``SEQUENCE``), each covering ``SHARE`` [%]
    of it. With ``method="weighted"`` (default) the value of a unit is the SHARE-weighted mean of
    ``ELEC_COND`` over the components that report it, Σ sᵢ·ECᵢ / Σ sᵢ (components without a value,
    e.g. rock outcrop, water, or fill −9, are left out and the weights renormalised). With
    ``method="dominant"`` it is the value of the component with the largest share (NaN if that
    component has none). Negative values (HWSD fill −9 and any other negative) and NULL become NaN.

    Parameters
    ----------
    db_path : str or Path
        ``HWSD2.sqlite``, or a zip containing exactly one ``.sqlite``/``.db`` member (the member is
        extracted to a temporary file, since SQLite cannot read from inside a zip).
    method : {"weighted", "dominant"}
        How to combine the soil components of a unit.
    layer : str
        Depth layer (``"D1"`` = 0–20 cm, the topsoil).

    Returns
    -------
    pandas.Series
        float64 ``ELEC_COND`` [dS m⁻¹] named ``"elec_cond_ds_m"``, indexed by mapping-unit id
        (int64, sorted, index name ``"HWSD2_SMU_ID"``); NaN where a unit has no valid value.

    Raises
    ------
    InputError
        The file is missing, not SQLite, a zip without an SQLite member (e.g. FAO's Access
        ``HWSD2.mdb``), lacks the table ``HWSD2_LAYERS`` or one of its columns ``HWSD2_SMU_ID``,
        ``LAYER``, ``SHARE``, ``ELEC_COND``, or has no rows for ``layer``.
    """
    if method not in ("weighted", "dominant"):
        raise ValueError(f"method must be 'weighted' or 'dominant', got {method!r}")
    db_path = Path(db_path)
    fix = "Use the HWSD v2.0 attribute database (HWSD2.sqlite, table HWSD2_LAYERS)."
    with _sqlite_file(db_path) as sqlite_path:
        try:
            con = sqlite3.connect(f"file:{sqlite_path.as_posix()}?mode=ro", uri=True)
        except sqlite3.Error as exc:
            raise input_error(db_path, f"the SQLite database cannot be opened ({exc})", fix) from exc
        try:
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type IN ('table','view')")
            }
            if LAYERS_TABLE not in tables:
                shown = ", ".join(sorted(tables)) or "none"
                raise input_error(db_path, f"table {LAYERS_TABLE!r} not found (tables: {shown})", fix)
            columns = {r[1].upper(): r[1] for r in con.execute(f"PRAGMA table_info({LAYERS_TABLE})")}
            missing = [c for c in _REQUIRED_COLUMNS if c not in columns]
            if missing:
                raise input_error(db_path, f"table {LAYERS_TABLE} lacks column(s) {', '.join(missing)}", fix)
            wanted = [*_REQUIRED_COLUMNS, *(["SEQUENCE"] if "SEQUENCE" in columns else [])]
            select = ", ".join(f'"{columns[c]}" AS {c}' for c in wanted)
            frame = pd.read_sql_query(
                f'SELECT {select} FROM {LAYERS_TABLE} WHERE UPPER(TRIM("{columns["LAYER"]}")) = ?',
                con,
                params=(layer.upper(),),
            )
        except sqlite3.Error as exc:
            raise input_error(db_path, f"the SQLite database cannot be read ({exc})", fix) from exc
        finally:
            con.close()
    if frame.empty:
        raise input_error(db_path, f"table {LAYERS_TABLE} has no rows with LAYER = {layer!r}", fix)
    frame = frame.dropna(subset=["HWSD2_SMU_ID"])
    frame["HWSD2_SMU_ID"] = pd.to_numeric(frame["HWSD2_SMU_ID"], errors="coerce").astype("int64")
    for col in ("SHARE", "ELEC_COND"):
        values = pd.to_numeric(frame[col], errors="coerce").astype("float64")
        frame[col] = values.where(values >= 0)
    series = _weighted_mean(frame) if method == "weighted" else _dominant(frame)
    series = series.astype("float64").sort_index()
    series.index = series.index.astype("int64").rename("HWSD2_SMU_ID")
    return series.rename("elec_cond_ds_m")


def salinity_raster(smu_ids: np.ndarray, table: pd.Series, *, nodata: float | None) -> np.ndarray:
    """Map a mapping-unit id raster to topsoil electrical conductivity.

    Parameters
    ----------
    smu_ids : numpy.ndarray
        Mapping-unit ids (any integer or float dtype, any shape), e.g. the warped ``HWSD2.bil``.
    table : pandas.Series
        ``ELEC_COND`` [dS m⁻¹] by mapping-unit id, from :func:`read_salinity_table`.
    nodata : float or None
        Nodata of ``smu_ids`` (65535 for HWSD v2), or None.

    Returns
    -------
    numpy.ndarray of float32
        Same shape, [dS m⁻¹]; NaN for nodata, ids missing from ``table`` and units without a value.
    """
    ids = np.asarray(smu_ids)
    out = np.full(ids.shape, np.nan, dtype="float32")
    valid = np.isfinite(ids) if ids.dtype.kind == "f" else np.ones(ids.shape, dtype=bool)
    if nodata is not None and not np.isnan(nodata):
        valid &= ids != nodata
    if not len(table) or not valid.any():
        return out
    keys = table.index.to_numpy(dtype="int64")
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], table.to_numpy(dtype="float64")[order]
    wanted = ids[valid].astype("int64")
    pos = np.clip(np.searchsorted(keys, wanted), 0, len(keys) - 1)
    found = keys[pos] == wanted
    out[valid] = np.where(found, values[pos], np.nan).astype("float32")
    return out
