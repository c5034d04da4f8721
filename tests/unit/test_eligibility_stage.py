"""The eligibility stage over tiles: layer groups, selective reading, mosaic, and agreement per tile."""

import threading
import time

import geopandas as gpd
import numpy as np
import pytest
import rasterio
import shapely

from siting import eligibility, eligibility_stage, grid, io, layers, prepare

SPEC = grid.GridSpec(resolution_m=100, tile_size_m=2_000, halo_m=500)
PROXIES = {
    "ecological_redline": {"landcover_classes": [90], "min_elevation_m": 2000, "min_slope_deg": 25},
    "permanent_farmland": {"landcover_classes": [40]},
}
RULES = [
    {"name": "built_up", "layer": "landcover", "classes": [50], "buffer_m": 300},
    {"name": "steep", "layer": "slope_deg", "above": 15},
    {"name": "farmland", "layer": "permanent_farmland", "features": True},
]


# ------------------------------------------------------------------ layer groups


def test_layer_groups_follow_the_rules_and_the_proxies():
    assert layers.layer_groups(["slope_deg"], configured={}) == ["terrain", "zones"]
    assert layers.layer_groups(["wind_speed_m_s", "landcover"], configured={}) == [
        "landcover",
        "climate",
        "zones",
    ]
    # A configured red line is read from the vectors; its proxy needs land cover and terrain.
    assert layers.layer_groups(["ecological_redline"], configured={"ecological_redline": True}) == [
        "vectors",
        "zones",
    ]
    assert layers.layer_groups(["ecological_redline"], configured={"ecological_redline": False}) == [
        "terrain",
        "landcover",
        "vectors",
        "zones",
    ]
    assert layers.layer_groups(["permanent_farmland"], configured={}) == ["landcover", "vectors", "zones"]
    assert layers.layer_groups(["distance_line_m"], configured={}) == ["distances", "zones"]
    with pytest.raises(KeyError, match="no prepared raster holds a layer 'slope'"):
        layers.layer_groups(["slope"], configured={})


def test_climate_band_names_agree_with_prepare():
    assert tuple(prepare.CLIMATE_BANDS) == layers.CLIMATE_BANDS


def test_excluded_by_dtype():
    assert [eligibility.excluded_by_dtype(n) for n in (0, 8, 9, 16, 17, 32)] == [
        "uint8",
        "uint8",
        "uint16",
        "uint16",
        "uint32",
        "uint32",
    ]
    with pytest.raises(ValueError):
        eligibility.excluded_by_dtype(33)


# ------------------------------------------------------------------ mosaic grid


def test_mosaic_grid_and_core_offsets():
    tiles = ["x010_y020", "x012_y021"]
    transform, shape = grid.mosaic_grid(tiles, SPEC)
    assert shape == (40, 60)  # 2 tile rows, 3 tile columns of 20 cells
    assert (transform.c, transform.f) == (20_000, 44_000)
    assert grid.core_offset("x010_y020", transform, SPEC) == (20, 0)
    assert grid.core_offset("x012_y021", transform, SPEC) == (0, 40)


# ------------------------------------------------------------------ ordered_map


def test_ordered_map_keeps_order_and_bounds_what_is_in_flight():
    started, lock = [], threading.Lock()

    def work(i):
        with lock:
            started.append(i)
        time.sleep(0.002 * (5 - i % 5))
        return i * i

    consumed = []
    for i, value in enumerate(eligibility_stage.ordered_map(work, range(20), threads=2)):
        assert value == i * i
        with lock:
            assert len(started) <= i + 1 + 2  # at most threads + 1 in flight
        consumed.append(value)
    assert consumed == [i * i for i in range(20)]
    assert list(eligibility_stage.ordered_map(lambda i: -i, range(3), threads=1)) == [0, -1, -2]


def test_ordered_map_raises_the_worker_error():
    def work(i):
        if i == 3:
            raise ValueError("tile 3 is broken")
        return i

    with pytest.raises(ValueError, match="tile 3"):
        list(eligibility_stage.ordered_map(work, range(10), threads=2))


