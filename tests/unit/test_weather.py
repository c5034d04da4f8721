"""Tests for siting.weather: NASA POWER files, sun position, irradiance and wind scaling."""

import json

import numpy as np
import pandas as pd
import pvlib
import pytest

from siting import weather
from siting.errors import InputError, ModelError

LAT, LON, ELEV = 39.9, 113.1, 1200.0  # near 大同


def _frame(hours: int = 72, *, seed: int = 0) -> pd.DataFrame:
    """Hourly weather: clear sky × clouds at (LAT, LON), interval-start labels, UTC."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2021-06-01", periods=hours, freq="h", tz="UTC")
    loc = pvlib.location.Location(LAT, LON, altitude=ELEV)
    mid = times + pd.Timedelta(minutes=30)
    clear = loc.get_clearsky(mid, model="simplified_solis")
    cloud = rng.uniform(0.4, 1.0, hours)
    return pd.DataFrame(
        {
            "ghi": clear["ghi"].to_numpy() * cloud,
            "dni": clear["dni"].to_numpy() * cloud,
            "dhi": clear["dhi"].to_numpy(),
            "temp_air": 20 + 5 * np.sin(np.arange(hours) / 24 * 2 * np.pi),
            "wind_speed_10m": rng.weibull(2.0, hours) * 4,
            "wind_speed_50m": rng.weibull(2.0, hours) * 4 + 1.5,
        },
        index=times,
    )


# ---------------------------------------------------------------------------- NASA POWER I/O
def test_write_read_round_trip(tmp_path):
    df = _frame()
    path = tmp_path / "power.json"
    weather.write_nasa_power_hourly(df, LAT, LON, ELEV, path)
    body = json.loads(path.read_text())
    assert body["type"] == "Feature"
    assert body["geometry"]["coordinates"] == [LON, LAT, ELEV]
    assert body["header"]["fill_value"] == -999.0
    assert set(body["properties"]["parameter"]) == set(weather.NASA_POWER_PARAMETERS)
    assert next(iter(body["properties"]["parameter"]["T2M"])) == "2021060100"
    back = weather.read_nasa_power_hourly(path)
    assert list(back.columns) == list(weather.WEATHER_COLUMNS)
    assert back.index.tz is not None and str(back.index.tz) == "UTC"
    assert back.index.equals(df.index)
    np.testing.assert_allclose(back.to_numpy(), df[list(back.columns)].to_numpy(), atol=0.006)
    assert back.attrs["latitude"] == LAT and back.attrs["elevation_m"] == ELEV


def test_short_gap_interpolated_fill_value_to_nan(tmp_path):
    df = _frame()
    df.iloc[10:13, df.columns.get_loc("temp_air")] = np.nan  # 3 h → interpolated
    path = tmp_path / "gap.json"
    weather.write_nasa_power_hourly(df, LAT, LON, ELEV, path)
    assert '"2021060110": -999.0' in path.read_text()
    back = weather.read_nasa_power_hourly(path)
    assert not back.isna().any().any()
    expected = np.linspace(df["temp_air"].iloc[9], df["temp_air"].iloc[13], 5)[1:4]
    np.testing.assert_allclose(back["temp_air"].iloc[10:13], expected, atol=0.01)


def test_long_gap_raises_naming_file(tmp_path):
    df = _frame()
    df.iloc[20:24, df.columns.get_loc("ghi")] = np.nan  # 4 h
    path = tmp_path / "long_gap.json"
    weather.write_nasa_power_hourly(df, LAT, LON, ELEV, path)
    with pytest.raises(InputError, match=r"long_gap\.json.*ghi.*4 h"):
        weather.read_nasa_power_hourly(path)


def test_missing_parameter_and_file(tmp_path):
    df = _frame()
    path = tmp_path / "p.json"
    weather.write_nasa_power_hourly(df, LAT, LON, ELEV, path)
    body = json.loads(path.read_text())
    del body["properties"]["parameter"]["WS50M"]
    path.write_text(json.dumps(body))
    with pytest.raises(InputError, match="WS50M"):
        weather.read_nasa_power_hourly(path)
    with pytest.raises(InputError, match="does not exist"):
        weather.read_nasa_power_hourly(tmp_path / "nope.json")


# ------------------------------------------------------------------------------ Atmosphere
def test_air_density():
    assert weather.air_density_kg_m3(0.0, 15.0) == pytest.approx(1.225, rel=2e-3)
    rho = weather.air_density_kg_m3(np.array([0.0, 1000.0, 2000.0]), 15.0)
    assert np.all(np.diff(rho) < 0)  # thinner air higher up
    assert weather.air_density_kg_m3(1000.0, 30.0) < weather.air_density_kg_m3(1000.0, 0.0)
    assert weather.air_density_kg_m3(1500.0, 10.0) == pytest.approx(1.04, abs=0.01)


def test_scale_temperature_lapse_rate():
    t = weather.scale_temperature(np.array([10.0]), elevation_m=1500.0, reference_elevation_m=500.0)
    assert t[0] == pytest.approx(3.5)


# ---------------------------------------------------------------------------- Sun position
def test_solar_position_sites_matches_pvlib():
    times = pd.date_range("2021-01-01 00:30", periods=24 * 20, freq="7h", tz="UTC")
    lat = np.array([34.8, 37.9, 40.5])
    lon = np.array([110.5, 112.6, 114.2])
    elev = np.array([350.0, 800.0, 1900.0])
    temp = np.random.default_rng(1).normal(10, 8, (3, len(times)))
    sun = weather.solar_position_sites(times, lat, lon, elevation_m=elev, temp_air_c=temp)
    for i in range(3):
        ref = pvlib.solarposition.get_solarposition(
            times, lat[i], lon[i], altitude=elev[i], temperature=temp[i]
        )
        for key in ("apparent_zenith", "zenith", "azimuth"):
            np.testing.assert_allclose(sun[key][i], ref[key].to_numpy(), atol=1e-3)


# ---------------------------------------------------------------------- Irradiance scaling
def _sun(df):
    times = df.index + pd.Timedelta(minutes=30)
    return times, weather.solar_position_sites(times, np.array([LAT]), np.array([LON]), elevation_m=ELEV)


def test_scale_irradiance_hits_atlas_mean_and_stays_physical():
    df = _frame(24 * 30)
    times, sun = _sun(df)
    ref_mean = df["ghi"].mean() * 24 / 1000
    targets = np.array([ref_mean * 0.8, ref_mean, ref_mean * 1.08])
    ghi = np.repeat(df["ghi"].to_numpy()[None, :], 3, axis=0)
    out = weather.scale_irradiance_sites(
        ghi,
        targets,
        times=times,
        apparent_zenith=np.repeat(sun["apparent_zenith"], 3, axis=0),
        zenith=np.repeat(sun["zenith"], 3, axis=0),
        elevation_m=ELEV,
    )
    np.testing.assert_allclose(out["ghi"].mean(axis=1) * 24 / 1000, targets, rtol=1e-6)
    assert out["scale"][0] < 1 < out["scale"][2]
    clear = pvlib.clearsky.simplified_solis(
        90 - sun["apparent_zenith"][0], pressure=pvlib.atmosphere.alt2pres(ELEV)
    )["ghi"]
    assert np.all(out["ghi"][2] <= 1.1 * np.nan_to_num(clear) + 1e-6)
    # Closure of the decomposition: GHI = DNI cos(z) + DHI while the sun is up.
    day = sun["zenith"][0] < 85
    closure = out["dni"][:, day] * np.cos(np.radians(sun["zenith"][0][day])) + out["dhi"][:, day]
    np.testing.assert_allclose(closure, out["ghi"][:, day], rtol=1e-3, atol=0.5)
    assert np.all(out["dhi"] >= 0) and np.all(out["dni"] >= 0)
    night = sun["apparent_zenith"][0] >= 90
    assert np.all(out["ghi"][:, night] == 0)


def test_scale_irradiance_frame_and_unreachable_target():
    df = _frame(24 * 10)
    site = weather.scale_irradiance(df, 5.0, latitude=LAT, longitude=LON, elevation_m=ELEV, interval="left")
    assert site["ghi"].mean() * 24 / 1000 == pytest.approx(5.0, rel=1e-6)
    assert list(site.columns) == list(df.columns)
    pd.testing.assert_series_equal(site["temp_air"], df["temp_air"])
    with pytest.raises(ModelError, match="clear-sky limit"):
        weather.scale_irradiance(df, 15.0, latitude=LAT, longitude=LON, elevation_m=ELEV)


# ---------------------------------------------------------------------------- Wind scaling
def test_wind_speed_at_height():
    df = _frame()
    pd.testing.assert_series_equal(
        weather.wind_speed_at_height(df, 10), df["wind_speed_10m"].rename("wind_speed")
    )
    v100 = weather.wind_speed_at_height(df, 100)
    sheared = df["wind_speed_50m"] > df["wind_speed_10m"]
    assert np.all(v100[sheared] > df["wind_speed_50m"][sheared])
    assert np.all(v100 >= 0)


def test_scale_wind_mean():
    df = _frame(500)
    out = weather.scale_wind(df, 6.5, height_m=100)
    assert out.mean() == pytest.approx(6.5, rel=1e-5)
    ref = weather.wind_speed_at_height(df, 100)
    moving = ref > 0.1
    np.testing.assert_allclose(out[moving] / ref[moving], 6.5 / ref.mean(), rtol=1e-4)


def test_scale_wind_weibull_quantile_mapping():
    df = _frame(2000)
    a, k = 7.0, 2.2
    out = weather.scale_wind(df, None, height_m=100, weibull_a_m_s=a, weibull_k=k)
    # Distribution is the atlas Weibull: median and 90th percentile.
    assert out.median() == pytest.approx(a * np.log(2) ** (1 / k), rel=0.01)
    assert out.quantile(0.9) == pytest.approx(a * np.log(10) ** (1 / k), rel=0.01)
    # Timing is the reference's: same ranks.
    ref = weather.wind_speed_at_height(df, 100)
    assert ref.rank().corr(out.rank()) > 0.9999
    # With a mean as well, the mean is exact.
    both = weather.scale_wind(df, 6.0, height_m=100, weibull_a_m_s=a, weibull_k=k)
    assert both.mean() == pytest.approx(6.0, rel=1e-5)
    with pytest.raises(ModelError):
        weather.scale_wind_sites(np.ones(10), None, weibull_a_m_s=np.array([5.0]))
