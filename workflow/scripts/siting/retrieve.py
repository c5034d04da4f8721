"""Robust downloads: retries with backoff, timeouts, verification and atomic writes.

Three entry points:

* :func:`download` fetches one URL to a local path. Connection errors and HTTP 429/5xx answers are
  retried by :class:`urllib3.util.Retry` (mounted on a :class:`requests.Session`) with exponential
  backoff; a body that breaks off or stalls after the headers (which urllib3 cannot retry) is
  fetched again. The body streams to a temporary file next to the destination, is checked
  against ``Content-Length`` and by the ``verify`` callback, and only then is moved onto the
  destination with :func:`os.replace`. A file already in place that verifies is used as is.
* :func:`ensure` is :func:`download` that honours ``data.offline``: offline, it never touches the
  network and says where to place a missing file.
* :func:`read_window` reads only the window of a cloud-optimised GeoTIFF that covers a bounding
  box, through GDAL's ``/vsicurl/`` (HTTP range requests), and writes it as a tiled, compressed
  GeoTIFF. This is how the Global Wind Atlas China layers are fetched (~18 MB for Shanxi instead of
  the whole country).

Every failure raises :class:`siting.errors.DownloadError` with one message that names the URL, what
went wrong and the exact local path where a user may place the file by hand, and leaves neither the
destination nor a temporary file behind.
"""

from __future__ import annotations

import logging
import math
import os
import secrets
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import rasterio
import requests
import urllib3
from rasterio.warp import transform_bounds
from rasterio.windows import Window, from_bounds
from requests.adapters import HTTPAdapter
from tqdm.auto import tqdm
from urllib3.util.retry import Retry

from siting.errors import DownloadError, InputError

logger = logging.getLogger(__name__)

BBox = tuple[float, float, float, float]
"""(west, south, east, north) in degrees, EPSG:4326."""

Verify = Callable[[Path], Any]
"""A check run on a downloaded file; raises :class:`~siting.errors.InputError` when it is bad."""

DEFAULT_TIMEOUT_S: tuple[float, float] = (10.0, 60.0)
"""(connect, read) timeouts [s]; the read timeout is the longest silence allowed, not a total."""

RETRY_STATUS = frozenset({429, 500, 502, 503, 504})
"""HTTP statuses retried with backoff."""

MAX_RETRY_AFTER_S = 300
"""Longest ``Retry-After`` [s] a server may impose before the download gives up."""

PROGRESS_MIN_BYTES = 4 * 1024 * 1024
"""Files smaller than this [bytes] get no progress bar."""

_CHUNK_BYTES = 1024 * 1024
_USER_AGENT = "shanxi-siting (+https://github.com; data retrieval for a siting study)"
_GWA_HINT = (
    "for the Global Wind Atlas this means the layer name or height is probably wrong (layers: "
    "wind-speed, power-density, air-density, combined-Weibull-A, combined-Weibull-k; heights: "
    "10, 50, 100, 150, 200 m)"
)


class _BodyError(Exception):
    """The response body broke off or stalled after the headers; worth fetching again."""


# --------------------------------------------------------------------------------------------------
# Sessions and messages
# --------------------------------------------------------------------------------------------------


def make_session(*, retries: int = 4, backoff_s: float = 1.0) -> requests.Session:
    """A :class:`requests.Session` that retries connection errors and HTTP 429/5xx.

    Parameters
    ----------
    retries : int, default 4
        Retries after the first attempt, for connection errors, read timeouts before the headers
        and the statuses in :data:`RETRY_STATUS`.
    backoff_s : float, default 1.0
        Backoff factor [s]: waits grow as ``backoff_s * 2**(n - 1)`` between retries (urllib3
        semantics), capped at 60 s; a server's ``Retry-After`` is honoured up to
        :data:`MAX_RETRY_AFTER_S`.

    Returns
    -------
    requests.Session
        With the retry policy mounted for ``http://`` and ``https://``.
    """
    retry = Retry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        allowed_methods=frozenset({"GET", "HEAD"}),
        status_forcelist=RETRY_STATUS,
        backoff_factor=backoff_s,
        backoff_max=60.0,
        raise_on_status=False,
        respect_retry_after_header=True,
        retry_after_max=MAX_RETRY_AFTER_S,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = _USER_AGENT
    return session


