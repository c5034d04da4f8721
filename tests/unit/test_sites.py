"""Tests for siting.sites: delineation per tile, merge across tiles, split grid, stable ids."""

import numpy as np
import pandas as pd
import pytest
import shapely
from affine import Affine

from siting.categories import BARREN_HILLS, OTHER, SALINE
from siting.errors import ConfigError
from siting.grid import DEFAULT_CRS
from siting.sites import (
    assign_site_ids,
    delineate_tile,
    label_sites,
    merge_pieces,
    piece_columns,
    representative_points,
    site_locations,
    split_cell_m_for,
)

RES = 100.0
CELL_KM2 = RES**2 / 1e6
X0, Y0 = 650_000.0, 4_050_000.0  # in Shanxi, on multiples of 5 km
BIG_SPLIT_M = 1e7  # a split grid that never splits anything in these tests

COUNTY = pd.DataFrame(
    {
        "adcode": [140221, 140222, 140602],
        "name_zh": ["阳高县", "天镇县", "朔城区"],
        "city_adcode": [140200, 140200, 140600],
        "city_zh": ["大同市", "大同市", "朔州市"],
    }
)
BASES = {"jinbei": [140221, 140222], "xinshuo": [140602, 140222]}


def transform_at(col: int = 0, row: int = 0) -> Affine:
    """Transform of an array whose top-left cell is ``(col, row)`` cells from (X0, Y0)."""
    return Affine(RES, 0.0, X0 + col * RES, 0.0, -RES, Y0 - row * RES)


def layers(eligible_mask: np.ndarray, *, zone: np.ndarray | None = None, score: float = 60.0):
    """Arrays of one tile: eligible where the mask is, one county unless given."""
    shape = eligible_mask.shape
    eligible = np.where(eligible_mask, 1, 0).astype(np.uint8)
    scores = np.where(eligible_mask, score, np.nan).astype(np.float32)
    categories = np.full(shape, OTHER, dtype=np.uint8)
    zones = np.ones(shape, dtype=np.uint16) if zone is None else zone.astype(np.uint16)
    return eligible, scores, categories, zones


def delineate(mask, *, col=0, row=0, tile_id="t", zone=None, stats=None, **kwargs):
    eligible, score, categories, zones = layers(mask, zone=zone)
    kwargs.setdefault("split_cell_m", BIG_SPLIT_M)
    return delineate_tile(
        eligible,
        score,
        categories,
        zones,
        transform=transform_at(col, row),
        cell_area_km2=CELL_KM2,
        crs=DEFAULT_CRS,
        stats=stats,
        tile_id=tile_id,
        **kwargs,
    )


def test_two_blobs_are_two_sites():
    mask = np.zeros((10, 20), bool)
    mask[1:4, 1:4] = True
    mask[5:9, 10:18] = True
    pieces = delineate(mask)
    sites = merge_pieces(pieces)
    assert len(sites) == 2
    assert sorted(sites["n_cells"]) == [9, 32]
    assert sites["area_km2"].sum() == pytest.approx(41 * CELL_KM2)
    assert shapely.area(sites.geometry.to_numpy()).sum() / 1e6 == pytest.approx(41 * CELL_KM2)


def test_blob_across_county_border_is_two_sites():
    mask = np.zeros((10, 20), bool)
    mask[2:8, 2:18] = True
    zone = np.ones(mask.shape, int)
    zone[:, 10:] = 2
    sites = merge_pieces(delineate(mask, zone=zone))
    assert len(sites) == 2
    assert sorted(sites["county_zone"]) == [1, 2]
    assert list(sites.sort_values("county_zone")["n_cells"]) == [48, 48]


def test_ineligible_outside_and_low_score_cells_are_left_out():
    mask = np.zeros((6, 6), bool)
    mask[1:5, 1:5] = True
    eligible, score, categories, zones = layers(mask)
    eligible[1, 1] = 255  # outside the region
    eligible[1, 2] = 0  # excluded
    score[1, 3] = 10.0  # below the floor
    score[1, 4] = np.nan  # no score
    zones[4, 4] = 0  # no county
    pieces = delineate_tile(
        eligible,
        score,
        categories,
        zones,
        transform=transform_at(),
        cell_area_km2=CELL_KM2,
        crs=DEFAULT_CRS,
        score_floor=30.0,
        split_cell_m=BIG_SPLIT_M,
    )
    assert pieces["n_cells"].sum() == 16 - 5