# ------------------------------------------------------------------ the stage on real files


def _write_tile_inputs(root, tile, rng, *, ragged_zone=False):
    transform, shape = grid.tile_grid(tile, SPEC)
    landcover = rng.choice(np.array([10, 30, 40, 50, 90], "uint8"), size=shape, p=[0.3, 0.4, 0.2, 0.05, 0.05])
    elevation = rng.normal(1000, 50, size=shape).astype("float32")
    terrain = {
        "elevation_m": elevation,
        "slope_deg": rng.uniform(0, 30, size=shape).astype("float32"),
        "aspect_deg": np.full(shape, 180, "float32"),
        "ruggedness_m": np.zeros(shape, "float32"),
    }
    zones = np.ones(shape, "uint16")
    zones[: shape[0] // 3] = 2
    if ragged_zone:
        zones[:, :3] = 0  # outside the region
    vectors = {key: np.zeros(shape, "uint8") for key in layers.PRESENCE_LAYERS}
    tags = {f"{k.upper()}_SOURCE": layers.NOT_CONFIGURED for k in layers.PRESENCE_LAYERS}
    paths = {g: str(root / tile / f"{g}.tif") for g in ("terrain", "landcover", "vectors", "zones")}
    common = {"transform": transform, "crs": SPEC.crs}
    io.write_raster(paths["terrain"], terrain, nodata=float("nan"), **common)
    io.write_raster(paths["landcover"], {"landcover": landcover}, nodata=0, **common)
    io.write_raster(paths["vectors"], vectors, nodata=None, tags=tags, **common)
    io.write_raster(paths["zones"], {"county_zone": zones}, nodata=0, **common)
    return paths


@pytest.mark.parametrize("threads", [1, 3])
def test_stage_writes_tiles_and_province_that_agree_with_one_tile_evaluation(tmp_path, threads):
    rng = np.random.default_rng(7)
    tiles = ["x010_y020", "x011_y020", "x011_y021"]
    tile_paths = {t: _write_tile_inputs(tmp_path / "in", t, rng, ragged_zone=t == "x011_y021") for t in tiles}
    outputs = {t: (str(tmp_path / f"{t}_e.tif"), str(tmp_path / f"{t}_x.tif")) for t in tiles}
    summary, sources = eligibility_stage.run_stage(
        tile_paths,
        RULES,
        spec=SPEC,
        proxies=PROXIES,
        n_counties=2,
        tile_outputs=outputs,
        eligible_path=str(tmp_path / "eligible.tif"),
        excluded_by_path=str(tmp_path / "excluded_by.tif"),
        tags={io.DATA_BASIS_TAG: "test"},
        threads=threads,
    )
    assert sources["permanent_farmland"].startswith("proxy: WorldCover classes [40]")
    rules = [eligibility.ExclusionRule.from_config(r) for r in RULES]
    with rasterio.open(tmp_path / "eligible.tif") as el, rasterio.open(tmp_path / "excluded_by.tif") as ex:
        assert el.shape == (40, 40) and ex.dtypes[0] == "uint8"
        assert el.tags()[io.DATA_BASIS_TAG] == "test"
        province_eligible, province_bits = el.read(1), ex.read(1)
        # The tile x010_y021 does not exist: nodata (255) in the eligible mosaic, 0 bits.
        assert (province_eligible[:20, :20] == 255).all() and not province_bits[:20, :20].any()
        mosaic_transform = el.transform
    expected = []
    for tile in tiles:
        named, _ = layers.read_tile_layers(tile_paths[tile], proxies=PROXIES)
        zones = named.pop("county_zone")
        eligible, bits, tile_summary = eligibility.evaluate_tile(
            named,
            rules,
            zones=zones,
            zone_ids=[1, 2],
            resolution_m=100,
            core=grid.core_slice(SPEC),
            nodata={"landcover": 0},
        )
        expected.append(tile_summary)
        row, col = grid.core_offset(tile, mosaic_transform, SPEC)
        np.testing.assert_array_equal(province_eligible[row : row + 20, col : col + 20], eligible)
        np.testing.assert_array_equal(province_bits[row : row + 20, col : col + 20], bits)
        tile_eligible, profile = io.read_raster(outputs[tile][0])
        np.testing.assert_array_equal(tile_eligible["eligible"], eligible)
        assert profile["transform"] == grid.tile_grid(tile, SPEC, halo=False)[0]
        assert profile["tags"]["LAYER_PERMANENT_FARMLAND"].startswith("proxy")
    combined = eligibility.combine_exclusion_summaries(expected)
    np.testing.assert_allclose(summary.to_numpy(), combined.to_numpy())
    assert summary["eligible_km2"].sum() == pytest.approx((province_eligible == 1).sum() * 0.01)


def test_stage_error_leaves_no_province_raster(tmp_path):
    rng = np.random.default_rng(1)
    tiles = ["x010_y020", "x011_y020"]
    tile_paths = {t: _write_tile_inputs(tmp_path / "in", t, rng) for t in tiles}
    tile_paths["x011_y020"]["terrain"] = str(tmp_path / "missing.tif")
    with pytest.raises(io.InputError, match=r"missing\.tif does not exist"):
        eligibility_stage.run_stage(
            tile_paths,
            RULES,
            spec=SPEC,
            proxies=PROXIES,
            n_counties=2,
            tile_outputs={t: (str(tmp_path / f"{t}_e.tif"), str(tmp_path / f"{t}_x.tif")) for t in tiles},
            eligible_path=str(tmp_path / "eligible.tif"),
            excluded_by_path=str(tmp_path / "excluded_by.tif"),
            tags={},
            threads=2,
        )
    assert not (tmp_path / "eligible.tif").exists()
    assert not list(tmp_path.glob(".eligible*")) and not list(tmp_path.glob(".excluded_by*"))


def test_reading_only_the_needed_bands(tmp_path):
    paths = _write_tile_inputs(tmp_path, "x010_y020", np.random.default_rng(2))
    named, _ = layers.read_tile_layers(
        {g: paths[g] for g in ("terrain", "zones")}, proxies=PROXIES, names={"slope_deg"}
    )
    assert set(named) == {"elevation_m", "slope_deg", "county_zone"}  # elevation: the red-line proxy's
    named, sources = layers.read_tile_layers(paths, proxies=PROXIES)
    assert {"aspect_deg", "ruggedness_m", "landcover", "ecological_redline"} <= set(named)
    assert sources["coal_subsidence"].startswith("none")


# ------------------------------------------------------------------ distances in row blocks


def test_distances_in_row_blocks_are_exact():
    transform, shape = grid.tile_grid("x010_y020", SPEC)
    lines = gpd.GeoDataFrame(
        geometry=[shapely.LineString([(20_050, 40_000), (20_050, 42_000)]), shapely.Point(23_500, 39_000)],
        crs=SPEC.crs,
    )
    got = prepare.distance_to_features_m(lines, transform=transform, shape=shape, block_cells=37)
    rows, cols = np.indices(shape)
    x, y = transform.c + (cols + 0.5) * 100, transform.f - (rows + 0.5) * 100
    features = np.array(lines.geometry.to_list(), dtype=object)
    expected = shapely.distance(shapely.points(x.ravel(), y.ravel())[:, None], features[None, :])
    np.testing.assert_allclose(got, expected.min(axis=1).reshape(shape), rtol=1e-6)
    empty = prepare.distance_to_features_m(lines.iloc[:0], transform=transform, shape=shape)
    assert np.isnan(empty).all()


def test_every_layer_the_config_schema_allows_has_a_prepared_raster():
    from siting.config import load_schema

    schema = load_schema()
    allowed = schema["$defs"]["exclusion_rule"]["properties"]["layer"]["enum"]
    assert set(allowed) <= set(layers.LAYER_GROUP)
    assert layers.layer_groups(allowed, configured={})[-1] == "zones"
