"""Yield of candidate sites: configured PV/wind assumptions, reference weather, nearest series.

Joins the site locations (:func:`siting.sites.site_locations`) to the reference-weather lattice and
runs :func:`siting.solar.simulate_pv` or :func:`siting.wind.simulate_wind` on them.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from siting import solar, weather, wind
from siting.errors import ConfigError


def pv_spec_from_config(cfg: Mapping[str, Any]) -> solar.PVSystemSpec:
    """The :class:`~siting.solar.PVSystemSpec` of the ``solar`` config section."""
    options = dict(cfg)
    if options.pop("temperature_model", "sapm") == "faiman":
        return solar.PVSystemSpec.faiman(**options)
    return solar.PVSystemSpec(**options)


def wind_spec_from_config(cfg: Mapping[str, Any]) -> wind.WindSpec:
    """The :class:`~siting.wind.WindSpec` of the ``wind`` config section (user power curve optional)."""
    options = dict(cfg)
    curve = options.pop("power_curve_csv", None)
    if curve:
        if not Path(curve).exists():
            raise ConfigError(f"config key 'wind.power_curve_csv': {curve} does not exist")
        table = wind.read_power_curve_csv(curve)
        options.update(
            power_curve=table,
            nominal_power_w=float(table["value"].max()),
            turbine_type=f"user curve {Path(curve).name}",
        )
    return wind.WindSpec(**options)


def load_reference_weather(files: Mapping[tuple[float, float], str]) -> dict[str, pd.DataFrame]:
    """Read the NASA POWER files; keys are ``"lat,lon"`` weather ids."""
    return {
        f"{lat:.4f},{lon:.4f}": weather.read_nasa_power_hourly(path) for (lat, lon), path in files.items()
    }


def nearest_weather_id(
    latitude: np.ndarray, longitude: np.ndarray, points: list[tuple[float, float]]
) -> np.ndarray:
    """Id (``"lat,lon"``) of the nearest reference point to each site (great-circle-ish, degrees scaled)."""
    lat_p = np.array([p[0] for p in points])
    lon_p = np.array([p[1] for p in points])
    scale = np.cos(np.radians(np.asarray(latitude)))[:, None]
    d2 = (np.asarray(latitude)[:, None] - lat_p) ** 2 + (
        (np.asarray(longitude)[:, None] - lon_p) * scale
    ) ** 2
    idx = d2.argmin(axis=1)
    return np.array([f"{lat_p[i]:.4f},{lon_p[i]:.4f}" for i in idx])


def site_inputs(
    locations: pd.DataFrame, points: list[tuple[float, float]], *, technology: str, wind_height_m: float
) -> pd.DataFrame:
    """The sites table the yield models take, from :func:`siting.sites.site_locations`."""
    out = pd.DataFrame(index=locations.index)
    out["latitude"] = locations["latitude"]
    out["longitude"] = locations["longitude"]
    out["elevation_m"] = locations["elevation_m"].fillna(0.0)
    out["weather_id"] = nearest_weather_id(out["latitude"].to_numpy(), out["longitude"].to_numpy(), points)
    if technology == "pv":
        out["ghi_kwh_m2_day"] = locations["ghi_kwh_m2_day"]
    else:
        out["wind_speed_mean_m_s"] = locations["wind_speed_m_s"]
        out["wind_speed_height_m"] = wind_height_m
        out["weibull_a_m_s"] = locations.get("weibull_a_m_s")
        out["weibull_k"] = locations.get("weibull_k")
        out["roughness_length_m"] = locations["roughness_length_m"]
    return out.dropna(axis=1, how="all")