def test_blob_across_tile_edge_merges_into_one_site_equal_to_untiled():
    mask = np.zeros((10, 40), bool)
    mask[2:8, 5:35] = True
    slope = np.arange(mask.size, dtype=np.float32).reshape(mask.shape) / 10
    whole = merge_pieces(delineate(mask, stats={"slope_deg": slope}))
    left = delineate(mask[:, :20], col=0, tile_id="x0", stats={"slope_deg": slope[:, :20]})
    right = delineate(mask[:, 20:], col=20, tile_id="x1", stats={"slope_deg": slope[:, 20:]})
    assert len(left) == len(right) == 1
    merged = merge_pieces(pd.concat([left, right], ignore_index=True))
    assert len(merged) == 1
    assert merged.loc[0, "tile_ids"] == "x0,x1"
    for column in [
        "n_cells",
        "area_km2",
        "score_sum",
        "sum_x_m",
        "sum_y_m",
        "sum_slope_deg",
        "min_slope_deg",
    ]:
        assert merged.loc[0, column] == pytest.approx(whole.loc[0, column])
    assert merged.geometry[0].equals(whole.geometry[0])
    assert merged.geometry[0].geom_type == "Polygon"


def test_tile_edge_merge_follows_connectivity():
    # Two cells that meet only at a corner, on either side of a tile edge.
    mask = np.zeros((4, 8), bool)
    mask[1, 3] = True
    mask[2, 4] = True
    for connectivity, expected in ((8, 1), (4, 2)):
        untiled = merge_pieces(delineate(mask, connectivity=connectivity), connectivity=connectivity)
        pieces = pd.concat(
            [
                delineate(mask[:, :4], col=0, tile_id="a", connectivity=connectivity),
                delineate(mask[:, 4:], col=4, tile_id="b", connectivity=connectivity),
            ],
            ignore_index=True,
        )
        tiled = merge_pieces(pieces, connectivity=connectivity)
        assert len(untiled) == len(tiled) == expected
        assert all(shapely.is_valid(tiled.geometry.to_numpy()))


def test_pieces_of_one_tile_never_join_and_same_key_apart_stay_separate():
    # Two blobs in one county, one split cell, across two tiles, not touching: two sites.
    mask = np.zeros((10, 40), bool)
    mask[1:3, 2:30] = True  # crosses the tile edge at column 20
    mask[6:9, 15:25] = True  # crosses it too, apart from the first
    pieces = pd.concat(
        [delineate(mask[:, :20], tile_id="a"), delineate(mask[:, 20:], col=20, tile_id="b")],
        ignore_index=True,
    )
    assert len(pieces) == 4
    sites = merge_pieces(pieces)
    assert sorted(sites["n_cells"]) == [30, 56]


def test_large_blob_is_split_into_compact_parts_by_the_split_grid():
    mask = np.ones((100, 100), bool)  # 10 km x 10 km, aligned to the 5 km split grid
    pieces = delineate(mask, split_cell_m=5000.0)
    sites = merge_pieces(pieces)
    assert len(sites) == 4
    assert np.allclose(sites["area_km2"], 25.0)
    bounds = shapely.bounds(sites.geometry.to_numpy())
    assert np.allclose(bounds[:, 2] - bounds[:, 0], 5000.0)
    assert np.allclose(bounds[:, 3] - bounds[:, 1], 5000.0)
    # Splitting does not depend on the tiling: tiles of 30 cells give the same sites.
    tiled = pd.concat(
        [
            delineate(mask[r : r + 30, c : c + 30], col=c, row=r, tile_id=f"{c}_{r}", split_cell_m=5000.0)
            for r in range(0, 100, 30)
            for c in range(0, 100, 30)
        ],
        ignore_index=True,
    )
    merged = merge_pieces(tiled)
    assert len(merged) == 4
    pd.testing.assert_series_equal(merged["n_cells"], sites["n_cells"])
    assert all(a.equals(b) for a, b in zip(merged.geometry, sites.geometry, strict=True))


