"""Tests for siting.solar: PV physics and vectorised == pvlib ModelChain."""

import dataclasses

import numpy as np
import pandas as pd
import pvlib
import pytest

from siting import solar, weather
from siting.errors import InputError, ModelError

LAT, LON, ELEV = 39.9, 113.1, 1200.0


def _clear_day(date: str = "2021-06-21", *, temp: float = 25.0) -> pd.DataFrame:
    """One clear-sky local day (UTC+8 midnight to midnight), hourly, interval-start labels."""
    times = pd.date_range(pd.Timestamp(date) - pd.Timedelta(hours=8), periods=24, freq="h", tz="UTC")
    loc = pvlib.location.Location(LAT, LON, altitude=ELEV)
    clear = loc.get_clearsky(times + pd.Timedelta(minutes=30), model="ineichen")
    return clear.assign(temp_air=temp, wind_speed=2.0).set_axis(times)


def _references(days: int = 60, n_refs: int = 2, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    times = pd.date_range("2021-03-01", periods=24 * days, freq="h", tz="UTC")
    refs = {}
    for i in range(n_refs):
        lat, lon = LAT - 2 * i, LON - 1.0 * i
        loc = pvlib.location.Location(lat, lon, altitude=ELEV)
        mid = times + pd.Timedelta(minutes=30)
        sun = loc.get_solarposition(mid)
        ghi = loc.get_clearsky(mid, solar_position=sun)["ghi"].to_numpy()
        ghi = ghi * rng.uniform(0.3, 1.0, len(times))
        split = pvlib.irradiance.erbs(ghi, sun["zenith"].to_numpy(), mid)
        frame = pd.DataFrame(
            {
                "ghi": ghi,
                "dni": np.nan_to_num(split["dni"]),
                "dhi": np.nan_to_num(split["dhi"]),
                "temp_air": rng.normal(12, 8, len(times)),
                "wind_speed_10m": rng.weibull(2, len(times)) * 4,
                "wind_speed_50m": rng.weibull(2, len(times)) * 5,
            },
            index=times,
        )
        frame.attrs = {"latitude": lat, "longitude": lon, "elevation_m": ELEV - 300 * i}
        refs[f"r{i}"] = frame
    return refs


def _run_array(df, spec, **kwargs):
    return solar.pv_ac_kw_per_kwp(
        df.index,
        df["ghi"].to_numpy()[None],
        df["dni"].to_numpy()[None],
        df["dhi"].to_numpy()[None],
        df["temp_air"].to_numpy()[None],
        df["wind_speed"].to_numpy()[None],
        np.array([LAT]),
        np.array([LON]),
        system=spec,
        elevation_m=ELEV,
        **kwargs,
    )[0]


@pytest.mark.parametrize("tracking", ["fixed", "single_axis"])
def test_clear_sky_day_is_bell_shaped_with_noon_peak(tracking):
    df = _clear_day()
    ac = _run_array(df, solar.PVSystemSpec(tracking=tracking, dc_ac_ratio=0.5))  # no clipping
    mid = df.index + pd.Timedelta(minutes=30)
    sun = pvlib.solarposition.get_solarposition(mid, LAT, LON)
    up = sun["apparent_zenith"].to_numpy() < 90
    assert np.all(ac[~up] == 0)  # zero at night
    assert np.all(ac[up] >= 0) and ac.max() > 0.5
    i_noon = np.argmin(sun["apparent_zenith"].to_numpy())
    if tracking == "fixed":
        peak = mid[np.argmax(ac)]
        assert abs((peak - mid[i_noon]) / pd.Timedelta(hours=1)) <= 1.0  # peak at solar noon
    else:
        assert ac[i_noon] > 0.85 * ac.max()  # a tracker's day is a plateau around noon
    day = ac[up]
    half = len(day) // 2
    assert abs(day[:half].sum() / day[-half:].sum() - 1) < 0.1  # symmetric about noon
    if tracking == "fixed":
        rising = day[: np.argmax(day) + 1]
        falling = day[np.argmax(day) :]
        assert np.all(np.diff(rising) > 0) and np.all(np.diff(falling) < 0)  # one bell


def test_temperature_derating_sign():
    spec = solar.PVSystemSpec(tilt_deg=30)
    cool = _run_array(_clear_day(temp=5.0), spec)
    hot = _run_array(_clear_day(temp=35.0), spec)
    assert hot.sum() < cool.sum()
    # γ = −0.35 %/°C over ~30 K of cell temperature → roughly 10 % less energy.
    assert 0.85 < hot.sum() / cool.sum() < 0.95
    no_gamma = dataclasses.replace(spec, gamma_pdc_per_c=0.0)
    assert _run_array(_clear_day(temp=35.0), no_gamma).sum() == pytest.approx(
        _run_array(_clear_day(temp=5.0), no_gamma).sum(), rel=1e-4
    )


def test_inverter_clipping_at_ac_rating():
    spec = solar.PVSystemSpec(tilt_deg=35, dc_ac_ratio=1.6)
    ac = _run_array(_clear_day("2021-03-21"), spec)
    ac_rating = 1 / 1.6
    assert ac.max() == pytest.approx(ac_rating, rel=1e-4)  # clipped
    assert np.all(ac <= ac_rating + 1e-6)


def test_perez_nan_hazard_is_guarded():
    # Reproduce: pvlib's Perez model returns NaN for DHI = 0 and DNI = 0 with the sun up.
    sky = pvlib.irradiance.perez(30, 180, np.array([0.0]), np.array([0.0]), 1367, [60.0], 180, [2])
    assert np.isnan(sky).all()
    # Guard: the same situation (a sunrise hour reported as 0 W/m²) gives 0, not NaN.
    df = _clear_day()
    mid = df.index + pd.Timedelta(minutes=30)
    up = pvlib.solarposition.get_solarposition(mid, LAT, LON)["apparent_zenith"].to_numpy() < 90
    first_light = np.argmax(up)
    df.iloc[first_light, [df.columns.get_loc(c) for c in ("ghi", "dni", "dhi")]] = 0.0
    ac = _run_array(df, solar.PVSystemSpec())
    assert np.all(np.isfinite(ac))
    assert ac[first_light] == pytest.approx(0.0, abs=1e-5)
    assert solar.DHI_FLOOR_W_M2 <= 1e-2


def test_nan_input_raises():
    df = _clear_day()
    df.iloc[5, 0] = np.nan
    with pytest.raises(InputError, match="ghi"):
        _run_array(df, solar.PVSystemSpec())
    with pytest.raises(InputError, match="NaN"):
        solar.simulate_pv_single(df, LAT, LON)


def test_optimal_tilt():
    assert solar.optimal_tilt_deg(38.0) == pytest.approx(30.6, abs=0.2)
    assert solar.optimal_tilt_deg(0.0) == pytest.approx(1.38, abs=0.01)
    tilts = solar.optimal_tilt_deg(np.array([35.0, 40.0]))
    assert tilts[0] < tilts[1] < 40


@pytest.mark.parametrize(
    "spec",
    [
        solar.PVSystemSpec(),
        solar.PVSystemSpec(tracking="single_axis", gcr=0.4),
        solar.PVSystemSpec.faiman(tilt_deg=20, transposition_model="haydavies"),
    ],
    ids=["fixed-perez-sapm", "tracker", "faiman-haydavies"],
)
def test_vectorised_equals_modelchain(spec):
    refs = _references()
    sites = pd.DataFrame(
        {
            "latitude": [LAT + 0.1, LAT - 2.1, LAT - 0.3],
            "longitude": [LON, LON - 1.0, LON + 0.2],
            "elevation_m": [1400.0, 700.0, 1000.0],
            "weather_id": ["r0", "r1", "r0"],
            "ghi_kwh_m2_day": [4.8, 5.3, 5.0],
        },
        index=["a", "b", "c"],
    )
    result = solar.simulate_pv(refs, sites, system=spec, chunk_size=2)
    assert result.ac_kw_per_kwp.dtype == np.float32
    assert result.ac_kw_per_kwp.shape == (3, 24 * 60)
    for site_id, site in sites.iterrows():
        ref = refs[site["weather_id"]]
        site_weather = weather.scale_irradiance(
            ref,
            site["ghi_kwh_m2_day"],
            latitude=site["latitude"],
            longitude=site["longitude"],
            elevation_m=site["elevation_m"],
        )
        site_weather["temp_air"] = weather.scale_temperature(
            ref["temp_air"],
            elevation_m=site["elevation_m"],
            reference_elevation_m=ref.attrs["elevation_m"],
        )
        single = solar.simulate_pv_single(
            site_weather,
            site["latitude"],
            site["longitude"],
            system=spec,
            elevation_m=site["elevation_m"],
        )
        row = result.site_ids.get_loc(site_id)
        assert result.specific_yield_kwh_kwp[row] == pytest.approx(single.specific_yield_kwh_kwp[0], rel=1e-3)
        np.testing.assert_allclose(result.ac_kw_per_kwp[row], single.ac_kw_per_kwp[0], atol=2e-3)


def test_annual_energy_is_sum_of_hourly_series():
    times = pd.date_range("2021-01-01", periods=8760, freq="h", tz="UTC")
    loc = pvlib.location.Location(LAT, LON, altitude=ELEV)
    clear = loc.get_clearsky(times + pd.Timedelta(minutes=30), model="simplified_solis")
    df = clear.assign(temp_air=10.0, wind_speed=3.0).set_axis(times)
    res = solar.simulate_pv_single(df, LAT, LON, elevation_m=ELEV)
    assert res.specific_yield_kwh_kwp[0] == pytest.approx(res.ac_kw_per_kwp[0].sum(dtype=float), rel=1e-9)
    assert res.capacity_factor[0] == pytest.approx(res.specific_yield_kwh_kwp[0] / 8760)
    frame = res.to_frame()
    assert list(frame.columns) == ["specific_yield_kwh_kwp", "capacity_factor"]


def test_tmy_723170_yield_in_sensible_band():
    path = pvlib.__path__[0] + "/data/723170TYA.CSV"
    tmy, meta = pvlib.iotools.read_tmy3(path, coerce_year=1990)
    spec = solar.PVSystemSpec(
        tilt_deg=30,
        azimuth_deg=180,
        gamma_pdc_per_c=-0.0035,
        losses_percent=14,
        inverter_efficiency=0.96,
        dc_ac_ratio=1.2,
    )
    res = solar.simulate_pv_single(
        tmy,
        meta["latitude"],
        meta["longitude"],
        system=spec,
        elevation_m=meta["altitude"],
        interval="right",  # TMY3 values are for the hour ending at the label
    )
    assert 1300 < res.specific_yield_kwh_kwp[0] < 1600


def test_metadata_carries_assumptions():
    meta = solar.PVSystemSpec().as_metadata()
    for key in (
        "pv_tilt_deg",
        "pv_tracking",
        "pv_gamma_pdc_per_c",
        "pv_losses_percent",
        "pv_dc_ac_ratio",
        "pv_temperature_model_parameters_a",
        "pv_model",
    ):
        assert key in meta
    assert meta["pv_tilt_deg"] == "latitude-optimal"
    with pytest.raises(Exception, match="temperature_model_parameters"):
        solar.PVSystemSpec(temperature_model="faiman")


def test_per_site_tilt_column_and_no_scaling():
    refs = _references(days=10, n_refs=1)
    sites = pd.DataFrame(
        {
            "latitude": [LAT, LAT],
            "longitude": [LON, LON],
            "elevation_m": [ELEV, ELEV],
            "weather_id": ["r0", "r0"],
            "tilt_deg": [15.0, np.nan],  # NaN → the spec's tilt (latitude-optimal)
        },
        index=["flat", "default"],
    )
    res = solar.simulate_pv(refs, sites, system=solar.PVSystemSpec())
    flat = solar.simulate_pv(refs, sites.drop(columns="tilt_deg"), system=solar.PVSystemSpec(tilt_deg=15))
    default = solar.simulate_pv(refs, sites.drop(columns="tilt_deg"), system=solar.PVSystemSpec())
    np.testing.assert_array_equal(res.ac_kw_per_kwp[0], flat.ac_kw_per_kwp[0])
    np.testing.assert_array_equal(res.ac_kw_per_kwp[1], default.ac_kw_per_kwp[1])
    assert res.metadata["pv_irradiance_scaled_to_atlas"] is False


def test_nan_output_raises_model_error(monkeypatch):
    def broken_inverter(pdc, *args, **kwargs):
        return pdc * np.nan

    monkeypatch.setattr(solar.inverter, "pvwatts", broken_inverter)
    with pytest.raises(ModelError, match="NaN"):
        _run_array(_clear_day(), solar.PVSystemSpec())
