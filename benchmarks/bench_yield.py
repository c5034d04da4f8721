"""Benchmark the vectorised yield models (run by hand, not by pytest).

Usage::

    .venv/bin/python benchmarks/bench_yield.py [--sites 10000] [--references 100] [--repeat 3]

Builds synthetic hourly reference series for one 8,760-h year at points over Shanxi (clear sky
× an autocorrelated cloud factor, Erbs-Driesse split; diurnal/seasonal temperature; Weibull-like
wind), assigns each site a reference, an atlas GHI and an atlas wind speed, then times
:func:`siting.solar.simulate_pv` and :func:`siting.wind.simulate_wind` (median of ``--repeat``
runs) and checks a sample of sites against the per-site library calls
(:func:`siting.solar.simulate_pv_single` = pvlib ModelChain,
:func:`siting.wind.simulate_wind_single` = windpowerlib TurbineClusterModelChain): annual energy
within 0.1 %.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pvlib

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "workflow" / "scripts"))

from siting import solar, weather, wind


def synthetic_references(n_refs: int, *, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Hourly reference weather frames (NASA POWER layout, interval-start labels, UTC)."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2019-01-01", periods=8760, freq="h", tz="UTC")
    refs = {}
    for i in range(n_refs):
        lat, lon = rng.uniform(34.6, 40.7), rng.uniform(110.3, 114.5)
        elev = float(rng.uniform(400, 1800))
        loc = pvlib.location.Location(lat, lon, altitude=elev)
        mid = times + pd.Timedelta(minutes=30)
        sun = loc.get_solarposition(mid)
        clear = loc.get_clearsky(mid, solar_position=sun, model="simplified_solis")
        cloud = np.empty(len(times))
        cloud[0] = 0.7
        noise = rng.normal(0, 0.08, len(times))
        for t in range(1, len(times)):
            cloud[t] = 0.97 * cloud[t - 1] + 0.03 * 0.75 + noise[t]
        ghi = clear["ghi"].to_numpy() * np.clip(cloud, 0.05, 1.0)
        split = pvlib.irradiance.erbs_driesse(ghi, sun["zenith"].to_numpy(), mid)
        hours = np.arange(len(times))
        temp = (
            8.0
            - 0.006 * (elev - 1000)
            - 14 * np.cos(2 * np.pi * (hours / 8760 - 0.04))
            + 5 * np.sin(2 * np.pi * ((hours + 8) % 24) / 24 - np.pi / 2)
            + rng.normal(0, 1.5, len(times))
        )
        ws10 = rng.weibull(2.0, len(times)) * rng.uniform(3.0, 5.0)
        ws10 = pd.Series(ws10).rolling(4, min_periods=1).mean().to_numpy()
        ws50 = ws10 * (50 / 10) ** rng.uniform(0.12, 0.25, len(times))
        frame = pd.DataFrame(
            {
                "ghi": ghi,
                "dni": np.nan_to_num(split["dni"]),
                "dhi": np.nan_to_num(split["dhi"]),
                "temp_air": temp,
                "wind_speed_10m": ws10,
                "wind_speed_50m": ws50,
            },
            index=times,
        )
        frame.attrs = {"latitude": lat, "longitude": lon, "elevation_m": elev}
        refs[f"ref{i:03d}"] = frame
    return refs


def synthetic_sites(refs: dict[str, pd.DataFrame], n_sites: int, *, seed: int = 1):
    """Sites near their reference point, with atlas values."""
    rng = np.random.default_rng(seed)
    ids = list(refs)
    ref_of = rng.integers(0, len(ids), n_sites)
    lat = np.array([refs[ids[r]].attrs["latitude"] for r in ref_of]) + rng.uniform(-0.2, 0.2, n_sites)
    lon = np.array([refs[ids[r]].attrs["longitude"] for r in ref_of]) + rng.uniform(-0.2, 0.2, n_sites)
    ref_ghi = np.array([refs[ids[r]]["ghi"].mean() * 0.024 for r in ref_of])
    sites = pd.DataFrame(
        {
            "latitude": lat,
            "longitude": lon,
            "elevation_m": rng.uniform(500, 2000, n_sites),
            "weather_id": [ids[r] for r in ref_of],
            "ghi_kwh_m2_day": ref_ghi * rng.uniform(0.9, 1.08, n_sites),
            "wind_speed_mean_m_s": rng.uniform(5.0, 7.5, n_sites),
            "wind_speed_height_m": 100.0,
            "roughness_length_m": rng.choice([0.03, 0.05, 0.1, 0.005], n_sites),
        },
        index=pd.Index([f"s{i:05d}" for i in range(n_sites)], name="site_id"),
    )
    return sites


def _median_time(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=10_000)
    parser.add_argument("--references", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--check", type=int, default=5, help="sites checked against the library")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    refs = synthetic_references(args.references)
    sites = synthetic_sites(refs, args.sites)
    pv_spec = solar.PVSystemSpec()
    wind_spec = wind.WindSpec()
    print(f"{args.sites} sites, {args.references} references, 8760 h, {args.workers} workers")

    pv_t, pv_runs, pv = _median_time(
        lambda: solar.simulate_pv(refs, sites, system=pv_spec, n_workers=args.workers),
        args.repeat,
    )
    print(
        f"PV:   median {pv_t:6.2f} s  ({args.sites / pv_t:8.0f} sites/s)  runs "
        f"{[round(t, 2) for t in pv_runs]}  mean yield {pv.specific_yield_kwh_kwp.mean():.0f}"
        " kWh/kWp"
    )
    wind_t, wind_runs, wr = _median_time(
        lambda: wind.simulate_wind(refs, sites, spec=wind_spec, n_workers=args.workers),
        args.repeat,
    )
    print(
        f"Wind: median {wind_t:6.2f} s  ({args.sites / wind_t:8.0f} sites/s)  runs "
        f"{[round(t, 2) for t in wind_runs]}  mean FLH {wr.full_load_hours.mean():.0f} h"
    )

    rng = np.random.default_rng(2)
    worst_pv = worst_wind = 0.0
    for i in rng.choice(args.sites, size=min(args.check, args.sites), replace=False):
        site = sites.iloc[i]
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
            system=pv_spec,
            elevation_m=site["elevation_m"],
        )
        rel = abs(pv.specific_yield_kwh_kwp[i] / single.specific_yield_kwh_kwp[0] - 1)
        worst_pv = max(worst_pv, rel)
        speed = weather.scale_wind(ref, site["wind_speed_mean_m_s"], height_m=site["wind_speed_height_m"])
        ws = wind.simulate_wind_single(
            pd.DataFrame({"wind_speed": speed, "temp_air": site_weather["temp_air"]}),
            spec=wind_spec,
            wind_speed_height_m=site["wind_speed_height_m"],
            roughness_length_m=site["roughness_length_m"],
            elevation_m=site["elevation_m"],
        )
        rel = abs(wr.full_load_hours[i] / ws.full_load_hours[0] - 1)
        worst_wind = max(worst_wind, rel)
    print(
        f"check vs per-site library call ({args.check} sites): worst annual-energy difference "
        f"PV {worst_pv * 100:.4f} %, wind {worst_wind * 100:.4f} %  (limit 0.1 %)"
    )
    if max(worst_pv, worst_wind) > 1e-3:
        raise SystemExit("FAILED: vectorised result differs from the library call by > 0.1 %")


if __name__ == "__main__":
    main()
