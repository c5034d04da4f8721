"""Raster writing: named bands, band interleave, atomic writes and tile mosaics as COGs."""

import numpy as np
import pytest
import rasterio
from affine import Affine

from siting import io

CRS = "+proj=aea +lat_1=25 +lat_2=47 +lon_0=105 +datum=WGS84"


def _tile(path, x0, y0, values):
    transform = Affine(100.0, 0.0, x0, 0.0, -100.0, y0)
    io.write_raster(
        path, values, transform=transform, crs=CRS, nodata=float("nan"), tags={"DATA_BASIS": "test"}
    )


def test_write_raster_names_bands_and_reads_one_band(tmp_path):
    bands = {"a_m": np.ones((40, 30), "float32"), "b_deg": np.full((40, 30), 2, "float32")}
    _tile(tmp_path / "t.tif", 0, 0, bands)
    with rasterio.open(tmp_path / "t.tif") as src:
        assert src.descriptions == ("a_m", "b_deg")
        assert src.profile["interleave"] == "band" and src.profile["tiled"]
    arrays, profile = io.read_raster(tmp_path / "t.tif", ["b_deg"])
    assert list(arrays) == ["b_deg"] and (arrays["b_deg"] == 2).all()
    assert profile["tags"]["DATA_BASIS"] == "test"
    with pytest.raises(io.InputError, match="lacks band"):
        io.read_raster(tmp_path / "t.tif", ["c"])


def test_mosaic_of_tiles_places_every_tile_and_fills_gaps_with_nodata(tmp_path):
    rng = np.random.default_rng(0)
    tiles = {(0, 4000): None, (2000, 4000): None, (2000, 2000): None}  # no tile at (0, 2000)
    paths = []
    for i, (x0, y0) in enumerate(tiles):
        values = {"score": rng.random((20, 20)).astype("float32"), "rank": np.full((20, 20), i, "float32")}
        tiles[(x0, y0)] = values
        paths.append(tmp_path / f"tile{i}.tif")
        _tile(paths[-1], x0, y0, values)
    io.mosaic_to_cog(paths, tmp_path / "mosaic.tif", tags={"DATA_BASIS": "test"})
    with rasterio.open(tmp_path / "mosaic.tif") as src:
        assert src.shape == (40, 40) and src.count == 2
        assert src.transform == Affine(100.0, 0.0, 0.0, 0.0, -100.0, 4000.0)
        assert src.descriptions == ("score", "rank")
        assert src.tags()["DATA_BASIS"] == "test"
        assert src.profile["compress"] == "deflate"
        data = src.read()
    np.testing.assert_array_equal(data[:, :20, :20], np.stack(list(tiles[(0, 4000)].values())))
    np.testing.assert_array_equal(data[:, :20, 20:], np.stack(list(tiles[(2000, 4000)].values())))
    np.testing.assert_array_equal(data[:, 20:, 20:], np.stack(list(tiles[(2000, 2000)].values())))
    assert np.isnan(data[:, 20:, :20]).all()
    assert not list(tmp_path.glob(".mosaic*"))


def test_mosaic_writer_leaves_nothing_on_error(tmp_path):
    with pytest.raises(RuntimeError, match="boom"):
        with io.MosaicWriter(
            tmp_path / "m.tif",
            transform=Affine(100.0, 0.0, 0.0, 0.0, -100.0, 0.0),
            shape=(10, 10),
            crs=CRS,
            dtype="uint8",
            bands=["eligible"],
            nodata=255,
        ) as mosaic:
            mosaic.write(np.ones((5, 5), "uint8"), 0, 0)
            raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_read_user_layers_reads_the_configured_ones_in_the_grid_crs(tmp_path):
    import geopandas as gpd
    from shapely.geometry import Point

    path = tmp_path / "subs.gpkg"
    gpd.GeoDataFrame({"kv": [220, 500]}, geometry=[Point(112.5, 37.8), Point(113, 38)], crs=4326).to_file(
        path
    )
    user_layers = {"substations": {"path": str(path), "where": {"kv": 500}}, "transmission_lines": None}
    got = list(io.read_user_layers(["substations", "transmission_lines"], user_layers, crs=CRS))
    (key, gdf, source, _), (other, none, not_configured, notes) = got
    assert key == "substations" and source == f"user: {path}"
    assert list(gdf["kv"]) == [500] and gdf.crs.to_proj4().startswith("+proj=aea")
    assert (other, none, not_configured, notes) == ("transmission_lines", None, "not configured", [])
