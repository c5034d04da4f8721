"""HWSD v2.0 salinity input: demo files in the real formats, table reading, raster lookup."""

from __future__ import annotations

import inspect
import math
import sqlite3
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
from affine import Affine
from shapely.geometry import box

from siting import demo, soil, sources
from siting.errors import InputError
from siting.verify import check_raster
from siting.warp import warp_to_tile

NORTH = (112.2, 37.0, 114.2, 40.6)
"""大同 basin down to the 太行 mountains east of 阳泉 (w, s, e, n) [°]."""
DATONG_BASIN = (112.4, 39.3, 113.9, 40.25)
TAIHANG = (113.55, 37.0, 113.95, 37.5)
YUNCHENG = (110.7, 34.8, 111.4, 35.2)


@pytest.fixture(scope="module")
def north(tmp_path_factory) -> tuple[Path, Path]:
    raw = tmp_path_factory.mktemp("raw")
    raster_zip, db_zip = demo.write_hwsd(raw, bounds=NORTH, region_wgs84=box(*NORTH), seed=7)
    return raster_zip, db_zip


def _salinity_in(raster_zip: Path, db_zip: Path, area: tuple[float, ...]) -> np.ndarray:
    table = soil.read_salinity_table(db_zip)
    with rasterio.open(soil.smu_gdal_path(raster_zip)) as src:
        window = rasterio.windows.from_bounds(*area, transform=src.transform).round_offsets().round_lengths()
        ids = src.read(1, window=window)
        nodata = src.nodata
    return soil.salinity_raster(ids, table, nodata=nodata)


def _hand_db(path: Path, rows: list[tuple], *, columns: str | None = None) -> Path:
    columns = columns or "HWSD2_SMU_ID INTEGER, SEQUENCE INTEGER, SHARE REAL, LAYER TEXT, ELEC_COND REAL"
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE HWSD2_LAYERS ({columns})")
    if rows:
        marks = ", ".join("?" * len(rows[0]))
        con.executemany(f"INSERT INTO HWSD2_LAYERS VALUES ({marks})", rows)
    con.commit()
    con.close()
    return path


# --------------------------------------------------------------------------------------------------
# Demo files in the real formats
# --------------------------------------------------------------------------------------------------


def test_demo_files_use_catalogue_paths_and_real_members(north):
    raster_zip, db_zip = north
    raw = raster_zip.parents[1]
    assert raster_zip == raw / sources.get_source("hwsd2_raster").path
    assert db_zip == raw / sources.get_source("hwsd2_db").path
    with zipfile.ZipFile(raster_zip) as zf:
        names = set(zf.namelist())
        hdr = zf.read("HWSD2.hdr").decode()
        prj = zf.read("HWSD2.prj").decode()
    assert {"HWSD2.bil", "HWSD2.hdr", "HWSD2.prj"} <= names
    assert "LAYOUT         BIL" in hdr and "NBITS          16" in hdr and "NODATA         65535" in hdr
    assert "PIXELTYPE      UNSIGNEDINT" in hdr
    assert prj.startswith('GEOGCS["GCS_WGS_1984"')
    assert db_zip.name == "HWSD2.sqlite"
    assert db_zip.read_bytes().startswith(b"SQLite format 3\x00")


def test_demo_raster_reads_through_zip_as_uint16_wgs84_30_arcsec(north):
    raster_zip, _ = north
    path = soil.smu_gdal_path(raster_zip)
    assert path.startswith("/vsizip/") and path.endswith("/HWSD2.bil")
    with rasterio.open(path) as src:
        assert src.driver == "EHdr"
        assert src.dtypes[0] == "uint16" and src.nodata == soil.SMU_NODATA
        assert soil.is_wgs84_lonlat(src.crs)
        assert src.res == pytest.approx((1 / 120, 1 / 120), rel=1e-9)
        # Cells on the global 30″ lattice, covering the bounds with a margin.
        for edge in src.bounds:
            assert edge * 120 == pytest.approx(round(edge * 120), abs=1e-6)
        b = src.bounds
        assert b.left < NORTH[0] and b.bottom < NORTH[1] and b.right > NORTH[2] and b.top > NORTH[3]
        assert src.tags()["DATA_BASIS"] == "demo-synthetic"
        ids = src.read(1)
    assert set(np.unique(ids)) <= {21001, 21002, 21003, 21004, 21005, 21006, 21007, 21008}


def test_check_smu_raster_accepts_crs84_which_check_raster_would_reject(north):
    raster_zip, _ = north
    facts = soil.check_smu_raster(raster_zip, bounds_overlap=NORTH)
    assert facts["crs"] == "EPSG:4326" and facts["dtype"] == "uint16" and facts["nodata"] == 65535
    # GDAL reads the ESRI GCS_WGS_1984 .prj as OGC:CRS84, not equal to EPSG:4326 for check_raster.
    with pytest.raises(InputError, match="CRS is"):
        check_raster(raster_zip, expected_crs="EPSG:4326", member="HWSD2.bil")
    with pytest.raises(InputError, match="does not overlap"):
        soil.check_smu_raster(raster_zip, bounds_overlap=(100.0, 20.0, 101.0, 21.0))


