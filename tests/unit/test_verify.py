"""Format checks on tiny files built in the test."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import box

from siting.errors import InputError
from siting.verify import check_json_api, check_raster, check_sqlite, check_vector

SHANXI = (110.2, 34.5, 114.6, 40.8)


def _tif(path: Path, *, dtype: str = "float32", crs: str | None = "EPSG:4326", west=111.0) -> Path:
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        width=10,
        height=10,
        count=1,
        dtype=dtype,
        crs=crs,
        transform=from_origin(west, 38.0, 0.1, 0.1),
    ) as dst:
        dst.write(np.ones((1, 10, 10), dtype))
    return path


def test_check_raster_reports_facts(tmp_path: Path) -> None:
    facts = check_raster(_tif(tmp_path / "a.tif"), dtype={"float32"}, bounds_overlap=SHANXI)
    assert facts["crs"] == "EPSG:4326"
    assert facts["bounds_wgs84"] == pytest.approx((111.0, 37.0, 112.0, 38.0))
    assert facts["dtype"] == "float32"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dtype": "uint8"}, "data type is float32, expected uint8"),
        ({"bounds_overlap": (0.0, 0.0, 1.0, 1.0)}, "does not overlap"),
        ({"expected_crs": "EPSG:32649"}, "CRS is EPSG:4326, expected EPSG:32649"),
    ],
)
def test_check_raster_rejects(tmp_path: Path, kwargs: dict, message: str) -> None:
    path = _tif(tmp_path / "a.tif")
    with pytest.raises(InputError, match=message) as exc:
        check_raster(path, **kwargs)
    assert str(path) in str(exc.value)
    assert exc.value.path == path


def test_check_raster_without_crs_or_not_a_raster(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no CRS"):
        check_raster(_tif(tmp_path / "a.tif", crs=None))
    bad = tmp_path / "b.tif"
    bad.write_bytes(b"II*\x00 not really")
    with pytest.raises(InputError, match="not a readable raster"):
        check_raster(bad)
    with pytest.raises(InputError, match="file not found"):
        check_raster(tmp_path / "missing.tif")


def test_check_raster_zip_member(tmp_path: Path) -> None:
    archive = tmp_path / "World_GHI.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(_tif(tmp_path / "g.tif"), "World_GHI/GHI.tif")
        zf.write(_tif(tmp_path / "d.tif"), "World_GHI/DNI.tif")
    facts = check_raster(archive, member="GHI.tif")
    assert facts["gdal_path"].startswith("/vsizip/") and facts["gdal_path"].endswith("/GHI.tif")
    with pytest.raises(InputError, match=r"ending in 'PVOUT.tif'.*GHI.tif"):
        check_raster(archive, member="PVOUT.tif")
    with pytest.raises(InputError, match="exactly one GeoTIFF"):
        check_raster(archive)


def test_check_vector(tmp_path: Path) -> None:
    path = tmp_path / "mines.gpkg"
    gpd.GeoDataFrame({"id": [1]}, geometry=[box(112, 37, 112.1, 37.1)], crs=4326).to_file(path)
    facts = check_vector(path, bounds_overlap=SHANXI)
    assert facts["features"] == 1 and facts["overlaps"]

    far = tmp_path / "far.geojson"
    gpd.GeoDataFrame({"id": [1]}, geometry=[box(0, 0, 1, 1)], crs=4326).to_file(far)
    with pytest.raises(InputError, match="does not overlap"):
        check_vector(far, bounds_overlap=SHANXI)
    assert check_vector(far, bounds_overlap=SHANXI, strict=False)["overlaps"] is False

    bad = tmp_path / "bad.gpkg"
    bad.write_text("not a geopackage")
    with pytest.raises(InputError, match="not a readable vector file"):
        check_vector(bad)


def test_check_vector_zipped_shapefile_in_other_crs(tmp_path: Path) -> None:
    shp = tmp_path / "wdpa.shp"
    gdf = gpd.GeoDataFrame({"id": [1]}, geometry=[box(112, 37, 112.1, 37.1)], crs=4326)
    gdf.to_crs(32649).to_file(shp)
    archive = tmp_path / "WDPA_Public_CHN_shp.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("wdpa.*"):
            zf.write(part, part.name)
    facts = check_vector(archive, bounds_overlap=SHANXI)
    assert facts["crs"] == "EPSG:32649"
    assert facts["bounds_wgs84"] == pytest.approx((112, 37, 112.1, 37.1), abs=5e-3)


def test_check_json_api(tmp_path: Path) -> None:
    good = tmp_path / "power.json"
    good.write_text(json.dumps({"properties": {"parameter": {"T2M": {}}}, "messages": []}))
    assert check_json_api(good, required_keys=["properties.parameter"])["messages"] == []

    error = tmp_path / "error.json"
    error.write_text(json.dumps({"header": "The POWER API failed", "messages": ["Invalid start date"]}))
    with pytest.raises(InputError, match=r"missing key.*properties.*Invalid start date"):
        check_json_api(error, required_keys=["properties.parameter"])

    html = tmp_path / "html.json"
    html.write_text("<html>502 Bad Gateway</html>")
    with pytest.raises(InputError, match=r"not valid JSON.*502 Bad Gateway"):
        check_json_api(html, required_keys=["properties"])


def test_check_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "HWSD2.sqlite"
    with sqlite3.connect(db) as con:
        con.execute("create table HWSD2_LAYERS (HWSD2_SMU_ID int, ELEC_COND real)")
    assert "HWSD2_LAYERS" in check_sqlite(db, table="HWSD2_LAYERS")["tables"]
    archive = tmp_path / "HWSD2_DB.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db, "HWSD2_DB/HWSD2.sqlite")
    facts = check_sqlite(archive, member="HWSD2.sqlite", table="HWSD2_LAYERS")
    assert facts["gdal_path"].startswith("/vsizip/")
    assert check_sqlite(archive)["tables"] == facts["tables"]
    with pytest.raises(InputError, match="table 'HWSD2_SMU' not found"):
        check_sqlite(archive, table="HWSD2_SMU")
    fake = tmp_path / "fake.sqlite"
    fake.write_text("hello")
    with pytest.raises(InputError, match="not an SQLite database"):
        check_sqlite(fake)