def _failure(url: str, dest: Path, reason: str) -> DownloadError:
    """The one message of a failed download: URL, what went wrong, where to place the file."""
    return DownloadError(
        f"Could not download {url}: {reason}. To continue without downloading, get the file by "
        f"other means and place it at {Path(dest).absolute()}"
    )


def _temp_path(dest: Path) -> Path:
    """A fresh temporary path next to ``dest``, keeping its suffix (GDAL/pyogrio look at it)."""
    return dest.with_name(f"{dest.name}.part-{secrets.token_hex(4)}{dest.suffix}")


def _status_reason(resp: requests.Response, *, retries: int) -> str:
    """Explain a non-success HTTP answer."""
    code = resp.status_code
    text = f"HTTP {code} {resp.reason or ''}".rstrip()
    if resp.history and code in (403, 404):
        first = resp.history[0]
        return (
            f"the server redirected (HTTP {first.status_code}) to {resp.url}, which answered "
            f"{text}: the file it points to probably does not exist; {_GWA_HINT}"
        )
    if code == 404:
        return f"{text}: no file at this URL (check the tile name, version or layer)"
    if code in (401, 403):
        return f"{text}: access denied (the file may not exist, or needs a login)"
    if code in RETRY_STATUS:
        return f"{text} after {retries} retries: the server is busy or down, try again later"
    detail = ""
    ctype = resp.headers.get("Content-Type", "")
    if "json" in ctype or "text" in ctype:
        try:
            detail = " ".join(resp.text[:300].split())
        except (requests.RequestException, UnicodeDecodeError):
            detail = ""
    return f"{text}" + (f"; the server said: {detail}" if detail else "")


def _exception_reason(exc: BaseException, *, timeout_s: tuple[float, float], attempts: int) -> str:
    """Explain a requests/urllib3 exception in words a user understands."""
    connect_s, read_s = timeout_s
    reason = exc
    tries = ""
    # requests wraps urllib3's MaxRetryError; its ``reason`` is the last underlying error.
    inner = exc.args[0] if exc.args else None
    if isinstance(inner, urllib3.exceptions.MaxRetryError):
        reason = inner.reason or exc
        tries = f" ({attempts} attempts)" if attempts > 1 else ""
    elif isinstance(inner, urllib3.exceptions.HTTPError):
        reason = inner
    # NewConnectionError subclasses ConnectTimeoutError in urllib3 2: test it first.
    if isinstance(reason, urllib3.exceptions.NewConnectionError):
        return f"cannot connect ({reason}){tries}"
    if isinstance(reason, urllib3.exceptions.ConnectTimeoutError) or isinstance(exc, requests.ConnectTimeout):
        return f"timeout: no connection within {connect_s:g} s{tries}"
    if isinstance(reason, urllib3.exceptions.ReadTimeoutError) or isinstance(exc, requests.ReadTimeout):
        return f"timeout: the server sent nothing for {read_s:g} s{tries}"
    if isinstance(exc, requests.TooManyRedirects):
        return "too many redirects"
    return f"{type(reason).__name__}: {reason}{tries}"


def _verify_reason(exc: InputError, tmp: Path) -> str:
    """The reason of a failed check, with the temporary file's name replaced by words."""
    reason = str(getattr(exc, "reason", exc))
    for name in (tmp.absolute().as_posix(), str(tmp)):
        reason = reason.replace(name, "the downloaded file")
    return "verification failed: " + reason


def _is_cached(dest: Path, verify: Verify | None) -> bool:
    """Whether ``dest`` exists and verifies (an existing file that does not is fetched again)."""
    if not dest.exists():
        return False
    if verify is None:
        return True
    try:
        verify(dest)
    except InputError as exc:
        why = getattr(exc, "reason", exc)
        logger.warning("%s exists but fails verification (%s); fetching it again", dest, why)
        return False
    return True


def _show_progress(progress: bool, total: int | None) -> bool:
    if not progress or not sys.stderr.isatty():
        return False
    return total is None or total >= PROGRESS_MIN_BYTES


# --------------------------------------------------------------------------------------------------
# Whole-file downloads
# --------------------------------------------------------------------------------------------------


