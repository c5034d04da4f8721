"""Format checks for downloaded files and for files a user places by hand.

Each ``check_*`` function opens a file the way the pipeline will read it and raises
:class:`siting.errors.InputError` naming the file, what is wrong and what to do. They serve as
``verify=`` callbacks of :func:`siting.retrieve.download` (bind options with
:func:`functools.partial`) and return a few facts about the file that callers may use.

The raised errors carry two extra attributes, ``path`` (the file checked) and ``reason`` (the problem
without the file name), so that a caller checking a temporary file can word its own message.
"""

from __future__ import annotations

import json
import logging
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import rasterio
from rasterio.crs import CRS
from rasterio.errors import CRSError
from rasterio.warp import transform_bounds

from siting.errors import InputError

logger = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees, EPSG:4326."""

_SQLITE_MAGIC = b"SQLite format 3\x00"


def input_error(path: str | Path, reason: str, fix: str) -> InputError:
    """Build an :class:`InputError` "``path``: ``reason``. ``fix``" with ``path``/``reason`` attributes.

    Parameters
    ----------
    path : str or Path
        The file the problem is about.
    reason : str
        What is wrong, without the file name.
    fix : str
        What the user should do.
    """
    err = InputError(f"{path}: {reason}. {fix}")
    err.path = Path(path)  # type: ignore[attr-defined]
    err.reason = reason  # type: ignore[attr-defined]
    return err


def _zip_member(path: Path, suffix: str | None, *, kind: str) -> str:
    """Name of the member of zip ``path`` that ends with ``suffix`` (case-insensitive).

    Without ``suffix`` the zip must hold exactly one member of the ``kind`` (``.tif``/``.tiff``).
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise input_error(
            path, f"not a readable zip archive ({exc})", "Download it again or replace it."
        ) from exc
    if suffix is not None:
        matches = [n for n in names if n.lower().endswith(suffix.lower())]
        wanted = f"a member ending in {suffix!r}"
    else:
        matches = [n for n in names if n.lower().endswith((".tif", ".tiff"))]
        wanted = f"exactly one {kind} member"
    if len(matches) != 1:
        shown = ", ".join(names[:20]) + (" …" if len(names) > 20 else "")
        found = "several" if matches else "none"
        raise input_error(
            path,
            f"the zip should contain {wanted} but has {found} (members: {shown or 'none'})",
            "Check that this is the archive the pipeline expects (see the catalogue in "
            "siting/sources.py) or name the member in config.",
        )
    return matches[0]


def raster_gdal_path(path: str | Path, *, member: str | None = None) -> str:
    """The path GDAL opens for ``path``: the file itself, or ``/vsizip/…`` for a member of a zip.

    Parameters
    ----------
    path : str or Path
        A raster file or a zip archive containing one.
    member : str, optional
        Suffix of the zip member to open (e.g. ``"GHI.tif"``); without it the zip must hold
        exactly one GeoTIFF.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        name = _zip_member(path, member, kind="GeoTIFF")
        return f"/vsizip/{path.absolute().as_posix()}/{name}"
    return str(path)


def _as_set(dtype: str | Iterable[str] | None) -> set[str] | None:
    if dtype is None:
        return None
    if isinstance(dtype, str):
        return {dtype}
    return set(dtype)


def _overlaps(a: BBox, b: BBox) -> bool:
    """Whether two (west, south, east, north) boxes share an area (touching edges do not count)."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _bounds_wgs84(crs: CRS, bounds: Sequence[float]) -> BBox:
    if crs.to_epsg() == 4326:
        return (bounds[0], bounds[1], bounds[2], bounds[3])
    return transform_bounds(crs, "EPSG:4326", *bounds, densify_pts=21)


