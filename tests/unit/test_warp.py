"""Warping sources onto tiles: a cell's value must not depend on the tile it is computed in."""

import numpy as np
import pytest
import rasterio
from affine import Affine

from siting import grid
from siting.warp import nominal_res_m, warp_to_tile

SPEC_SMALL = grid.GridSpec(resolution_m=100, tile_size_m=20_000, halo_m=2_000)
SPEC_BIG = grid.GridSpec(resolution_m=100, tile_size_m=150_000, halo_m=2_000)


def _source(path, cells_per_degree, *, kind):
    """A lon/lat raster over 111-114° E, 34.5-37.5° N (around 36° N, where cos(lat) · 92.8 m ≈ 75 m)."""
    west, north = 111.0, 37.5
    width, height = 3 * cells_per_degree, 3 * cells_per_degree
    lon = west + (np.arange(width) + 0.5) / cells_per_degree
    lat = north - (np.arange(height) + 0.5) / cells_per_degree
    rng = np.random.default_rng(cells_per_degree)
    if kind == "continuous":
        data = (1000 + 300 * np.sin(lat[:, None] * 40) * np.cos(lon[None, :] * 35)).astype("float32")
        data += rng.normal(0, 5, size=data.shape).astype("float32")
        dtype, nodata = "float32", None
    else:
        data = rng.choice(np.array([10, 30, 40, 50], "uint8"), size=(height, width))
        dtype, nodata = "uint8", 0
    profile = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": dtype,
        "crs": "EPSG:4326",
        "transform": Affine(1 / cells_per_degree, 0, west, 0, -1 / cells_per_degree, north),
        "nodata": nodata,
        "tiled": True,
    }
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data, 1)
    return str(path)


def test_nominal_resolution_does_not_depend_on_latitude():
    assert nominal_res_m((1 / 1200, 1 / 1200)) == pytest.approx(92.77, abs=0.01)
    assert nominal_res_m((1 / 3600, -1 / 3600)) == pytest.approx(30.92, abs=0.01)


@pytest.mark.parametrize(("cells_per_degree", "kind"), [(1200, "continuous"), (3600, "class")])
def test_small_and_big_tiles_give_the_same_cells(tmp_path, cells_per_degree, kind):
    # A 150 km tile centred at 35.57° N and 20 km tiles at its northern edge, centred at ~36.2° N: the
    # tile's centre latitude once decided the sampling (GLO-90 interpolated south of ~36.06° N and
    # averaged north of it; 30 m land cover sampled 4 × 4 or 5 × 5), so these cells differed.
    source = _source(tmp_path / "src.tif", cells_per_degree, kind=kind)
    nodata = np.nan if kind == "continuous" else 0
    dtype = "float32" if kind == "continuous" else "uint8"

    def warp(tile, spec):
        transform, shape = grid.tile_grid(tile, spec, halo=False)
        arr = warp_to_tile(
            [source],
            dst_transform=transform,
            dst_shape=shape,
            dst_crs=spec.crs,
            kind=kind,
            dst_nodata=nodata,
            dtype=dtype,
        )
        return transform, arr

    big_transform, big = warp("x004_y025", SPEC_BIG)  # x 600-750 km, y 3750-3900 km in the Albers grid
    assert np.isfinite(big.astype(float)).all() and (big != 0).all()
    compared = 0
    for col in (30, 36):  # x 600-620 and 720-740 km, inside the big tile's 600-750 km
        for row in (193, 194):  # y 3860-3900 km
            transform, small = warp(f"x{col:03d}_y{row:03d}", SPEC_SMALL)
            r0 = round((big_transform.f - transform.f) / 100)
            c0 = round((transform.c - big_transform.c) / 100)
            np.testing.assert_array_equal(small, big[r0 : r0 + 200, c0 : c0 + 200])
            compared += 1
    assert compared == 4