def _fetch_once(
    session: requests.Session,
    url: str,
    dest: Path,
    *,
    verify: Verify | None,
    timeout_s: tuple[float, float],
    retries: int,
    progress: bool,
) -> Path:
    """One GET (urllib3 retries included) into a temporary file, verified, then moved onto ``dest``."""
    tmp = _temp_path(dest)
    try:
        try:
            resp = session.get(url, stream=True, timeout=timeout_s)
        except requests.RequestException as exc:
            raise _failure(
                url, dest, _exception_reason(exc, timeout_s=timeout_s, attempts=retries + 1)
            ) from exc
        with resp:
            if resp.status_code != 200:
                raise _failure(url, dest, _status_reason(resp, retries=retries))
            length = resp.headers.get("Content-Length")
            expected = int(length) if length and length.isdigit() else None
            try:
                with (
                    tmp.open("xb") as fh,
                    tqdm(
                        total=expected,
                        unit="B",
                        unit_scale=True,
                        unit_divisor=1024,
                        desc=dest.name,
                        leave=False,
                        disable=not _show_progress(progress, expected),
                    ) as bar,
                ):
                    for chunk in resp.iter_content(chunk_size=_CHUNK_BYTES):
                        fh.write(chunk)
                        bar.update(len(chunk))
            except requests.exceptions.ChunkedEncodingError as exc:
                of = f" of {expected}" if expected is not None else ""
                raise _BodyError(
                    f"truncated: the connection closed after {resp.raw.tell()}{of} bytes"
                ) from exc
            except requests.ConnectionError as exc:
                raise _BodyError(
                    _exception_reason(exc, timeout_s=timeout_s, attempts=1) + " during the body"
                ) from exc
            # Bytes on the wire (before any content decoding), to compare with Content-Length.
            received = resp.raw.tell()
            if expected is not None and received != expected:
                raise _BodyError(f"truncated: received {received} of {expected} bytes (Content-Length)")
        if verify is not None:
            try:
                verify(tmp)
            except InputError as exc:
                raise _failure(url, dest, _verify_reason(exc, tmp)) from exc
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
    return dest


def download(
    url: str,
    dest: str | Path,
    *,
    verify: Verify | None = None,
    timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S,
    retries: int = 4,
    backoff_s: float = 1.0,
    progress: bool = True,
    session: requests.Session | None = None,
) -> Path:
    """Download ``url`` to ``dest`` atomically, with retries, verification and caching.

    Parameters
    ----------
    url : str
        What to fetch; redirects are followed.
    dest : str or Path
        Where the file goes. If it already exists and passes ``verify``, nothing is requested.
    verify : callable, optional
        Called with the downloaded (temporary) file before it is moved onto ``dest``, and with an
        existing ``dest``; raises :class:`~siting.errors.InputError` when the file is bad, e.g.
        ``functools.partial(siting.verify.check_raster, dtype="float32")``.
    timeout_s : (float, float), default (10, 60)
        Connect and read timeouts [s]; the read timeout bounds each silence, not the total time.
    retries : int, default 4
        Retries after the first attempt: connection errors and HTTP 429/5xx through urllib3's
        :class:`~urllib3.util.Retry`, and a body that breaks off or stalls by fetching again.
    backoff_s : float, default 1.0
        Exponential backoff factor [s] between retries.
    progress : bool, default True
        Show a tqdm progress bar (only on a terminal and for files of at least
        :data:`PROGRESS_MIN_BYTES`).
    session : requests.Session, optional
        Session to use as is (its own retry policy applies); default one from
        :func:`make_session`.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        The download failed (HTTP status, timeout, truncated body or failed verification); the
        message names the URL, the reason and where to place the file by hand. Neither ``dest``
        nor a temporary file is left behind (a pre-existing ``dest`` is left untouched).
    """
    dest = Path(dest)
    cached = _is_cached(dest, verify)
    if cached:
        logger.info("using %s (already present)", dest)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    own_session = session is None
    http = make_session(retries=retries, backoff_s=backoff_s) if session is None else session
    logger.info("downloading %s -> %s", url, dest)
    try:
        for attempt in range(retries + 1):
            try:
                return _fetch_once(
                    http,
                    url,
                    dest,
                    verify=verify,
                    timeout_s=timeout_s,
                    retries=retries,
                    progress=progress,
                )
            except _BodyError as exc:
                if attempt == retries:
                    tries = f" (after {retries + 1} attempts)" if retries else ""
                    raise _failure(url, dest, f"{exc}{tries}") from exc
                wait_s = backoff_s * 2**attempt
                logger.warning("%s: %s; retrying in %.1f s", url, exc, wait_s)
                time.sleep(wait_s)
    finally:
        if own_session:
            http.close()
    raise AssertionError("unreachable")  # pragma: no cover