def test_check_smu_raster_without_prj_needs_src_crs(tmp_path, north):
    raster_zip, _ = north
    bare = tmp_path / "HWSD2_RASTER.zip"
    with zipfile.ZipFile(raster_zip) as src, zipfile.ZipFile(bare, "w") as dst:
        for name in ("HWSD2.bil", "HWSD2.hdr"):
            dst.writestr(name, src.read(name))
    with pytest.raises(InputError, match="no CRS"):
        soil.check_smu_raster(bare)
    facts = soil.check_smu_raster(bare, bounds_overlap=NORTH, src_crs="EPSG:4326")
    assert facts["crs"] == "EPSG:4326" and facts["nodata"] == 65535
    with pytest.raises(ValueError, match="WGS 84"):
        soil.check_smu_raster(bare, src_crs="EPSG:32649")


def test_demo_database_tables_units_and_label(north):
    _, db_zip = north
    assert db_zip.read_bytes().startswith(b"SQLite format 3\x00")
    table = soil.read_salinity_table(db_zip)
    assert table.index.dtype == np.int64 and table.name == "elec_cond_ds_m"
    saline = table[table > 4]
    assert set(saline.index) == {21004, 21005, 21006, 21007}
    assert saline.between(4, 16).all()
    assert (table.drop(saline.index).dropna() < 2).all()
    assert np.isnan(table[21008])  # water: fill -9 everywhere


def test_demo_database_carries_real_table_and_column_names(tmp_path, north):
    _, db_zip = north
    con = sqlite3.connect(db_zip)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        layer_cols = {r[1] for r in con.execute("PRAGMA table_info(HWSD2_LAYERS)")}
        layers = {r[0] for r in con.execute("SELECT DISTINCT LAYER FROM HWSD2_LAYERS")}
        basis = con.execute("SELECT VALUE FROM METADATA WHERE KEY='data_basis'").fetchone()[0]
    finally:
        con.close()
    assert {"HWSD2_SMU", "HWSD2_LAYERS", "METADATA"} <= tables
    assert {"HWSD2_SMU_ID", "SEQUENCE", "SHARE", "LAYER", "TOPDEP", "BOTDEP", "ELEC_COND"} <= layer_cols
    assert layers == {f"D{i}" for i in range(1, 8)}
    assert basis == "demo-synthetic"
    # Deeper layers are less saline.
    direct = soil.read_salinity_table(db_zip)
    d2 = soil.read_salinity_table(db_zip, layer="D2")
    assert (d2[21005] < direct[21005]) and d2[21005] > 0


def test_saline_in_datong_basin_not_in_taihang(north):
    raster_zip, db_zip = north
    basin = _salinity_in(raster_zip, db_zip, DATONG_BASIN)
    mountains = _salinity_in(raster_zip, db_zip, TAIHANG)
    assert basin.dtype == np.float32 and mountains.size > 1000
    assert (basin > 4).mean() > 0.05
    assert np.nanmax(basin) >= 8
    assert np.nanmax(mountains) < 2


def test_saline_around_yuncheng_salt_lake(tmp_path):
    raster_zip, db_zip = demo.write_hwsd(tmp_path, bounds=YUNCHENG, region_wgs84=box(*YUNCHENG), seed=1)
    table = soil.read_salinity_table(db_zip)
    with rasterio.open(soil.smu_gdal_path(raster_zip)) as src:
        ids = src.read(1)
        row, col = src.index(111.02, 35.005)
        far_row, far_col = src.index(110.75, 35.15)
    salinity = soil.salinity_raster(ids, table, nodata=65535)
    assert salinity[row, col] >= 10
    assert salinity[far_row, far_col] < 2


def test_warp_to_tile_of_smu_ids_then_lookup(north):
    raster_zip, db_zip = north
    facts = soil.check_smu_raster(raster_zip, bounds_overlap=NORTH)
    step = 1 / 60  # a coarser EPSG:4326 tile grid over part of the basin
    transform = Affine(step, 0, 112.8, 0, -step, 39.8)
    ids = warp_to_tile(
        [facts["gdal_path"]],
        dst_transform=transform,
        dst_shape=(30, 60),
        dst_crs="EPSG:4326",
        kind="class",
        dst_nodata=soil.SMU_NODATA,
        dtype="uint16",
    )
    assert ids.dtype == np.uint16 and (ids != soil.SMU_NODATA).all()
    salinity = soil.salinity_raster(ids, soil.read_salinity_table(db_zip), nodata=soil.SMU_NODATA)
    assert np.isfinite(salinity).mean() > 0.9 and (salinity > 4).any()


def test_build_demo_inputs_has_hwsd_switch():
    params = inspect.signature(demo.build_demo_inputs).parameters
    assert params["with_hwsd"].default is True and params["with_hwsd"].kind is inspect.Parameter.KEYWORD_ONLY


