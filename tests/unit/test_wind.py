"""Tests for siting.wind: power curve physics and vectorised == windpowerlib ModelChain."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from siting import weather, wind
from siting.errors import InputError, ModelError

# Flat, ideal spec: hub speed = input speed, no wake, no losses, no density correction.
IDEAL = wind.WindSpec(
    hub_height_m=129.0, density_correction=False, wake_losses_model=None, availability=1.0,
    other_losses_percent=0.0,
)  # fmt: skip


def _ideal_power(speed, spec=IDEAL, temp_c=15.0, elevation_m=0.0):
    speed = np.atleast_2d(np.asarray(speed, dtype=float))
    return wind.wind_power_per_unit(
        speed,
        np.full_like(speed, temp_c),
        spec=spec,
        wind_speed_height_m=spec.hub_height_m,  # no height extrapolation
        roughness_length_m=0.05,
        elevation_m=elevation_m,
    )[0]


def _references(hours: int = 24 * 90, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    times = pd.date_range("2021-01-01", periods=hours, freq="h", tz="UTC")
    refs = {}
    for i, (scale, elev) in enumerate([(5.0, 1300.0), (6.5, 800.0)]):
        ws10 = pd.Series(rng.weibull(2.0, hours) * scale).rolling(3, min_periods=1).mean()
        refs[f"r{i}"] = pd.DataFrame(
            {
                "temp_air": 5 + 15 * np.sin(np.arange(hours) / 8760 * 2 * np.pi)
                + rng.normal(0, 3, hours),
                "wind_speed_10m": ws10.to_numpy(),
                "wind_speed_50m": ws10.to_numpy() * rng.uniform(1.15, 1.45, hours),
            },
            index=times,
        )  # fmt: skip
        refs[f"r{i}"].attrs = {"elevation_m": elev}
    return refs


def test_default_turbine_loads_offline():
    spec = wind.WindSpec()
    assert spec.turbine_type == "E-141/4200"
    assert spec.rated_power_w == pytest.approx(4.2e6)
    assert spec.turbine.rotor_diameter == pytest.approx(141)
    assert spec.turbine.power_curve["value"].max() == pytest.approx(4.2e6)
    assert "E-141/4200" in set(wind.available_turbines()["turbine_type"])
    with pytest.raises(ModelError, match="no power curve"):
        _ = wind.WindSpec(turbine_type="V150/4200").turbine


def test_power_curve_reproduced_at_its_points():
    curve = IDEAL.turbine.power_curve
    speeds = curve["wind_speed"].to_numpy()
    inside = speeds[:-1]  # the last point is the cut-out edge
    power = _ideal_power(inside)
    expected = curve["value"].to_numpy()[:-1] / IDEAL.rated_power_w
    np.testing.assert_allclose(power, expected, atol=1e-5)
    # Between points: linear interpolation, as windpowerlib.
    mid = (speeds[5] + speeds[6]) / 2
    assert _ideal_power([mid])[0] == pytest.approx(expected[5:7].mean(), abs=1e-4)


def test_cut_in_and_cut_out():
    curve = IDEAL.turbine.power_curve
    values = curve["value"].to_numpy()
    cut_in = curve["wind_speed"].to_numpy()[np.argmax(values > 0) - 1]  # last zero point
    cut_out = curve["wind_speed"].max()
    p = _ideal_power([0.0, cut_in, 15.0, cut_out - 0.05, cut_out + 0.5, 40.0, cut_in + 0.3])
    assert p[0] == 0 and p[1] == 0  # at and below cut-in
    assert p[6] > 0  # just above cut-in
    assert p[2] == pytest.approx(1.0, abs=1e-3)  # rated
    assert p[3] == pytest.approx(1.0, abs=1e-3)
    assert p[4] == 0 and p[5] == 0  # above cut-out


def test_density_correction_direction():
    spec = dataclasses.replace(IDEAL, density_correction=True)
    speeds = np.array([5.0, 7.0, 9.0, 11.0, 18.0])
    sea = _ideal_power(speeds, spec, elevation_m=0.0, temp_c=15.0)  # ρ ≈ 1.2
    high = _ideal_power(speeds, spec, elevation_m=2000.0, temp_c=15.0)  # ρ ≈ 0.98
    assert np.all(high[:4] < sea[:4])  # thinner air, less power below rated
    assert high[4] == pytest.approx(sea[4], abs=1e-3) == pytest.approx(1.0, abs=1e-3)
    # Roughly proportional to density well below rated.
    rho_ratio = weather.air_density_kg_m3(2000 + 129, 15 - 0.0065 * 129) / weather.air_density_kg_m3(
        129, 15 - 0.0065 * 129
    )  # fmt: skip
    assert high[0] / sea[0] == pytest.approx(rho_ratio, rel=0.05)


def test_table_matches_windpowerlib_density_correction():
    from windpowerlib.power_output import power_curve_density_correction

    spec = dataclasses.replace(IDEAL, density_correction=True)
    curve = spec.turbine.power_curve
    rng = np.random.default_rng(3)
    speed = rng.uniform(0, 27, 400)
    rho = rng.uniform(0.95, 1.3, 400)
    expected = (
        power_curve_density_correction(speed, curve["wind_speed"], curve["value"], rho) / spec.rated_power_w
    )
    got = wind.power_table(spec).lookup(speed.astype(np.float32), rho.astype(np.float32))
    assert np.max(np.abs(got - expected)) < 5e-3  # per unit of rated, hour by hour
    assert abs(got.mean() / expected.mean() - 1) < 1e-3


@pytest.mark.parametrize(
    "spec",
    [wind.WindSpec(), wind.WindSpec(wind_speed_model="hellman", wake_losses_model="knorr_mean")],
    ids=["default", "hellman-knorr"],
)
def test_vectorised_equals_windpowerlib_modelchain(spec):
    refs = _references()
    sites = pd.DataFrame(
        {
            "weather_id": ["r0", "r1", "r0"],
            "elevation_m": [1500.0, 900.0, 2100.0],
            "landcover": [30, 40, 60],
            "wind_speed_mean_m_s": [6.2, 7.4, 5.1],
            "wind_speed_height_m": [100.0, 100.0, 150.0],
        },
        index=["a", "b", "c"],
    )
    result = wind.simulate_wind(refs, sites, spec=spec, chunk_size=2)
    assert result.power_mw_per_mw.dtype == np.float32
    z0 = wind.roughness_from_worldcover(sites["landcover"])
    for row, (site_id, site) in enumerate(sites.iterrows()):
        ref = refs[site["weather_id"]]
        speed = weather.scale_wind(ref, site["wind_speed_mean_m_s"], height_m=site["wind_speed_height_m"])
        temp = weather.scale_temperature(
            ref["temp_air"],
            elevation_m=site["elevation_m"],
            reference_elevation_m=ref.attrs["elevation_m"],
        )
        single = wind.simulate_wind_single(
            pd.DataFrame({"wind_speed": speed, "temp_air": temp}),
            spec=spec,
            wind_speed_height_m=site["wind_speed_height_m"],
            roughness_length_m=float(z0[row]),
            elevation_m=site["elevation_m"],
        )
        assert result.site_ids[row] == site_id
        assert result.full_load_hours[row] == pytest.approx(single.full_load_hours[0], rel=1e-3)
        np.testing.assert_allclose(result.power_mw_per_mw[row], single.power_mw_per_mw[0], atol=5e-3)


def test_annual_energy_and_losses():
    refs = _references(hours=8760)
    sites = pd.DataFrame(
        {"weather_id": ["r1"], "elevation_m": [1000.0], "roughness_length_m": [0.03],
         "wind_speed_mean_m_s": [6.8]},
        index=["s"],
    )  # fmt: skip
    res = wind.simulate_wind(refs, sites, spec=wind.WindSpec())
    hourly = res.power_mw_per_mw[0].astype(float)
    assert res.aep_mwh_per_mw[0] == pytest.approx(hourly.sum(), rel=1e-9)
    assert res.full_load_hours[0] == pytest.approx(res.capacity_factor[0] * 8760)
    assert 0 <= hourly.min() and hourly.max() <= 1.0
    assert 1000 < res.full_load_hours[0] < 4500
    lossless = wind.simulate_wind(refs, sites, spec=wind.WindSpec(availability=1.0, other_losses_percent=0.0))
    assert res.aep_mwh_per_mw[0] == pytest.approx(lossless.aep_mwh_per_mw[0] * 0.97 * 0.98)
    no_wake = wind.simulate_wind(refs, sites, spec=wind.WindSpec(wake_losses_model=None))
    assert no_wake.aep_mwh_per_mw[0] > res.aep_mwh_per_mw[0]
    meta = res.metadata
    assert meta["wind_turbine_type"] == "E-141/4200" and meta["wind_hub_height_m"] == 129.0


def test_user_power_curve_csv(tmp_path):
    path = tmp_path / "curve.csv"
    pd.DataFrame({"wind_speed": [0, 3, 6, 9, 12, 25], "value": [0, 0, 1e6, 2.5e6, 3e6, 3e6]}).to_csv(
        path, index=False
    )
    curve = wind.read_power_curve_csv(path)
    spec = dataclasses.replace(IDEAL, turbine_type="user-3MW", power_curve=curve)
    assert spec.rated_power_w == 3e6
    assert _ideal_power([7.5], spec)[0] == pytest.approx(1.75 / 3, abs=1e-4)
    pd.DataFrame({"wind_speed": [0, 3, 6], "value": [0, 1, 2]}).to_csv(path, index=False)
    with pytest.raises(InputError, match="in W"):
        wind.read_power_curve_csv(path)


def test_roughness_table_and_errors():
    np.testing.assert_allclose(wind.roughness_from_worldcover([30, 40, 60]), [0.03, 0.05, 0.005])
    with pytest.raises(InputError, match="WorldCover"):
        wind.roughness_from_worldcover([30, 255])
    speed = np.array([[5.0, np.nan]])
    with pytest.raises(InputError, match="NaN"):
        wind.wind_power_per_unit(
            speed, np.zeros_like(speed), spec=IDEAL, wind_speed_height_m=100,
            roughness_length_m=0.05, elevation_m=0,
        )  # fmt: skip