def check_raster(
    path: str | Path,
    *,
    expected_crs: str | CRS | None = "EPSG:4326",
    bounds_overlap: BBox | None = None,
    dtype: str | Iterable[str] | None = None,
    member: str | None = None,
) -> dict[str, Any]:
    """Check that ``path`` is a readable raster in the expected CRS, dtype and area.

    Parameters
    ----------
    path : str or Path
        A raster file (GeoTIFF, or any format GDAL reads), or a zip archive with a raster member.
    expected_crs : str or CRS, optional
        CRS the raster must be in (anything :meth:`rasterio.crs.CRS.from_user_input` accepts);
        ``None`` accepts any CRS, but the raster must still have one.
    bounds_overlap : tuple of float, optional
        (west, south, east, north) [degrees, EPSG:4326] the raster must overlap.
    dtype : str or set of str, optional
        Accepted data type(s) of the first band, e.g. ``"float32"`` or ``{"uint8", "uint16"}``.
    member : str, optional
        For a zip: suffix of the member to read, e.g. ``"GHI.tif"``.

    Returns
    -------
    dict
        ``gdal_path`` (what to pass to :func:`rasterio.open`), ``crs`` (str), ``bounds`` (in the
        raster CRS), ``bounds_wgs84``, ``res``, ``width``, ``height``, ``count``, ``dtype``,
        ``nodata``, ``tiled`` and ``compress``.

    Raises
    ------
    InputError
        The file is missing or unreadable, or its CRS, dtype or extent is not as expected.
    """
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found", "Download it or place it there by hand.")
    gdal_path = raster_gdal_path(path, member=member)
    try:
        with rasterio.open(gdal_path) as src:
            crs = src.crs
            facts: dict[str, Any] = {
                "gdal_path": gdal_path,
                "crs": crs.to_string() if crs else None,
                "bounds": tuple(src.bounds),
                "res": src.res,
                "width": src.width,
                "height": src.height,
                "count": src.count,
                "dtype": src.dtypes[0],
                "nodata": src.nodata,
                "tiled": src.profile.get("tiled", False),
                "compress": src.profile.get("compress"),
            }
            # Touch one pixel so that a file whose header parses but whose data is cut fails here.
            src.read(1, window=((0, 1), (0, 1)))
    except Exception as exc:  # rasterio raises RasterioIOError, CPLE_* errors, …
        raise input_error(
            path,
            f"not a readable raster ({exc})",
            "The file is corrupt or not a GeoTIFF: delete it and download it again, or place "
            "the provider's original file there.",
        ) from exc

    if crs is None:
        raise input_error(
            path,
            "the raster has no CRS",
            f"Assign one (e.g. gdal_edit.py -a_srs {expected_crs or 'EPSG:4326'}) or use the "
            "provider's original file.",
        )
    if expected_crs is not None:
        try:
            want = CRS.from_user_input(expected_crs)
        except CRSError as exc:  # a programming error, but say it clearly
            raise ValueError(f"invalid expected_crs {expected_crs!r}: {exc}") from exc
        if crs != want:
            raise input_error(
                path,
                f"CRS is {crs.to_string()}, expected {want.to_string()}",
                f"Use the provider's original file, or reproject it "
                f"(gdalwarp -t_srs {want.to_string()} in.tif out.tif).",
            )
    accepted = _as_set(dtype)
    if accepted is not None and facts["dtype"] not in accepted:
        raise input_error(
            path,
            f"data type is {facts['dtype']}, expected {' or '.join(sorted(accepted))}",
            "Use the provider's original file (class layers are integers, continuous layers float32).",
        )
    try:
        facts["bounds_wgs84"] = _bounds_wgs84(crs, facts["bounds"])
    except Exception as exc:  # any PROJ failure means the extent is unusable
        raise input_error(
            path,
            f"its extent cannot be transformed to EPSG:4326 ({exc})",
            "Check the CRS of the file.",
        ) from exc
    if bounds_overlap is not None and not _overlaps(facts["bounds_wgs84"], bounds_overlap):
        raise input_error(
            path,
            f"covers {_fmt_box(facts['bounds_wgs84'])}, which does not overlap the study area "
            f"{_fmt_box(bounds_overlap)}",
            "Download the tile(s) covering the study area.",
        )
    return facts


def _fmt_box(box: Sequence[float]) -> str:
    return "(W {:.3f}, S {:.3f}, E {:.3f}, N {:.3f})".format(*box)


def check_vector(
    path: str | Path,
    *,
    bounds_overlap: BBox | None = None,
    layer: str | int | None = None,
    strict: bool = True,
) -> dict[str, Any]:
    """Check that ``path`` is a readable vector layer with a CRS that overlaps ``bounds_overlap``.

    Parameters
    ----------
    path : str or Path
        Any format GDAL/OGR reads (GeoPackage, shapefile or a zip of one, GeoJSON, FlatGeobuf, …).
    bounds_overlap : tuple of float, optional
        (west, south, east, north) [degrees, EPSG:4326] the features must overlap.
    layer : str or int, optional
        Layer to check; default the first.
    strict : bool, default True
        Whether an empty or non-overlapping layer is an error; when ``False`` it is logged as a
        warning and reported in the returned ``overlaps`` fact.

    Returns
    -------
    dict
        ``crs``, ``features`` (count), ``geometry_type``, ``fields``, ``bounds`` (in the layer CRS),
        ``bounds_wgs84`` (``None`` when empty) and ``overlaps``.

    Raises
    ------
    InputError
        The file is missing, unreadable or has no CRS; with ``strict``, also when it is empty or
        does not overlap ``bounds_overlap``.
    """
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found", "Download it or place it there by hand.")
    try:
        import pyogrio  # imported here: it loads geopandas, which raster checks do not need

        info = pyogrio.read_info(path, layer=layer, force_feature_count=True, force_total_bounds=True)
    except Exception as exc:  # pyogrio raises several unrelated types
        raise input_error(
            path,
            f"not a readable vector file ({exc})",
            "Use a GeoPackage, shapefile (with .shp/.shx/.dbf/.prj), GeoJSON or FlatGeobuf.",
        ) from exc
    if not info.get("crs"):
        raise input_error(
            path,
            "the layer has no CRS",
            "Add one (a .prj next to a shapefile, or ogr2ogr -a_srs EPSG:4326) and try again.",
        )
    crs = CRS.from_user_input(info["crs"])
    count = int(info.get("features") or 0)
    facts: dict[str, Any] = {
        "crs": crs.to_string(),
        "features": count,
        "geometry_type": info.get("geometry_type"),
        "fields": list(info.get("fields", [])),
        "bounds": tuple(info["total_bounds"]) if count else None,
        "bounds_wgs84": None,
        "overlaps": count > 0,
    }
    if count:
        facts["bounds_wgs84"] = _bounds_wgs84(crs, facts["bounds"])
    problem = None
    if count == 0:
        problem = "the layer has no features"
    elif bounds_overlap is not None and not _overlaps(facts["bounds_wgs84"], bounds_overlap):
        facts["overlaps"] = False
        problem = (
            f"its features cover {_fmt_box(facts['bounds_wgs84'])}, which does not overlap the "
            f"study area {_fmt_box(bounds_overlap)}"
        )
    if problem:
        fix = "Check that this is the right file and that its CRS is declared correctly."
        if strict:
            raise input_error(path, problem, fix)
        logger.warning("%s: %s. %s", path, problem, fix)
    return facts


