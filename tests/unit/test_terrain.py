"""Tests for siting.terrain: Horn slope and aspect, Riley TRI, on hand-built planes."""

import numpy as np
import pytest

from siting.terrain import aspect_deg, ruggedness_tri_m, slope_deg


def _plane(rise_east_m: float, rise_north_m: float, *, shape=(5, 6), base_m: float = 1000.0) -> np.ndarray:
    """A plane rising ``rise_east_m`` per column east and ``rise_north_m`` per row north."""
    rows, cols = np.indices(shape)
    # Row 0 is the northern edge, so going north means decreasing the row index.
    return (base_m + rise_east_m * cols - rise_north_m * rows).astype(np.float32)


def _interior(a: np.ndarray) -> np.ndarray:
    return a[1:-1, 1:-1]


def test_plane_rising_one_cell_per_cell_is_45_degrees():
    slope = slope_deg(_plane(1.0, 0.0), resolution_m=1.0)
    assert slope.dtype == np.float32
    np.testing.assert_allclose(_interior(slope), 45.0, atol=1e-4)


def test_slope_scales_with_resolution():
    # 30 m rise per 30 m cell is 45°, per 60 m cell atan(0.5).
    dem = _plane(30.0, 0.0)
    np.testing.assert_allclose(_interior(slope_deg(dem, resolution_m=30.0)), 45.0, atol=1e-4)
    expected = np.degrees(np.arctan(0.5))
    np.testing.assert_allclose(_interior(slope_deg(dem, resolution_m=60.0)), expected, atol=1e-4)


def test_slope_of_oblique_plane():
    dem = _plane(3.0, 4.0)  # gradient 5 m per 10 m cell
    slope = slope_deg(dem, resolution_m=10.0)
    np.testing.assert_allclose(_interior(slope), np.degrees(np.arctan(0.5)), atol=1e-4)


def test_flat_plane_has_zero_slope_and_nan_aspect():
    dem = np.full((4, 4), 1234.5, dtype=np.float32)
    np.testing.assert_array_equal(_interior(slope_deg(dem, resolution_m=30.0)), 0.0)
    assert np.isnan(aspect_deg(dem, resolution_m=30.0)).all()


@pytest.mark.parametrize(
    ("rise_east_m", "rise_north_m", "expected_deg"),
    [
        (0.0, 1.0, 180.0),  # rises to the north: faces south
        (0.0, -1.0, 0.0),  # rises to the south: faces north
        (-1.0, 0.0, 90.0),  # rises to the west: faces east
        (1.0, 0.0, 270.0),  # rises to the east: faces west
        (-1.0, 1.0, 135.0),  # rises to the north-west: faces south-east
        (1.0, -1.0, 315.0),  # faces north-west
    ],
)
def test_aspect_of_planes(rise_east_m, rise_north_m, expected_deg):
    aspect = aspect_deg(_plane(rise_east_m, rise_north_m), resolution_m=30.0)
    assert aspect.dtype == np.float32
    np.testing.assert_allclose(_interior(aspect), expected_deg, atol=1e-3)


def test_aspect_is_in_zero_to_360():
    rng = np.random.default_rng(0)
    dem = rng.normal(1000, 50, size=(50, 50)).astype(np.float32)
    aspect = _interior(aspect_deg(dem, resolution_m=30.0))
    assert np.nanmin(aspect) >= 0.0
    assert np.nanmax(aspect) < 360.0


def test_aspect_flat_threshold():
    dem = _plane(0.0, 0.01)  # 0.01 m per 30 m: about 0.02°
    assert np.isfinite(_interior(aspect_deg(dem, resolution_m=30.0))).all()
    assert np.isnan(aspect_deg(dem, resolution_m=30.0, flat_slope_deg=0.1)).all()


def test_tri_of_flat_plane_is_zero():
    dem = np.full((5, 5), 2500.0, dtype=np.float32)
    tri = ruggedness_tri_m(dem)
    assert tri.dtype == np.float32
    np.testing.assert_array_equal(_interior(tri), 0.0)


def test_tri_of_a_spike_follows_riley():
    dem = np.zeros((5, 5), dtype=np.float32)
    dem[2, 2] = 3.0
    tri = ruggedness_tri_m(dem)
    # The spike differs from all 8 neighbours by 3: sqrt(8 * 9).
    assert tri[2, 2] == pytest.approx(np.sqrt(72.0))
    # A neighbour sees the spike once among its 8 neighbours: sqrt(9) = 3.
    assert tri[1, 1] == pytest.approx(3.0)
    assert tri[2, 1] == pytest.approx(3.0)


def test_tri_of_inclined_plane():
    # Differences 1 (x2 east/west), 0 (x2 north/south) and 1 (x4 diagonals): sqrt(6).
    tri = ruggedness_tri_m(_plane(1.0, 0.0))
    np.testing.assert_allclose(_interior(tri), np.sqrt(6.0), rtol=1e-6)


@pytest.mark.parametrize("func", ["slope", "aspect", "tri"])
def test_nan_propagates_to_its_window_and_edges_are_nan(func):
    dem = _plane(1.0, 2.0, shape=(7, 7))
    dem[3, 3] = np.nan
    out = {
        "slope": lambda d: slope_deg(d, resolution_m=1.0),
        "aspect": lambda d: aspect_deg(d, resolution_m=1.0),
        "tri": ruggedness_tri_m,
    }[func](dem)
    assert out.shape == dem.shape
    expected_nan = np.zeros(dem.shape, dtype=bool)
    expected_nan[2:5, 2:5] = True  # every window that contains the NaN cell
    expected_nan[[0, -1], :] = True  # the one-cell edge ring
    expected_nan[:, [0, -1]] = True
    np.testing.assert_array_equal(np.isnan(out), expected_nan)


def test_input_is_not_modified_and_other_dtypes_are_accepted():
    dem = _plane(1.0, 1.0).astype(np.float64)
    before = dem.copy()
    out = slope_deg(dem, resolution_m=1.0)
    np.testing.assert_array_equal(dem, before)
    assert out.dtype == np.float32


def test_too_small_arrays_are_all_nan():
    assert np.isnan(slope_deg(np.ones((2, 5), np.float32), resolution_m=1.0)).all()
    assert np.isnan(ruggedness_tri_m(np.ones((5, 2), np.float32))).all()


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="resolution_m"):
        slope_deg(np.ones((3, 3), np.float32), resolution_m=0.0)
    with pytest.raises(ValueError, match="2-D"):
        aspect_deg(np.ones(9, np.float32), resolution_m=1.0)


def test_precision_at_high_elevation():
    # 0.1 m per 30 m cell at 3000 m a.s.l.: float32 must still resolve it.
    dem = _plane(0.1, 0.0, base_m=3000.0)
    expected = np.degrees(np.arctan(0.1 / 30.0))
    np.testing.assert_allclose(_interior(slope_deg(dem, resolution_m=30.0)), expected, rtol=1e-3)
