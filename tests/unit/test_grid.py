"""Equal-area grid and tiles: stable ids, alignment independent of tile size, coverage."""

import numpy as np
import pytest
from shapely.geometry import Polygon, box

from siting import grid

SPEC = grid.GridSpec(resolution_m=100, tile_size_m=50_000, halo_m=2_050)


def _region():
    # An irregular polygon in the equal-area CRS, metres (roughly the size of a few counties).
    return Polygon([(612_345, 4_301_234), (745_678, 4_290_000), (760_000, 4_420_000), (630_000, 4_405_000)])


def test_same_config_same_ids():
    a = [t.id for t in grid.make_tiles(_region(), SPEC)]
    b = [t.id for t in grid.make_tiles(_region(), SPEC)]
    assert a == b
    assert a[0] == "x012_y085"  # floor(612345 / 50000), floor(4290000 / 50000)
    assert all(grid.tile_id(*grid.parse_tile_id(t)) == t for t in a)


def test_tiles_cover_the_region_and_only_touching_tiles_exist():
    region = _region()
    tiles = grid.make_tiles(region, SPEC)
    union = box(*tiles[0].bounds)
    for t in tiles[1:]:
        union = union.union(box(*t.bounds))
    assert union.contains(region)
    assert all(box(*t.bounds).intersects(region) for t in tiles)
    # A tile sharing only an edge with the region does not exist.
    square = box(0, 0, 50_000, 50_000)
    assert [t.id for t in grid.make_tiles(square, SPEC)] == ["x000_y000"]


@pytest.mark.parametrize("tile_size_m", [20_000, 50_000, 100_000])
def test_tile_size_changes_tiling_not_cell_alignment(tile_size_m):
    spec = grid.GridSpec(resolution_m=100, tile_size_m=tile_size_m, halo_m=2_000)
    for tile in grid.make_tiles(_region(), spec):
        transform, width, height = grid.tile_transform(tile, spec)
        assert transform.c % 100 == 0 and transform.f % 100 == 0
        assert transform.a == 100 and transform.e == -100
        assert width == height == tile_size_m / 100 + 2 * 20


def test_halo_rounds_up_to_whole_cells_and_core_slice():
    assert SPEC.halo_cells == 21
    rows, cols = grid.core_slice(SPEC)
    arr = np.zeros((SPEC.tile_cells + 42,) * 2)
    assert arr[rows, cols].shape == (500, 500)
    assert SPEC.cell_area_km2 == pytest.approx(0.01)


def test_tile_grid_matches_tile_transform():
    tile = grid.make_tiles(_region(), SPEC)[0]
    transform, shape = grid.tile_grid(tile.id, SPEC, halo=False)
    assert (transform.c, transform.f) == (tile.bounds[0], tile.bounds[3])
    assert shape == (500, 500)