def _offline_error(url: str, dest: Path) -> DownloadError:
    return DownloadError(
        f"{Path(dest).absolute()} is missing and the run is offline (data.offline: true), so "
        f"{url} is not downloaded. Place the file there by hand, or set data.offline: false to "
        "download it."
    )


def ensure(
    url: str,
    dest: str | Path,
    *,
    offline: bool,
    verify: Verify | None = None,
    **download_options: Any,
) -> Path:
    """``dest`` if present (and valid), else download it, unless the run is offline.

    Parameters
    ----------
    url : str
        Where the file comes from.
    dest : str or Path
        Where it goes.
    offline : bool
        ``data.offline`` from config: never touch the network.
    verify : callable, optional
        As in :func:`download`; offline, an existing file that fails it raises
        :class:`~siting.errors.InputError` (naming the file and the fix).
    **download_options
        Passed to :func:`download` (``timeout_s``, ``retries``, ``backoff_s``, ``progress``,
        ``session``).

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        Offline and ``dest`` is missing, or the download failed.
    InputError
        Offline and ``dest`` fails ``verify``.
    """
    dest = Path(dest)
    if offline:
        if not dest.exists():
            raise _offline_error(url, dest)
        if verify is not None:
            verify(dest)
        return dest
    return download(url, dest, verify=verify, **download_options)


def missing_files(paths: Iterable[str | Path]) -> list[Path]:
    """The paths among ``paths`` that do not exist, in order (to report all at once)."""
    return [Path(p) for p in paths if not Path(p).exists()]


def require_files(items: Iterable[tuple[str, str | Path]]) -> None:
    """Raise one :class:`DownloadError` listing every missing ``(url, path)`` of an offline run.

    Parameters
    ----------
    items : iterable of (str, str or Path)
        ``(url, local_path)`` pairs the run needs.
    """
    items = list(items)
    missing = set(missing_files(p for _, p in items))
    lines = [f"  {Path(p).absolute()}  <- {u}" for u, p in items if Path(p) in missing]
    if lines:
        raise DownloadError(
            f"{len(lines)} input file(s) are missing and the run is offline (data.offline: true). "
            "Place each file at the path shown (downloaded from the URL next to it), or set "
            "data.offline: false:\n" + "\n".join(lines)
        )


# --------------------------------------------------------------------------------------------------
# Windowed reads of cloud-optimised GeoTIFFs
# --------------------------------------------------------------------------------------------------


def _is_url(url_or_path: str | Path) -> bool:
    return isinstance(url_or_path, str) and urlsplit(url_or_path).scheme in ("http", "https")


def resolve_url(
    url: str,
    dest: str | Path,
    *,
    timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S,
    session: requests.Session | None = None,
) -> tuple[str, bool]:
    """Follow redirects from ``url`` to the file and check that it exists.

    Asks for the first byte only (``Range: bytes=0-0``), so nothing large is transferred.

    Parameters
    ----------
    url : str
        E.g. a Global Wind Atlas API URL that redirects to a GeoTIFF.
    dest : str or Path
        Local path named in error messages.
    timeout_s : (float, float)
        Connect and read timeouts [s].
    session : requests.Session, optional
        Default one from :func:`make_session`.

    Returns
    -------
    (str, bool)
        The final URL and whether the server honours range requests (HTTP 206).

    Raises
    ------
    DownloadError
        The URL or its redirect target answers with an error.
    """
    http = session or make_session()
    try:
        with http.get(url, stream=True, timeout=timeout_s, headers={"Range": "bytes=0-0"}) as resp:
            if resp.status_code not in (200, 206):
                raise _failure(url, Path(dest), _status_reason(resp, retries=0))
            return resp.url, resp.status_code == 206
    except requests.RequestException as exc:
        reason = _exception_reason(exc, timeout_s=timeout_s, attempts=1)
        raise _failure(url, Path(dest), reason) from exc
    finally:
        if session is None:
            http.close()