# --------------------------------------------------------------------------------------------------
# Reading the table
# --------------------------------------------------------------------------------------------------


def test_share_weighted_mean_dominant_and_fill_values(tmp_path):
    db = _hand_db(
        tmp_path / "hand.sqlite",
        [
            (1, 1, 60, "D1", 10.0),
            (1, 2, 40, "D1", 0.0),
            (1, 1, 60, "D2", 99.0),  # other depths are ignored
            (2, 1, 50, "D1", -9.0),  # fill value: left out, weights renormalised
            (2, 2, 30, "D1", 4.0),
            (2, 3, 20, "D1", 1.5),
            (3, 1, 100, "D1", -9.0),
            (4, 1, 70, "D1", None),
            (4, 2, 30, "D1", 3.0),
        ],
    )
    weighted = soil.read_salinity_table(db)
    assert list(weighted.index) == [1, 2, 3, 4]
    assert weighted[1] == pytest.approx(6.0)
    assert weighted[2] == pytest.approx((30 * 4.0 + 20 * 1.5) / 50)
    assert np.isnan(weighted[3])
    assert weighted[4] == pytest.approx(3.0)
    dominant = soil.read_salinity_table(db, method="dominant")
    assert dominant[1] == 10.0 and np.isnan(dominant[2]) and np.isnan(dominant[3]) and np.isnan(dominant[4])
    with pytest.raises(ValueError, match="method"):
        soil.read_salinity_table(db, method="median")


def test_dominant_tie_goes_to_first_sequence(tmp_path):
    db = _hand_db(tmp_path / "tie.sqlite", [(5, 2, 50, "D1", 1.0), (5, 1, 50, "D1", 8.0)])
    assert soil.read_salinity_table(db, method="dominant")[5] == 8.0
    assert soil.read_salinity_table(db)[5] == pytest.approx(4.5)


def test_missing_table_or_column_names_the_file(tmp_path):
    db = tmp_path / "empty.sqlite"
    con = sqlite3.connect(db)
    con.execute("CREATE TABLE HWSD2_SMU (HWSD2_SMU_ID INTEGER)")
    con.close()
    with pytest.raises(InputError, match=r"empty\.sqlite.*HWSD2_LAYERS.*not found"):
        soil.read_salinity_table(db)
    no_ec = _hand_db(
        tmp_path / "no_ec.sqlite", [(1, 1, 100, "D1")], columns="HWSD2_SMU_ID, SEQUENCE, SHARE, LAYER"
    )
    with pytest.raises(InputError, match=r"no_ec\.sqlite.*ELEC_COND"):
        soil.read_salinity_table(no_ec)
    no_rows = _hand_db(tmp_path / "d2only.sqlite", [(1, 1, 100, "D2", 3.0)])
    with pytest.raises(InputError, match=r"d2only\.sqlite.*LAYER = 'D1'"):
        soil.read_salinity_table(no_rows)


def test_bad_files_and_access_zip_raise_input_error(tmp_path):
    with pytest.raises(InputError, match=r"missing\.sqlite.*not found"):
        soil.read_salinity_table(tmp_path / "missing.sqlite")
    text = tmp_path / "HWSD2.sqlite"
    text.write_text("not a database")
    with pytest.raises(InputError, match="not an SQLite"):
        soil.read_salinity_table(text)
    fao = tmp_path / "HWSD2_DB.zip"
    with zipfile.ZipFile(fao, "w") as zf:
        zf.writestr("HWSD2.mdb", b"\x00\x01\x00\x00Standard Jet DB")
    with pytest.raises(InputError, match=r"HWSD2_DB\.zip.*HWSD2\.mdb.*ISRIC"):
        soil.read_salinity_table(fao)


# --------------------------------------------------------------------------------------------------
# Raster lookup
# --------------------------------------------------------------------------------------------------


def test_salinity_raster_lookup_nodata_and_unknown_ids():
    table = pd.Series([0.5, 7.25, math.nan], index=pd.Index([10, 30, 20], dtype="int64"))
    ids = np.array([[10, 20, 30], [65535, 99, 30]], dtype="uint16")
    out = soil.salinity_raster(ids, table, nodata=65535)
    assert out.dtype == np.float32 and out.shape == ids.shape
    np.testing.assert_array_equal(np.isnan(out), [[False, True, False], [True, True, False]])
    assert out[0, 0] == np.float32(0.5) and out[0, 2] == out[1, 2] == np.float32(7.25)
    # Float ids (e.g. after a float warp) with NaN nodata, and an empty table.
    floats = np.array([10.0, np.nan, 30.0])
    np.testing.assert_array_equal(soil.salinity_raster(floats, table, nodata=None)[[0, 2]], [0.5, 7.25])
    assert np.isnan(soil.salinity_raster(floats, table, nodata=float("nan"))[1])
    assert np.isnan(soil.salinity_raster(ids, table.iloc[:0], nodata=65535)).all()
