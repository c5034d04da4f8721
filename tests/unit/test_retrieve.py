"""Downloads against a local HTTP server that serves demo-format files at the providers' URL paths.

Every failure case checks the one message (URL, reason, local path) and that neither the
destination nor a temporary file is left behind.
"""

from __future__ import annotations

import functools
import io
import math
import zipfile
from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.shutil
from http_server import LocalHTTPServer, Route
from rasterio.transform import from_bounds

from siting import retrieve, sources
from siting.errors import DownloadError, InputError
from siting.verify import check_raster

SHANXI = (110.2, 34.5, 114.6, 40.8)
CHINA = (73.0, 18.0, 135.0, 54.0)
GWA_RES_DEG = 0.1

DEM_URL = sources.dem_tiles("copdem_glo90", (112.2, 37.2, 112.8, 37.8))[0][0]
WC_URL = sources.worldcover_tiles("worldcover_2021", (111.5, 36.5, 112.0, 37.0))[0][0]
GHI_URL = sources.get_source("gsa_ghi").url_for()
GWA = sources.get_source("gwa_wind_speed")
GWA_API_URL = GWA.url_for(country="CHN", height=100)
GWA_FILE_PATH = "/country_tifs/CHN_wind-speed_100m.tif"  # where the API redirects (stand-in)

FAST = {"timeout_s": (2.0, 2.0), "retries": 1, "backoff_s": 0.0, "progress": False}


# --------------------------------------------------------------------------------------------------
# Demo-format files
# --------------------------------------------------------------------------------------------------