def gdal_http_options(
    *, timeout_s: tuple[float, float], retries: int, backoff_s: float, url: str | None = None
) -> dict[str, str]:
    """GDAL configuration options for ``/vsicurl/`` reads with timeouts and retries.

    Parameters
    ----------
    timeout_s : (float, float)
        Connect and read timeouts [s]; a transfer slower than 1 byte/s for the read timeout is
        aborted, and one request may take at most five read timeouts.
    retries : int
        Retries of HTTP 429/5xx and transient errors (GDAL doubles the delay each time).
    backoff_s : float
        First retry delay [s].
    url : str, optional
        The file URL; if its path ends in ``.tif``/``.tiff``, GDAL is told that only such files
        exist on the server (no probing for side-car files).

    Returns
    -------
    dict of str
        For :class:`rasterio.Env`.
    """
    connect_s, read_s = timeout_s
    options = {
        "GDAL_HTTP_CONNECTTIMEOUT": str(max(1, math.ceil(connect_s))),
        "GDAL_HTTP_TIMEOUT": str(max(1, math.ceil(5 * read_s))),
        "GDAL_HTTP_LOW_SPEED_TIME": str(max(1, math.ceil(read_s))),
        "GDAL_HTTP_LOW_SPEED_LIMIT": "1",
        "GDAL_HTTP_MAX_RETRY": str(retries),
        "GDAL_HTTP_RETRY_DELAY": f"{max(backoff_s, 0.0):g}",
        "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
        "GDAL_HTTP_MERGE_CONSECUTIVE_RANGES": "YES",
        "VSI_CACHE": "TRUE",
        "GDAL_HTTP_USERAGENT": _USER_AGENT,
    }
    if url is not None and urlsplit(url).path.lower().endswith((".tif", ".tiff")):
        options["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"] = ".tif,.tiff,.TIF,.TIFF"
    return options


def _window_for(src: rasterio.io.DatasetReader, bounds_wgs84: BBox) -> Window | None:
    """The whole-pixel window of ``src`` covering ``bounds_wgs84`` (outward), clipped to ``src``."""
    if src.crs is not None and src.crs.to_epsg() != 4326:
        bounds = transform_bounds("EPSG:4326", src.crs, *bounds_wgs84, densify_pts=21)
    else:
        bounds = bounds_wgs84
    win = from_bounds(*bounds, transform=src.transform)
    eps = 1e-6
    col0 = max(0, math.floor(win.col_off + eps))
    row0 = max(0, math.floor(win.row_off + eps))
    col1 = min(src.width, math.ceil(win.col_off + win.width - eps))
    row1 = min(src.height, math.ceil(win.row_off + win.height - eps))
    if col1 <= col0 or row1 <= row0:
        return None
    return Window(col0, row0, col1 - col0, row1 - row0)


def _write_window(src: rasterio.io.DatasetReader, win: Window, path: Path, *, block_size: int) -> None:
    """Copy window ``win`` of ``src`` to a tiled, deflate-compressed GeoTIFF at ``path``."""
    dtype = src.dtypes[0]
    profile = {
        "driver": "GTiff",
        "width": int(win.width),
        "height": int(win.height),
        "count": src.count,
        "dtype": dtype,
        "nodata": src.nodata,
        "crs": src.crs,
        "transform": src.window_transform(win),
        "tiled": True,
        "blockxsize": block_size,
        "blockysize": block_size,
        "compress": "deflate",
        "predictor": 3 if dtype.startswith("float") else 2,
        "bigtiff": "IF_SAFER",
    }
    strip = block_size * 4  # rows per read: memory is bounded by the strip, not the window
    with rasterio.open(path, "w", **profile) as dst:
        dst.update_tags(**src.tags())
        for band in range(1, src.count + 1):
            dst.update_tags(band, **src.tags(band))
            if src.descriptions[band - 1]:
                dst.set_band_description(band, src.descriptions[band - 1])
        for row in range(0, int(win.height), strip):
            height = min(strip, int(win.height) - row)
            part = Window(win.col_off, win.row_off + row, win.width, height)
            dst.write(src.read(window=part), window=Window(0, row, win.width, height))