def test_min_area_drops_small_sites():
    mask = np.zeros((10, 20), bool)
    mask[1:3, 1:3] = True  # 0.04 km²
    mask[5:9, 10:18] = True  # 0.32 km²
    sites = merge_pieces(delineate(mask), min_area_km2=0.1)
    assert list(sites["n_cells"]) == [32]


def test_statistics_are_additive_and_correct():
    mask = np.zeros((4, 4), bool)
    mask[0:2, 0:2] = True
    eligible, score, categories, zones = layers(mask)
    score[0, 0] = 100.0
    categories[0, 1] = SALINE
    categories[1, 0] = BARREN_HILLS
    distance = np.full(mask.shape, 5000.0, np.float32)
    distance[1, 1] = 1200.0
    distance[0, 0] = np.inf  # no feature in reach: not counted
    pieces = delineate_tile(
        eligible,
        score,
        categories,
        zones,
        transform=transform_at(),
        cell_area_km2=CELL_KM2,
        crs=DEFAULT_CRS,
        stats={"distance_grid_m": distance},
        split_cell_m=BIG_SPLIT_M,
    )
    assert list(pieces.columns) == [*piece_columns(["distance_grid_m"]), "geometry"]
    p = pieces.iloc[0]
    assert p["n_cells"] == 4
    assert p["score_sum"] == pytest.approx(100 + 3 * 60)
    assert (p["cells_saline"], p["cells_barren_hills"], p["cells_other"], p["cells_coal_subsidence"]) == (
        1,
        1,
        2,
        0,
    )
    assert p["min_distance_grid_m"] == 1200.0
    assert p["count_distance_grid_m"] == 3
    assert p["sum_x_m"] / 4 == pytest.approx(X0 + RES)
    assert p["sum_y_m"] / 4 == pytest.approx(Y0 - RES)


def test_empty_tile_gives_empty_pieces_that_merge():
    pieces = delineate(np.zeros((5, 5), bool), stats={"slope_deg": np.zeros((5, 5), np.float32)})
    assert len(pieces) == 0
    assert list(pieces.columns) == [*piece_columns(["slope_deg"]), "geometry"]
    both = pd.concat([pieces, delineate(np.ones((5, 5), bool), stats={"slope_deg": np.ones((5, 5))})])
    assert len(merge_pieces(both)) == 1


def test_label_sites_rejects_bad_options():
    with pytest.raises(ConfigError, match="connectivity"):
        label_sites(
            np.ones((2, 2), bool), np.ones((2, 2)), transform=transform_at(), split_cell_m=1e3, connectivity=6
        )
    with pytest.raises(ValueError, match="north-up"):
        label_sites(
            np.ones((2, 2), bool), np.ones((2, 2)), transform=Affine(RES, 0, 0, 0, RES, 0), split_cell_m=1e3
        )


def test_split_cell_m_for_max_area():
    assert split_cell_m_for(25.0, resolution_m=100.0) == 5000.0
    assert split_cell_m_for(25.0, resolution_m=30.0) == 4980.0
    with pytest.raises(ConfigError):
        split_cell_m_for(1e-6, resolution_m=100.0)


# --- ids ------------------------------------------------------------------------------------------


def three_county_mask():
    """Blobs in three counties (columns 0-19, 20-39, 40-59)."""
    mask = np.zeros((20, 60), bool)
    zone = np.repeat(np.repeat(np.array([[1, 2, 3]]), 20, axis=1), 20, axis=0)
    for c0 in (0, 20, 40):
        mask[2:6, c0 + 2 : c0 + 8] = True
        mask[10:15, c0 + 5 : c0 + 15] = True
        mask[16:19, c0 + 1 : c0 + 4] = True
    return mask, zone


def named_sites(mask, zone, **kwargs):
    sites = merge_pieces(delineate(mask, zone=zone, **kwargs))
    return assign_site_ids(sites, technology="pv", county=COUNTY, bases=BASES)