def _lookup(data: Any, dotted: str) -> tuple[bool, Any]:
    """Follow ``a.b.c`` through nested dicts; ``(found, value)``."""
    node = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def check_json_api(path: str | Path, *, required_keys: Iterable[str]) -> Any:
    """Check that ``path`` holds a JSON API answer with ``required_keys``, not an error answer.

    NASA POWER answers a bad request with ``messages`` and ``errors`` (and no data); those texts
    are quoted in the error.

    Parameters
    ----------
    path : str or Path
        The saved response.
    required_keys : iterable of str
        Keys the top-level object must contain; dotted names reach into nested objects, e.g.
        ``"properties.parameter"``.

    Returns
    -------
    object
        The parsed JSON.

    Raises
    ------
    InputError
        The file is missing, not JSON, an error answer or lacks a required key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise input_error(path, "file not found", "Download it again.") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise input_error(path, f"cannot be read as text ({exc})", "Download it again.") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        snippet = " ".join(text[:120].split())
        raise input_error(
            path,
            f"not valid JSON ({exc.msg} at line {exc.lineno}); it starts with {snippet!r}",
            "The API probably answered with an error page: check the URL and try again later.",
        ) from exc
    required = list(required_keys)
    missing = [k for k in required if not _lookup(data, k)[0]]
    api_errors: list[str] = []
    if isinstance(data, dict):
        for key in ("errors", "messages", "message", "detail"):
            value = data.get(key)
            if value:
                api_errors += [str(v) for v in value] if isinstance(value, list) else [str(value)]
        has_errors = bool(data.get("errors"))
    else:
        has_errors = False
    if missing or has_errors:
        said = f"; the API said: {' | '.join(api_errors)}" if api_errors else ""
        what = f"missing key(s) {', '.join(missing)}" if missing else "an error answer"
        raise input_error(
            path,
            f"the JSON is {what}{said}",
            "Check the request parameters (coordinates, dates, parameter names) and try again.",
        )
    return data


def check_sqlite(path: str | Path, member: str | None = None, table: str | None = None) -> dict[str, Any]:
    """Check that ``path`` (or its zip member ending in ``member``) is an SQLite database.

    Parameters
    ----------
    path : str or Path
        An SQLite file, or a zip archive containing one.
    member : str, optional
        For a zip: suffix of the member, e.g. ``"HWSD2.sqlite"``; without it the zip must hold
        exactly one ``.sqlite``/``.db`` member.
    table : str, optional
        A table that must exist, e.g. ``"HWSD2_LAYERS"``.

    Returns
    -------
    dict
        ``gdal_path`` (readable by GDAL/pyogrio, ``/vsizip/…`` inside a zip) and ``tables``.

    Raises
    ------
    InputError
        The file is missing, not SQLite, or lacks ``table``.
    """
    path = Path(path)
    if not path.exists():
        raise input_error(path, "file not found", "Download it or place it there by hand.")
    fix = "Delete it and download it again, or place the provider's original file there."
    if zipfile.is_zipfile(path):
        if member is None:
            with zipfile.ZipFile(path) as zf:
                found = [n for n in zf.namelist() if n.lower().endswith((".sqlite", ".db"))]
            member = found[0] if len(found) == 1 else ".sqlite"
        name = _zip_member(path, member, kind="SQLite")
        with zipfile.ZipFile(path) as zf, zf.open(name) as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        gdal_path = f"/vsizip/{path.absolute().as_posix()}/{name}"
    else:
        with path.open("rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        gdal_path = str(path)
    if head != _SQLITE_MAGIC:
        raise input_error(path, "not an SQLite database (wrong file header)", fix)
    try:
        import pyogrio

        tables = [str(row[0]) for row in pyogrio.list_layers(gdal_path)]
    except Exception as exc:
        raise input_error(path, f"the SQLite database cannot be read ({exc})", fix) from exc
    if table is not None and table not in tables:
        raise input_error(
            path,
            f"table {table!r} not found (tables: {', '.join(tables) or 'none'})",
            "Check that this is the expected database release.",
        )
    return {"gdal_path": gdal_path, "tables": tables}