def _geotiff(
    path: Path,
    *,
    bounds: tuple[float, float, float, float],
    data: np.ndarray,
    crs: str = "EPSG:4326",
    nodata: float | None = None,
    cog: bool = False,
) -> bytes:
    """Write ``data`` as a GeoTIFF (or a COG with 64-pixel tiles) and return its bytes."""
    height, width = data.shape
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": data.dtype.name,
        "crs": crs,
        "transform": from_bounds(*bounds, width, height),
        "nodata": nodata,
    }
    plain = path.with_suffix(".plain.tif") if cog else path
    with rasterio.open(plain, "w", **profile) as dst:
        dst.write(data, 1)
    if cog:
        rasterio.shutil.copy(plain, path, driver="COG", BLOCKSIZE=64, COMPRESS="DEFLATE")
    return path.read_bytes()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Bytes of small demo-format files, keyed by kind."""
    root = tmp_path_factory.mktemp("served")
    rng = np.random.default_rng(0)
    out = {
        "dem": _geotiff(
            root / "dem.tif",
            bounds=(112.0, 37.0, 113.0, 38.0),
            data=rng.uniform(500, 2500, (60, 60)).astype("float32"),
        ),
        "worldcover": _geotiff(
            root / "wc.tif",
            bounds=(111.0, 36.0, 114.0, 39.0),
            data=rng.choice(np.array([10, 30, 40, 50, 60, 80], "uint8"), (90, 90)),
            nodata=0,
        ),
        "mercator": _geotiff(
            root / "merc.tif",
            bounds=(12.2e6, 4.4e6, 12.3e6, 4.5e6),
            data=np.ones((20, 20), "float32"),
            crs="EPSG:3857",
        ),
    }
    ghi = _geotiff(
        root / "ghi.tif",
        bounds=(100.0, 30.0, 120.0, 45.0),
        data=rng.uniform(3, 5, (30, 40)).astype("float32"),
    )
    buf = io.BytesIO()
    folder = "World_GHI_GISdata_LTAy_AvgDailyTotals_GlobalSolarAtlas-v2_GEOTIFF"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(f"{folder}/GHI.tif", ghi)
        zf.writestr(f"{folder}/README.txt", "demo")
    out["ghi_zip"] = buf.getvalue()
    # The GWA China layer: float32, NaN nodata, a COG with random values (incompressible, so
    # a windowed read transfers visibly fewer bytes than the file).
    width = round((CHINA[2] - CHINA[0]) / GWA_RES_DEG)
    height = round((CHINA[3] - CHINA[1]) / GWA_RES_DEG)
    wind = rng.uniform(2, 12, (height, width)).astype("float32")
    wind[150:160, 380:390] = np.nan  # inside the Shanxi window
    out["gwa"] = _geotiff(root / "gwa.tif", bounds=CHINA, data=wind, nodata=math.nan, cog=True)
    (root / "gwa_local.tif").write_bytes(out["gwa"])
    out["gwa_local"] = str(root / "gwa_local.tif").encode()
    return out


def _raw(tmp_path: Path, url: str) -> Path:
    """Local destination for ``url``, as the catalogue lays out ``resources/raw``."""
    for sid, fields in [
        ("copdem_glo90", {"name": url.rsplit("/", 1)[-1].removesuffix(".tif")}),
        ("worldcover_2021", {"tile": url.rsplit("_", 2)[-2]}),
    ]:
        src = sources.get_source(sid)
        if src.url_for(**fields) == url:
            return tmp_path / "raw" / src.path_for(**fields)
    return tmp_path / "raw" / url.rsplit("/", 1)[-1]


def _assert_clean_failure(
    exc: pytest.ExceptionInfo[DownloadError], *, url: str, dest: Path, words: list[str]
) -> None:
    message = str(exc.value)
    assert url in message
    assert str(dest.absolute()) in message
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    assert not dest.exists()
    leftovers = list(dest.parent.glob("*.part-*")) if dest.parent.exists() else []
    assert leftovers == []


VERIFY_DEM = functools.partial(check_raster, dtype="float32", bounds_overlap=SHANXI)


# --------------------------------------------------------------------------------------------------
# download / ensure
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind", "verify"),
    [
        (DEM_URL, "dem", VERIFY_DEM),
        (WC_URL, "worldcover", functools.partial(check_raster, dtype="uint8")),
        (GHI_URL, "ghi_zip", functools.partial(check_raster, member="GHI.tif", dtype="float32")),
    ],
    ids=["copdem", "worldcover", "gsa-zip"],
)
def test_download_writes_verified_file(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path, url, kind, verify
) -> None:
    http_server.add(url, Route(body=files[kind]))
    local_url = http_server.local(url)
    dest = _raw(tmp_path, url)

    out = retrieve.download(local_url, dest, verify=verify, **FAST)

    assert out == dest
    assert dest.read_bytes() == files[kind]
    assert list(dest.parent.glob("*.part-*")) == []
    assert http_server.count(url, method="GET") == 1


def test_cached_file_is_not_requested_again(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    url = http_server.add(DEM_URL, Route(body=files["dem"]))
    dest = tmp_path / "dem.tif"
    retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    mtime = dest.stat().st_mtime_ns

    retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    retrieve.ensure(url, dest, offline=False, verify=VERIFY_DEM, **FAST)

    assert http_server.count() == 1
    assert dest.stat().st_mtime_ns == mtime


def test_cached_file_that_fails_verification_is_fetched_again(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    url = http_server.add(DEM_URL, Route(body=files["dem"]))
    dest = tmp_path / "dem.tif"
    dest.write_bytes(b"half a file")

    retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)

    assert dest.read_bytes() == files["dem"]
    assert http_server.count() == 1


def test_404_names_url_and_local_path(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    url = http_server.local(DEM_URL)  # no route: 404
    dest = _raw(tmp_path, DEM_URL)
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    _assert_clean_failure(exc, url=url, dest=dest, words=["HTTP 404", "place it at"])
    assert http_server.count() == 1  # 404 is not retried


def test_redirect_to_403_says_layer_or_height_is_wrong(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    wrong = GWA_API_URL.replace("wind-speed", "wind-sped")
    http_server.add(wrong, Route(location=http_server.url("/country_tifs/CHN_wind-sped_100m.tif")))
    http_server.add("/country_tifs/CHN_wind-sped_100m.tif", Route(status=403))
    url = http_server.local(wrong)
    dest = tmp_path / "gwa" / "CHN_wind-sped_100m.tif"
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, **FAST)
    _assert_clean_failure(exc, url=url, dest=dest, words=["HTTP 302", "HTTP 403", "layer name or height"])


def test_truncated_body_is_retried_then_reported(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    body = files["dem"]
    url = http_server.add(DEM_URL, Route(body=body, truncate_to=len(body) // 2))
    dest = _raw(tmp_path, DEM_URL)
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    _assert_clean_failure(exc, url=url, dest=dest, words=["truncated", "2 attempts"])
    assert http_server.count(method="GET") == 2


def test_corrupt_geotiff_fails_verification(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    url = http_server.add(WC_URL, Route(body=b"<html>Service temporarily unavailable</html>"))
    dest = _raw(tmp_path, WC_URL)
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, verify=check_raster, **FAST)
    _assert_clean_failure(exc, url=url, dest=dest, words=["verification failed", "not a readable raster"])
    assert ".part-" not in str(exc.value)  # the temporary name is not shown to the user


def test_wrong_crs_fails_verification(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    url = http_server.add(DEM_URL, Route(body=files["mercator"]))
    dest = _raw(tmp_path, DEM_URL)
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    _assert_clean_failure(exc, url=url, dest=dest, words=["CRS is EPSG:3857, expected EPSG:4326"])


@pytest.mark.parametrize(
    "route",
    [Route(delay_s=1.0), Route(stall_after=1000, stall_s=1.0)],
    ids=["before-headers", "mid-body"],
)
def test_stalled_server_times_out(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path, route: Route
) -> None:
    route.body = files["dem"]
    url = http_server.add(DEM_URL, route)
    dest = _raw(tmp_path, DEM_URL)
    options = {**FAST, "timeout_s": (2.0, 0.3)}
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, verify=VERIFY_DEM, **options)
    _assert_clean_failure(exc, url=url, dest=dest, words=["timeout", "0.3 s", "2 attempts"])
    assert http_server.count(method="GET") == 2


def test_one_503_is_retried(http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path) -> None:
    url = http_server.add(DEM_URL, Route(body=files["dem"], fail_first=[503]))
    dest = tmp_path / "dem.tif"
    retrieve.download(url, dest, verify=VERIFY_DEM, **FAST)
    assert dest.read_bytes() == files["dem"]
    assert http_server.count(method="GET") == 2


def test_persistent_503_gives_up(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    url = http_server.add(DEM_URL, Route(fail_first=[503, 503, 503]))
    dest = tmp_path / "dem.tif"
    with pytest.raises(DownloadError) as exc:
        retrieve.download(url, dest, **{**FAST, "retries": 2})
    _assert_clean_failure(exc, url=url, dest=dest, words=["HTTP 503", "after 2 retries"])
    assert http_server.count(method="GET") == 3


def test_offline_missing_file_never_touches_network(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    url = http_server.add(DEM_URL, Route(body=files["dem"]))
    dest = _raw(tmp_path, DEM_URL)
    with pytest.raises(DownloadError) as exc:
        retrieve.ensure(url, dest, offline=True, verify=VERIFY_DEM)
    assert "data.offline: true" in str(exc.value)
    assert str(dest.absolute()) in str(exc.value)
    assert http_server.count() == 0


def test_offline_present_file_is_verified(tmp_path: Path, files: dict[str, bytes]) -> None:
    dest = tmp_path / "dem.tif"
    dest.write_bytes(files["mercator"])
    with pytest.raises(InputError, match="EPSG:3857"):
        retrieve.ensure("http://127.0.0.1:9/x.tif", dest, offline=True, verify=VERIFY_DEM)
    dest.write_bytes(files["dem"])
    assert retrieve.ensure("http://127.0.0.1:9/x.tif", dest, offline=True, verify=VERIFY_DEM)


def test_missing_files_are_listed_at_once(tmp_path: Path) -> None:
    present = tmp_path / "a.tif"
    present.write_bytes(b"x")
    absent = [tmp_path / "b.tif", tmp_path / "c" / "d.tif"]
    assert retrieve.missing_files([present, *absent]) == absent
    with pytest.raises(DownloadError) as exc:
        retrieve.require_files(
            [("http://127.0.0.1:9/a", present), *((f"http://127.0.0.1:9/{p.name}", p) for p in absent)]
        )
    message = str(exc.value)
    assert "2 input file(s)" in message
    assert all(str(p.absolute()) in message for p in absent)
    assert str(present.absolute()) not in message
    retrieve.require_files([("http://127.0.0.1:9/a", present)])  # nothing missing: no error


# --------------------------------------------------------------------------------------------------
# read_window (/vsicurl/ with range requests)
# --------------------------------------------------------------------------------------------------


def _expected_window(files: dict[str, bytes]) -> tuple[np.ndarray, tuple[float, ...]]:
    box = sources.gwa_window_bounds(SHANXI)
    with rasterio.open(files["gwa_local"].decode()) as src:
        win = rasterio.windows.from_bounds(*box, transform=src.transform).round_offsets()
        win = win.round_lengths()
        return src.read(1, window=win), box


def _check_window(dest: Path, files: dict[str, bytes]) -> None:
    expected, box = _expected_window(files)
    with rasterio.open(dest) as out:
        assert out.crs.to_epsg() == 4326
        assert out.dtypes[0] == "float32"
        assert math.isnan(out.nodata)
        assert out.profile["tiled"] and out.profile["compress"] == "deflate"
        assert out.bounds == pytest.approx(box, abs=1e-9)
        np.testing.assert_array_equal(out.read(1), expected)
    assert np.isnan(expected).sum() == 100


@pytest.mark.parametrize("via_redirect", [False, True], ids=["direct", "gwa-api-redirect"])
def test_read_window_fetches_only_the_window(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path, via_redirect: bool
) -> None:
    file_url = http_server.add(GWA_FILE_PATH, Route(body=files["gwa"]))
    url = file_url
    if via_redirect:
        url = http_server.add(GWA_API_URL, Route(location=file_url))
    label = sources.gwa_window_label(SHANXI)
    dest = tmp_path / "raw" / GWA.path_for(country="CHN", height=100, window=label)
    verify = functools.partial(check_raster, dtype="float32", bounds_overlap=SHANXI)

    retrieve.read_window(url, dest, bounds_wgs84=sources.gwa_window_bounds(SHANXI), verify=verify)

    _check_window(dest, files)
    assert list(dest.parent.glob("*.part-*")) == []
    gets = [r for r in http_server.requests if r.path == GWA_FILE_PATH and r.method == "GET"]
    assert len(gets) >= 2  # the probe and GDAL's reads
    assert all(r.range for r in gets)
    assert http_server.bytes_sent[GWA_FILE_PATH] < len(files["gwa"]) / 4

    before = len(http_server.requests)
    retrieve.read_window(url, dest, bounds_wgs84=sources.gwa_window_bounds(SHANXI), verify=verify)
    assert len(http_server.requests) == before  # cached


def test_read_window_redirect_to_403(http_server: LocalHTTPServer, tmp_path: Path) -> None:
    http_server.add(GWA_FILE_PATH, Route(status=403))
    url = http_server.add(GWA_API_URL, Route(location=http_server.url(GWA_FILE_PATH)))
    dest = tmp_path / "gwa" / "CHN_wind-speed_100m_window.tif"
    with pytest.raises(DownloadError) as exc:
        retrieve.read_window(url, dest, bounds_wgs84=SHANXI, retries=0)
    _assert_clean_failure(exc, url=url, dest=dest, words=["HTTP 403", "layer name or height"])


def test_read_window_without_range_support_downloads_whole_file(
    http_server: LocalHTTPServer, files: dict[str, bytes], tmp_path: Path
) -> None:
    url = http_server.add(GWA_FILE_PATH, Route(body=files["gwa"], ranges=False))
    dest = tmp_path / "gwa.tif"
    retrieve.read_window(url, dest, bounds_wgs84=sources.gwa_window_bounds(SHANXI))
    _check_window(dest, files)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gwa.tif"]


def test_read_window_from_local_file_and_bounds_outside(files: dict[str, bytes], tmp_path: Path) -> None:
    local = files["gwa_local"].decode()
    dest = tmp_path / "gwa.tif"
    retrieve.read_window(local, dest, bounds_wgs84=sources.gwa_window_bounds(SHANXI))
    _check_window(dest, files)

    far = tmp_path / "far.tif"
    with pytest.raises(DownloadError) as exc:
        retrieve.read_window(local, far, bounds_wgs84=(10.0, 50.0, 11.0, 51.0))
    _assert_clean_failure(exc, url=local, dest=far, words=["does not cover"])


def test_read_window_offline_missing(tmp_path: Path) -> None:
    dest = tmp_path / "gwa.tif"
    with pytest.raises(DownloadError, match=r"data\.offline: true"):
        retrieve.read_window(
            "http://127.0.0.1:9/api/gis/country/CHN/wind-speed/100",
            dest,
            bounds_wgs84=SHANXI,
            offline=True,
        )