def test_ids_format_bases_and_order():
    mask, zone = three_county_mask()
    sites = named_sites(mask, zone)
    assert list(sites["site_id"][:3]) == [
        "pv-jinbei-140221-001",
        "pv-jinbei-140221-002",
        "pv-jinbei-140221-003",
    ]
    # 140222 is in two bases: the first in config order wins, all are listed.
    row = sites[sites["county_adcode"] == 140222].iloc[0]
    assert (row["base"], row["bases"], row["county"], row["city"]) == (
        "jinbei",
        "jinbei,xinshuo",
        "天镇县",
        "大同市",
    )
    assert set(sites[sites["county_adcode"] == 140602]["base"]) == {"xinshuo"}
    # Numbered north to south within the county.
    county1 = sites[sites["county_adcode"] == 140221]
    assert list((county1["sum_y_m"] / county1["n_cells"]).diff().dropna() < 0) == [True, True]
    assert sites["site_id"].is_unique


def test_county_in_no_base_gets_none():
    mask, zone = three_county_mask()
    sites = assign_site_ids(
        merge_pieces(delineate(mask, zone=zone)), technology="wind", county=COUNTY, bases={"jinbei": [140221]}
    )
    assert set(sites[sites["county_adcode"] == 140602]["site_id"].str[:16]) == {"wind-none-140602"}
    assert set(sites[sites["county_adcode"] == 140602]["bases"]) == {"none"}


def test_changing_one_county_changes_only_its_ids():
    mask, zone = three_county_mask()
    before = named_sites(mask, zone)
    changed = mask.copy()
    changed[7:9, 22:30] = True  # a new site in county 2: renumbers the sites south of it
    changed[11:14, 26:28] = False  # and a hole in another of its sites
    after = named_sites(changed, zone)
    for adcode in (140221, 140602):
        a = before[before["county_adcode"] == adcode].drop(columns="geometry").reset_index(drop=True)
        b = after[after["county_adcode"] == adcode].drop(columns="geometry").reset_index(drop=True)
        pd.testing.assert_frame_equal(a, b)
    ids_before = set(before[before["county_adcode"] == 140222]["site_id"])
    ids_after = set(after[after["county_adcode"] == 140222]["site_id"])
    assert len(ids_after) == len(ids_before) + 1
    moved = after[(after["county_adcode"] == 140222) & (after["n_cells"] == 16)]["site_id"]
    assert list(moved) == ["pv-jinbei-140222-002"]


def test_rerun_gives_identical_tables():
    mask, zone = three_county_mask()
    first = named_sites(mask, zone, split_cell_m=1000.0)
    second = named_sites(mask.copy(), zone.copy(), split_cell_m=1000.0)
    as_text = [s.to_wkt().to_csv(index=False).encode() for s in (first, second)]
    assert as_text[0] == as_text[1]


def test_ids_reject_unknown_zone():
    mask, zone = three_county_mask()
    sites = merge_pieces(delineate(mask, zone=zone + 5))
    with pytest.raises(ValueError, match="county layer"):
        assign_site_ids(sites, technology="pv", county=COUNTY, bases=BASES)


def test_representative_point_inside_a_c_shaped_site():
    mask = np.zeros((10, 10), bool)
    mask[1:9, 1:3] = True
    mask[1:3, 1:9] = True
    mask[7:9, 1:9] = True  # a "C": its centroid is outside
    sites = named_sites(mask, np.ones(mask.shape, int))
    point = representative_points(sites).iloc[0]
    assert sites.geometry[0].contains(point)
    assert not sites.geometry[0].contains(sites.geometry[0].centroid)
    square = named_sites(np.pad(np.ones((4, 4), bool), 2), np.ones((8, 8), int))
    assert representative_points(square).iloc[0].equals(square.geometry[0].centroid)


def test_site_locations_give_wgs84_and_site_means():
    mask = np.zeros((6, 6), bool)
    mask[1:5, 1:5] = True
    ghi = np.full(mask.shape, 4.0, np.float32)
    ghi[1, 1] = 8.0
    sites = named_sites(mask, np.ones(mask.shape, int), stats={"ghi_kwh_m2_day": ghi})
    loc = site_locations(sites)
    assert loc.index.name == "site_id"
    assert 112.0 < loc["longitude"].iloc[0] < 113.0
    assert 37.0 < loc["latitude"].iloc[0] < 38.0
    assert loc["ghi_kwh_m2_day"].iloc[0] == pytest.approx((8.0 + 15 * 4.0) / 16)