def read_window(
    url_or_path: str | Path,
    dest: str | Path,
    *,
    bounds_wgs84: BBox,
    verify: Verify | None = None,
    offline: bool = False,
    timeout_s: tuple[float, float] = DEFAULT_TIMEOUT_S,
    retries: int = 4,
    backoff_s: float = 1.0,
    block_size: int = 256,
    session: requests.Session | None = None,
) -> Path:
    """Write the window of a (cloud-optimised) GeoTIFF that covers ``bounds_wgs84`` to ``dest``.

    A URL is first resolved with a one-byte GET (redirects followed, errors turned into a clear
    :class:`DownloadError`), then read through GDAL's ``/vsicurl/`` with range requests, so only
    the tiles of the window travel. A server without range support gets the whole file downloaded
    to a temporary file first. A local path (e.g. a country file placed by hand) is read directly.

    Parameters
    ----------
    url_or_path : str or Path
        ``http(s)://`` URL of the GeoTIFF (or of an API that redirects to it), or a local file.
    dest : str or Path
        Output GeoTIFF: same dtype, nodata, CRS and pixel grid as the source, tiled
        (``block_size``), deflate-compressed. If it exists and passes ``verify``, nothing is read.
    bounds_wgs84 : tuple of float
        (west, south, east, north) [degrees, EPSG:4326]; the window is rounded outward to whole
        source pixels.
    verify : callable, optional
        Run on the written temporary file (and on an existing ``dest``); raises
        :class:`~siting.errors.InputError` when bad.
    offline : bool, default False
        Never touch the network; a missing ``dest`` is an error saying where to place it.
    timeout_s, retries, backoff_s
        As in :func:`download`; passed to GDAL through :func:`gdal_http_options`.
    block_size : int, default 256
        Tile size [pixels] of the output (a multiple of 16).
    session : requests.Session, optional
        For resolving the URL; default one from :func:`make_session`.

    Returns
    -------
    Path
        ``dest``.

    Raises
    ------
    DownloadError
        The source cannot be reached or read, does not cover the bounds, or the result fails
        ``verify``; nothing is left at ``dest`` and no temporary file remains.
    """
    dest = Path(dest)
    source = str(url_or_path)
    if offline:
        if not dest.exists():
            raise _offline_error(source, dest)
        if verify is not None:
            verify(dest)
        return dest
    cached = _is_cached(dest, verify)
    if cached:
        logger.info("using %s (already present)", dest)
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)

    full_copy: Path | None = None
    env: dict[str, str] = {}
    if _is_url(source):
        http = make_session(retries=retries, backoff_s=backoff_s) if session is None else session
        try:
            final_url, ranges = resolve_url(source, dest, timeout_s=timeout_s, session=http)
            if ranges:
                gdal_path = "/vsicurl/" + final_url
                env = gdal_http_options(
                    timeout_s=timeout_s, retries=retries, backoff_s=backoff_s, url=final_url
                )
            else:
                logger.warning("%s does not support range requests; downloading the whole file", final_url)
                full_copy = _temp_path(dest.with_name(dest.name + ".full"))
                download(
                    final_url,
                    full_copy,
                    timeout_s=timeout_s,
                    retries=retries,
                    backoff_s=backoff_s,
                    session=http,
                )
                gdal_path = str(full_copy)
        finally:
            if session is None:
                http.close()
    else:
        if not Path(source).exists():
            raise _failure(source, dest, "the local source file does not exist")
        gdal_path = source
    logger.info("reading window %s of %s -> %s", bounds_wgs84, source, dest)

    tmp = _temp_path(dest)
    try:
        try:
            with rasterio.Env(**env), rasterio.open(gdal_path) as src:
                win = _window_for(src, bounds_wgs84)
                if win is None:
                    raise _failure(
                        source,
                        dest,
                        f"the raster (bounds {tuple(round(b, 4) for b in src.bounds)} in "
                        f"{src.crs}) does not cover {bounds_wgs84}",
                    )
                _write_window(src, win, tmp, block_size=block_size)
        except DownloadError:
            raise
        except Exception as exc:  # rasterio raises RasterioIOError and CPLE_* errors
            raise _failure(source, dest, f"reading the window failed: {exc}") from exc
        if verify is not None:
            try:
                verify(tmp)
            except InputError as exc:
                raise _failure(source, dest, _verify_reason(exc, tmp)) from exc
        os.replace(tmp, dest)
    finally:
        tmp.unlink(missing_ok=True)
        if full_copy is not None:
            full_copy.unlink(missing_ok=True)
    return dest
