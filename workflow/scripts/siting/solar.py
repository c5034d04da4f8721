"""PV yield with pvlib: the physics of a PVWatts-style :class:`pvlib.modelchain.ModelChain`,
vectorised over thousands of sites.

Per site-hour the chain is the one ``ModelChain(dc_model="pvwatts", ac_model="pvwatts",
losses_model="pvwatts", aoi_model="physical", spectral_model="no_loss")`` runs, built from the same
pvlib functions:

1. sun position (NREL SPA, :func:`siting.weather.solar_position_sites`), at mid-interval;
2. mount: fixed tilt facing ``azimuth_deg`` (default south, latitude-optimal tilt, see
   :func:`optimal_tilt_deg`) or single-axis tracking (:func:`pvlib.tracking.singleaxis` with
   backtracking at the given GCR);
3. transposition (:func:`pvlib.irradiance.get_sky_diffuse`, default Perez 1990, the PVWatts and
   SAM choice) + ground reflection (:func:`pvlib.irradiance.get_ground_diffuse`);
4. incidence-angle losses (:func:`pvlib.iam.physical`) on the beam;
5. cell temperature (:func:`pvlib.temperature.sapm_cell` or :func:`pvlib.temperature.faiman`);
6. PVWatts DC (:func:`pvlib.pvsystem.pvwatts_dc`, temperature coefficient γ), PVWatts system
   losses, PVWatts inverter (:func:`pvlib.inverter.pvwatts`) with clipping at the AC rating set
   by the DC/AC ratio.

Night hours are skipped (only site-hours with the sun up, or with irradiance, are computed), the
arithmetic runs in float32 on chunks of sites, chunks run on threads (numpy releases the GIL).
:func:`simulate_pv_single` runs pvlib's own ModelChain for one site; tests check the two agree.

Terrain is not modelled: on slopes the capacity per area and the row spacing change (handled
by the capacity density elsewhere), the yield per kWp of a south-facing row barely does.
Inter-row shading of fixed rows is not modelled either (as in PVWatts); tracking uses
backtracking, which avoids row shading at a cost in irradiance.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import pvlib
from pvlib import atmosphere, iam, inverter, irradiance, pvsystem, temperature, tracking

from siting import weather
from siting.errors import InputError, ModelError

__all__ = [
    "PVResult",
    "PVSystemSpec",
    "build_modelchain",
    "optimal_tilt_deg",
    "pv_ac_kw_per_kwp",
    "simulate_pv",
    "simulate_pv_single",
]

#: Smallest DHI passed to the transposition model [W/m²]. Perez divides by DHI: with DHI = 0 and
#: the sun up, its clearness ε is 0/0 and the sky diffuse is NaN. With the floor ε is finite and
#: the diffuse (≈ floor × O(1)) is negligible.
DHI_FLOOR_W_M2 = 1e-3

_SAPM_DEFAULT = dict(temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_glass"])
_FAIMAN_DEFAULT = {"u0": 25.0, "u1": 6.84}
_PVWATTS_LOSS_CATEGORIES = (
    "soiling",
    "shading",
    "snow",
    "mismatch",
    "wiring",
    "connections",
    "lid",
    "nameplate_rating",
    "age",
    "availability",
)


def optimal_tilt_deg(latitude_deg: np.ndarray | float) -> np.ndarray | float:
    """Annual-energy-optimal fixed tilt of an equator-facing plane.

    Polynomial fit of Jacobson & Jadhav (2018) to simulated optimal tilts worldwide,
    ``tilt = 1.3793 + φ (1.2011 + φ (−0.014404 + φ 0.000080509))`` for |φ| [°]; about 30° at
    Shanxi's 35–40 °N, a little below the latitude as diffuse light favours flatter planes.

    Parameters
    ----------
    latitude_deg : array-like
        Latitude [°]; the sign is ignored (equator-facing).

    Returns
    -------
    array-like
        Tilt from horizontal [°].

    References
    ----------
    .. [1] Jacobson, M. Z., Jadhav, V. (2018). World estimates of PV optimal tilt angles and
       ratios of sunlight incident upon tilted and tracked PV panels relative to horizontal
       panels. Solar Energy 169, 55–66.
    """
    phi = np.abs(np.asarray(latitude_deg, dtype=float))
    tilt = 1.3793 + phi * (1.2011 + phi * (-0.014404 + phi * 0.000080509))
    return float(tilt) if np.ndim(tilt) == 0 else tilt


@dataclass(frozen=True)
class PVSystemSpec:
    """Every assumption of the PV yield model (PVWatts-style system, 1 kWp DC).

    Attributes
    ----------
    module_type : str
        Description of the module the parameters stand for.
    tracking : {"fixed", "single_axis"}
        Fixed rack, or horizontal north-south single-axis tracker.
    tilt_deg : float or None
        Fixed tilt [°]; ``None`` = latitude-optimal per site (:func:`optimal_tilt_deg`).
    azimuth_deg : float
        Fixed azimuth [°], 180 = south.
    axis_tilt_deg, axis_azimuth_deg : float
        Tracker axis tilt [°] and azimuth [°] (180: axis north-south, rotating east-west).
    max_angle_deg : float
        Tracker rotation limit [°].
    backtrack : bool
        Tracker backtracking to avoid row-to-row shading.
    gcr : float
        Ground coverage ratio of tracker rows [-].
    albedo : float
        Ground reflectance [-] (Loess Plateau soils and dry grass ≈ 0.2–0.25).
    transposition_model : str
        ``"perez"`` (1990 coefficients), ``"perez-driesse"``, ``"haydavies"`` or ``"isotropic"``.
    iam_model : str
        ``"physical"`` (Fresnel/Snell with AR-free glass, ModelChain's PVWatts default).
    temperature_model : {"sapm", "faiman"}
        Cell temperature model.
    temperature_model_parameters : mapping
        Its parameters: SAPM ``a``, ``b``, ``deltaT`` (default: open rack, glass/glass), or
        Faiman ``u0`` [W/(m² K)], ``u1`` [W s/(m³ K)].
    gamma_pdc_per_c : float
        DC power temperature coefficient [1/°C].
    losses_percent : float
        PVWatts system losses on DC (soiling, wiring, mismatch, availability …) [%].
    inverter_efficiency : float
        PVWatts nominal inverter efficiency [-].
    inverter_efficiency_ref : float
        PVWatts reference efficiency of the efficiency curve [-].
    dc_ac_ratio : float
        DC nameplate / AC nameplate [-]; AC output is clipped at ``1 / dc_ac_ratio`` per kWp.
    """

    module_type: str = "crystalline Si, PVWatts generic (pdc0 = 1 kWp, no spectral loss)"
    tracking: Literal["fixed", "single_axis"] = "fixed"
    tilt_deg: float | None = None
    azimuth_deg: float = 180.0
    axis_tilt_deg: float = 0.0
    axis_azimuth_deg: float = 180.0
    max_angle_deg: float = 60.0
    backtrack: bool = True
    gcr: float = 0.35
    albedo: float = 0.25
    transposition_model: str = "perez"
    iam_model: Literal["physical"] = "physical"
    temperature_model: Literal["sapm", "faiman"] = "sapm"
    temperature_model_parameters: Mapping[str, float] = field(default_factory=lambda: dict(_SAPM_DEFAULT))
    gamma_pdc_per_c: float = -0.0035
    losses_percent: float = 14.0
    inverter_efficiency: float = 0.96
    inverter_efficiency_ref: float = 0.9637
    dc_ac_ratio: float = 1.2

    def __post_init__(self) -> None:
        if self.tracking not in ("fixed", "single_axis"):
            raise ModelError(f"tracking must be 'fixed' or 'single_axis', not {self.tracking!r}")
        if self.temperature_model not in ("sapm", "faiman"):
            raise ModelError(f"temperature_model must be 'sapm' or 'faiman', not {self.temperature_model!r}")
        needed = {"sapm": {"a", "b", "deltaT"}, "faiman": {"u0", "u1"}}[self.temperature_model]
        if set(self.temperature_model_parameters) != needed:
            raise ModelError(
                f"temperature_model_parameters for {self.temperature_model} must be "
                f"{sorted(needed)}, got {sorted(self.temperature_model_parameters)}"
            )
        if self.transposition_model not in ("perez", "perez-driesse", "haydavies", "isotropic"):
            raise ModelError(f"unknown transposition_model {self.transposition_model!r}")
        if self.iam_model != "physical":
            raise ModelError(f"iam_model must be 'physical', not {self.iam_model!r}")
        if not 0 <= self.losses_percent < 100:
            raise ModelError(f"losses_percent must be in [0, 100), got {self.losses_percent}")
        if not (0 < self.inverter_efficiency <= 1 and self.dc_ac_ratio > 0 and 0 < self.gcr < 1):
            raise ModelError("inverter_efficiency in (0, 1], dc_ac_ratio > 0, gcr in (0, 1).")

    @classmethod
    def faiman(cls, **kwargs: Any) -> PVSystemSpec:
        """A spec with the Faiman temperature model (default u0 = 25, u1 = 6.84)."""
        kwargs.setdefault("temperature_model_parameters", dict(_FAIMAN_DEFAULT))
        return cls(temperature_model="faiman", **kwargs)

    def tilt_for(self, latitude_deg: np.ndarray) -> np.ndarray:
        """Fixed tilt per site [°]: ``tilt_deg`` or the latitude-optimal tilt."""
        lat = np.asarray(latitude_deg, dtype=float)
        if self.tilt_deg is None:
            return optimal_tilt_deg(lat) * np.ones_like(lat)
        return np.full_like(lat, float(self.tilt_deg))

    @property
    def pdc0_inverter_kw_per_kwp(self) -> float:
        """PVWatts inverter DC rating per kWp [kW]: AC rating / nominal efficiency."""
        return 1.0 / (self.dc_ac_ratio * self.inverter_efficiency)

    def as_metadata(self) -> dict[str, Any]:
        """All assumptions as a flat, JSON-friendly dict (keys prefixed ``pv_``)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Mapping):
                for key, v in value.items():
                    out[f"pv_{f.name}_{key}"] = float(v)
            else:
                out[f"pv_{f.name}"] = "latitude-optimal" if value is None else value
        out["pv_model"] = (
            f"pvlib {pvlib.__version__} PVWatts chain: SPA sun position, "
            f"{self.transposition_model} transposition, {self.iam_model} IAM, "
            f"{self.temperature_model} cell temperature, pvwatts dc/losses/inverter"
        )
        return out


@dataclass(frozen=True)
class PVResult:
    """PV yield per site.

    Attributes
    ----------
    site_ids : pandas.Index
        Site identifiers, ``n_sites``.
    times : pandas.DatetimeIndex
        Time labels of the hourly series (as in the input weather), ``n_hours``.
    ac_kw_per_kwp : numpy.ndarray
        Hourly AC power per kWp DC [kW/kWp] = energy per hour [kWh/kWp], float32,
        ``(n_sites, n_hours)``.
    specific_yield_kwh_kwp : numpy.ndarray
        Annual AC energy per kWp [kWh/kWp/yr] = mean power × 8,760 h (the sum of the hourly
        series for an 8,760-h year).
    capacity_factor : numpy.ndarray
        Mean AC power / DC nameplate [-].
    metadata : dict
        The assumptions (:meth:`PVSystemSpec.as_metadata`) and tilt used.
    """

    site_ids: pd.Index
    times: pd.DatetimeIndex
    ac_kw_per_kwp: np.ndarray
    specific_yield_kwh_kwp: np.ndarray
    capacity_factor: np.ndarray
    metadata: dict[str, Any]

    def to_frame(self) -> pd.DataFrame:
        """Per-site table: ``specific_yield_kwh_kwp``, ``capacity_factor``."""
        return pd.DataFrame(
            {
                "specific_yield_kwh_kwp": self.specific_yield_kwh_kwp,
                "capacity_factor": self.capacity_factor,
            },
            index=self.site_ids,
        )

    def hourly(self, site_id: Any) -> pd.Series:
        """Hourly AC power of one site [kW/kWp]."""
        row = self.site_ids.get_loc(site_id)
        return pd.Series(self.ac_kw_per_kwp[row].astype(float), index=self.times, name="ac_kw_per_kwp")


def _result(
    site_ids: pd.Index, times: pd.DatetimeIndex, ac: np.ndarray, metadata: dict[str, Any]
) -> PVResult:
    weather.finite_or_raise(ac, what="hourly PV output", site_ids=site_ids)
    mean_kw = ac.mean(axis=1, dtype=np.float64)
    return PVResult(
        site_ids=site_ids,
        times=times,
        ac_kw_per_kwp=ac,
        specific_yield_kwh_kwp=mean_kw * 8760.0,
        capacity_factor=mean_kw,
        metadata=metadata,
    )


def _guard_irradiance(ghi, dni, dhi):
    """Negative irradiance → 0, DHI floored at DHI_FLOOR_W_M2 (Perez NaN guard)."""
    return np.maximum(ghi, 0), np.maximum(dni, 0), np.maximum(dhi, DHI_FLOOR_W_M2)


def pv_ac_kw_per_kwp(
    times: pd.DatetimeIndex,
    ghi: np.ndarray,
    dni: np.ndarray,
    dhi: np.ndarray,
    temp_air_c: np.ndarray,
    wind_speed_m_s: np.ndarray,
    latitude_deg: np.ndarray,
    longitude_deg: np.ndarray,
    *,
    system: PVSystemSpec,
    elevation_m: np.ndarray | float = 0.0,
    interval: weather.Interval = "left",
    solar_position: Mapping[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Hourly AC power per kWp for many sites (the array core of :func:`simulate_pv`).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Time labels, tz-aware, ``n_hours``.
    ghi, dni, dhi : numpy.ndarray
        Irradiance [W/m²], ``(n_sites, n_hours)``.
    temp_air_c : numpy.ndarray
        Air temperature [°C], ``(n_sites, n_hours)``.
    wind_speed_m_s : numpy.ndarray
        Wind speed at 10 m [m/s] for the cell temperature, ``(n_sites, n_hours)``.
    latitude_deg, longitude_deg : numpy.ndarray
        Site coordinates [°], ``(n_sites,)``.
    system : PVSystemSpec
        The assumptions.
    elevation_m : array-like, default 0
        Site elevation [m], for the sun position (refraction).
    interval : {"left", "right", "instant"}, default "left"
        Meaning of the time labels (:func:`siting.weather.interval_offset`).
    solar_position : mapping, optional
        Precomputed :func:`siting.weather.solar_position_sites` output for these sites and
        the shifted times.

    Returns
    -------
    numpy.ndarray
        AC power [kW per kWp DC], float32, ``(n_sites, n_hours)``.

    Raises
    ------
    InputError
        An input is NaN.
    ModelError
        The model produced NaN.
    """
    ghi = np.atleast_2d(np.asarray(ghi, dtype=np.float32))
    shape = ghi.shape
    n_sites = shape[0]

    def full(a):
        return np.broadcast_to(np.asarray(a, dtype=np.float32), shape)

    dni, dhi = full(dni), full(dhi)
    temp_air, wind = full(temp_air_c), full(wind_speed_m_s)
    for name, values in (("ghi", ghi), ("dni", dni), ("dhi", dhi), ("temp_air", temp_air)):
        if not np.all(np.isfinite(values)):
            raise InputError(f"PV weather input {name} contains NaN/inf; fill or drop the gaps.")
    if not np.all(np.isfinite(wind)):
        raise InputError("PV weather input wind_speed contains NaN/inf.")
    lat = np.asarray(latitude_deg, dtype=float).reshape(-1)
    lon = np.asarray(longitude_deg, dtype=float).reshape(-1)
    sun_times = pd.DatetimeIndex(times) + weather.interval_offset(times, interval)
    if solar_position is None:
        solar_position = weather.solar_position_sites(
            sun_times, lat, lon, elevation_m=elevation_m, temp_air_c=temp_air
        )
    app_zen = solar_position["apparent_zenith"]
    sun_up = app_zen < 90.0
    if system.tracking == "fixed":
        # Ground reflection and the pvwatts chain give output for irradiance reported
        # with the sun just below the horizon (hourly averages around sunrise): keep them.
        active = sun_up | (ghi > 0) | (dni > 0)
    else:
        active = sun_up  # ModelChain: tracker orientation is NaN at night → AC filled with 0
    # Compress the active site-hours into 1-D float32 arrays.
    f32 = np.float32
    zen = app_zen[active].astype(f32)
    azi = np.asarray(solar_position["azimuth"])[active].astype(f32)
    g, b, d = _guard_irradiance(ghi[active], dni[active], dhi[active])
    t_air, ws = temp_air[active], wind[active]
    dni_extra = np.asarray(irradiance.get_extra_radiation(sun_times), dtype=f32)
    dni_extra = np.broadcast_to(dni_extra, shape)[active]

    if system.tracking == "fixed":
        tilt = np.broadcast_to(system.tilt_for(lat).astype(f32)[:, None], shape)[active]
        surface_azimuth = f32(system.azimuth_deg)
    else:
        orientation = tracking.singleaxis(
            zen,
            azi,
            axis_tilt=system.axis_tilt_deg,
            axis_azimuth=system.axis_azimuth_deg,
            max_angle=system.max_angle_deg,
            backtrack=system.backtrack,
            gcr=system.gcr,
        )
        tilt = np.nan_to_num(orientation["surface_tilt"], nan=system.axis_tilt_deg).astype(f32)
        surface_azimuth = np.nan_to_num(orientation["surface_azimuth"], nan=system.axis_azimuth_deg).astype(
            f32
        )

    airmass = atmosphere.get_relative_airmass(zen, model="kastenyoung1989")
    sky = irradiance.get_sky_diffuse(
        tilt,
        surface_azimuth,
        zen,
        azi,
        b,
        g,
        d,
        dni_extra=dni_extra,
        airmass=airmass,
        model=system.transposition_model,
    )
    ground = irradiance.get_ground_diffuse(tilt, g, albedo=f32(system.albedo))
    aoi = irradiance.aoi(tilt, surface_azimuth, zen, azi)
    poa = irradiance.poa_components(aoi, b, sky, ground)
    aoi_modifier = iam.physical(aoi)
    effective = poa["poa_direct"] * aoi_modifier + poa["poa_diffuse"]
    params = {k: f32(v) for k, v in system.temperature_model_parameters.items()}
    if system.temperature_model == "sapm":
        t_cell = temperature.sapm_cell(poa["poa_global"], t_air, ws, **params)
    else:
        t_cell = temperature.faiman(poa["poa_global"], t_air, ws, **params)
    pdc = pvsystem.pvwatts_dc(effective, t_cell, pdc0=f32(1.0), gamma_pdc=f32(system.gamma_pdc_per_c))
    pdc = pdc * f32(1.0 - system.losses_percent / 100.0)
    ac_active = inverter.pvwatts(
        pdc,
        pdc0=f32(system.pdc0_inverter_kw_per_kwp),
        eta_inv_nom=f32(system.inverter_efficiency),
        eta_inv_ref=f32(system.inverter_efficiency_ref),
    )
    ac = np.zeros(shape, dtype=f32)
    ac[active] = ac_active
    if n_sites and not np.all(np.isfinite(ac_active)):
        weather.finite_or_raise(ac, what="hourly PV output")
    return ac


def _chunks(n: int, size: int) -> list[slice]:
    return [slice(i, min(i + size, n)) for i in range(0, n, max(size, 1))]


def simulate_pv(
    reference_weather: Mapping[str, pd.DataFrame],
    sites: pd.DataFrame,
    *,
    system: PVSystemSpec,
    interval: weather.Interval = "left",
    chunk_size: int = 128,
    n_workers: int = 2,
) -> PVResult:
    """PV yield for many sites that share reference weather series.

    For each site: the reference series named in ``weather_id``, irradiance scaled to the
    site's atlas GHI (:func:`siting.weather.scale_irradiance_sites`) when ``ghi_kwh_m2_day`` is
    given, air temperature moved to the site elevation with the standard lapse rate when the
    reference frame has ``attrs["elevation_m"]``; then :func:`pv_ac_kw_per_kwp`.

    Parameters
    ----------
    reference_weather : mapping of str to pandas.DataFrame
        Reference frames (``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C],
        ``wind_speed_10m`` [m/s]) on one common hourly UTC index.
    sites : pandas.DataFrame
        One row per site (index = site id): ``latitude``, ``longitude`` [°], ``elevation_m``
        [m], ``weather_id``; optional ``ghi_kwh_m2_day`` [kWh/m²/day] and ``tilt_deg`` [°].
    system : PVSystemSpec
        The assumptions.
    interval : {"left", "right", "instant"}, default "left"
        Meaning of the time labels (NASA POWER: ``"left"``).
    chunk_size : int, default 128
        Sites per chunk (memory ≈ chunk × hours × 4 B × ~30 arrays).
    n_workers : int, default 2
        Threads.

    Returns
    -------
    PVResult
    """
    required = {"latitude", "longitude", "elevation_m", "weather_id"}
    missing = required - set(sites.columns)
    if missing:
        raise InputError(f"sites table lacks column(s) {sorted(missing)} for simulate_pv.")
    ref_ids_needed = set(sites["weather_id"].astype(str))
    unknown = ref_ids_needed - set(map(str, reference_weather))
    if unknown:
        raise InputError(f"sites refer to unknown weather_id(s) {sorted(unknown)[:5]}.")
    refs = {str(k): v for k, v in reference_weather.items() if str(k) in ref_ids_needed}
    times, ids, arrays = weather.reference_arrays(refs, ("ghi", "dni", "dhi", "temp_air", "wind_speed_10m"))
    arrays = {k: v.astype(np.float32) for k, v in arrays.items()}
    ref_elev = np.array([refs[i].attrs.get("elevation_m", np.nan) for i in ids], dtype=float)
    ref_index = pd.Index(ids).get_indexer(sites["weather_id"].astype(str))
    lat = sites["latitude"].to_numpy(dtype=float)
    lon = sites["longitude"].to_numpy(dtype=float)
    elev = sites["elevation_m"].to_numpy(dtype=float)
    ghi_target = sites["ghi_kwh_m2_day"].to_numpy(dtype=float) if "ghi_kwh_m2_day" in sites else None
    tilt_override = sites["tilt_deg"].to_numpy(dtype=float) if "tilt_deg" in sites else None
    sun_times = times + weather.interval_offset(times, interval)
    out = np.empty((len(sites), len(times)), dtype=np.float32)

    def run(chunk: slice) -> None:
        r = ref_index[chunk]
        temp = arrays["temp_air"][r]
        e_ref = ref_elev[r]
        has_ref_elev = np.isfinite(e_ref)
        if has_ref_elev.any():
            offset = np.where(has_ref_elev, -weather.LAPSE_RATE_K_PER_M * (elev[chunk] - e_ref), 0.0)
            temp = temp + offset.astype(np.float32)[:, None]
        sun = weather.solar_position_sites(
            sun_times, lat[chunk], lon[chunk], elevation_m=elev[chunk], temp_air_c=temp
        )
        if ghi_target is not None:
            irr = weather.scale_irradiance_sites(
                arrays["ghi"][r],
                ghi_target[chunk],
                times=sun_times,
                apparent_zenith=sun["apparent_zenith"],
                zenith=sun["zenith"],
                elevation_m=elev[chunk],
            )
            ghi, dni, dhi = irr["ghi"], irr["dni"], irr["dhi"]
        else:
            ghi, dni, dhi = arrays["ghi"][r], arrays["dni"][r], arrays["dhi"][r]
        spec = system
        if tilt_override is not None:
            out[chunk] = _by_tilt(
                times, ghi, dni, dhi, temp, arrays["wind_speed_10m"][r], lat[chunk], lon[chunk],
                system=spec, elevation_m=elev[chunk], interval=interval, solar_position=sun,
                tilt_deg=tilt_override[chunk],
            )  # fmt: skip
        else:
            out[chunk] = pv_ac_kw_per_kwp(
                times, ghi, dni, dhi, temp, arrays["wind_speed_10m"][r], lat[chunk], lon[chunk],
                system=spec, elevation_m=elev[chunk], interval=interval, solar_position=sun,
            )  # fmt: skip

    chunks = _chunks(len(sites), chunk_size)
    if n_workers > 1 and len(chunks) > 1:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            list(pool.map(run, chunks))
    else:
        for chunk in chunks:
            run(chunk)
    metadata = system.as_metadata()
    metadata["pv_weather_interval"] = interval
    metadata["pv_irradiance_scaled_to_atlas"] = ghi_target is not None
    return _result(pd.Index(sites.index), times, out, metadata)


def _by_tilt(*args: Any, system: PVSystemSpec, tilt_deg: np.ndarray, **kwargs: Any) -> np.ndarray:
    """Run pv_ac_kw_per_kwp per distinct tilt (sites with a tilt_deg column)."""
    times, ghi, dni, dhi, temp, wind, lat, lon = args
    out = np.empty(np.shape(ghi), dtype=np.float32)
    sun = kwargs.pop("solar_position")
    elev = np.broadcast_to(np.asarray(kwargs.pop("elevation_m"), dtype=float), lat.shape)
    tilt_key = np.where(np.isfinite(tilt_deg), tilt_deg, -1.0)
    for value in np.unique(tilt_key):
        rows = tilt_key == value
        spec = system if value < 0 else dataclasses.replace(system, tilt_deg=float(value))
        out[rows] = pv_ac_kw_per_kwp(
            times, ghi[rows], dni[rows], dhi[rows], temp[rows], wind[rows], lat[rows], lon[rows],
            system=spec, elevation_m=elev[rows], solar_position={k: v[rows] for k, v in sun.items()},
            **kwargs,
        )  # fmt: skip
    return out


def build_modelchain(
    system: PVSystemSpec,
    latitude: float,
    longitude: float,
    *,
    elevation_m: float = 0.0,
) -> pvlib.modelchain.ModelChain:
    """pvlib ModelChain equivalent to :class:`PVSystemSpec` for one site (1 kWp DC).

    Parameters
    ----------
    system : PVSystemSpec
        The assumptions.
    latitude, longitude : float
        Site [°].
    elevation_m : float, default 0
        Site elevation [m].

    Returns
    -------
    pvlib.modelchain.ModelChain
        PVWatts DC/AC/losses, physical IAM, no spectral loss; the total ``losses_percent`` is
        passed to :func:`pvlib.pvsystem.pvwatts_losses` as a single category.
    """
    module = {"pdc0": 1.0, "gamma_pdc": system.gamma_pdc_per_c}
    temp_params = dict(system.temperature_model_parameters)
    if system.tracking == "fixed":
        mount = pvsystem.FixedMount(
            surface_tilt=float(system.tilt_for(np.array([latitude]))[0]),
            surface_azimuth=system.azimuth_deg,
        )
    else:
        mount = pvsystem.SingleAxisTrackerMount(
            axis_tilt=system.axis_tilt_deg,
            axis_azimuth=system.axis_azimuth_deg,
            max_angle=system.max_angle_deg,
            backtrack=system.backtrack,
            gcr=system.gcr,
        )
    array = pvsystem.Array(
        mount=mount,
        albedo=system.albedo,
        module_parameters=module,
        temperature_model_parameters=temp_params,
    )
    losses = dict.fromkeys(_PVWATTS_LOSS_CATEGORIES, 0.0)
    losses["soiling"] = system.losses_percent  # any one category carries the total
    pv_system = pvsystem.PVSystem(
        arrays=[array],
        inverter_parameters={
            "pdc0": system.pdc0_inverter_kw_per_kwp,
            "eta_inv_nom": system.inverter_efficiency,
            "eta_inv_ref": system.inverter_efficiency_ref,
        },
        losses_parameters=losses,
    )
    location = pvlib.location.Location(latitude, longitude, tz="UTC", altitude=elevation_m)
    return pvlib.modelchain.ModelChain(
        pv_system,
        location,
        dc_model="pvwatts",
        ac_model="pvwatts",
        losses_model="pvwatts",
        aoi_model=system.iam_model,
        spectral_model="no_loss",
        temperature_model=system.temperature_model,
        transposition_model=system.transposition_model,
    )


def simulate_pv_single(
    weather_df: pd.DataFrame,
    latitude: float,
    longitude: float,
    *,
    system: PVSystemSpec | None = None,
    elevation_m: float = 0.0,
    interval: weather.Interval = "left",
) -> PVResult:
    """PV yield of one site from a plain weather frame, with pvlib's own ModelChain.

    The reference implementation the vectorised :func:`simulate_pv` is tested against. The
    time labels are moved to mid-interval (``interval``) before ModelChain sees them, so the
    sun position represents each hourly mean; the result is reported on the original labels.

    Parameters
    ----------
    weather_df : pandas.DataFrame
        Tz-aware hourly index; ``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C] and
        ``wind_speed`` (or ``wind_speed_10m``) [m/s].
    latitude, longitude : float
        Site [°].
    system : PVSystemSpec, optional
        Assumptions; default ``PVSystemSpec()``.
    elevation_m : float, default 0
        Site elevation [m].
    interval : {"left", "right", "instant"}, default "left"
        Meaning of the time labels: NASA POWER ``"left"``, TMY3 ``"right"`` (hour ending).

    Returns
    -------
    PVResult
        One site, id ``"site"``.

    Examples
    --------
    >>> import pvlib
    >>> from siting.solar import PVSystemSpec, simulate_pv_single
    >>> tmy, meta = pvlib.iotools.read_tmy3(
    ...     pvlib.__path__[0] + "/data/723170TYA.CSV", coerce_year=1990)
    >>> spec = PVSystemSpec(tilt_deg=30, gamma_pdc_per_c=-0.0035, losses_percent=14,
    ...                     inverter_efficiency=0.96, dc_ac_ratio=1.2)
    >>> res = simulate_pv_single(tmy, meta["latitude"], meta["longitude"], system=spec,
    ...                          elevation_m=meta["altitude"], interval="right")
    >>> round(float(res.specific_yield_kwh_kwp[0]))  # kWh/kWp/yr  # doctest: +SKIP
    1387
    """
    system = system or PVSystemSpec()
    if "wind_speed" not in weather_df and "wind_speed_10m" in weather_df:
        weather_df = weather_df.rename(columns={"wind_speed_10m": "wind_speed"})
    needed = ["ghi", "dni", "dhi", "temp_air", "wind_speed"]
    missing = [c for c in needed if c not in weather_df]
    if missing:
        raise InputError(f"weather frame lacks column(s) {missing} for simulate_pv_single.")
    frame = weather_df[needed].astype(float)
    if frame.isna().to_numpy().any():
        raise InputError("weather frame contains NaN; fill or drop the gaps first.")
    times = pd.DatetimeIndex(frame.index)
    if times.tz is None:
        raise InputError("weather frame index must be tz-aware (UTC for NASA POWER).")
    ghi, dni, dhi = _guard_irradiance(
        frame["ghi"].to_numpy(), frame["dni"].to_numpy(), frame["dhi"].to_numpy()
    )
    frame = frame.assign(ghi=ghi, dni=dni, dhi=dhi)
    frame.index = times + weather.interval_offset(times, interval)
    mc = build_modelchain(system, latitude, longitude, elevation_m=elevation_m)
    mc.run_model(frame)
    ac = mc.results.ac.to_numpy(dtype=np.float32)[None, :]
    metadata = system.as_metadata()
    metadata["pv_weather_interval"] = interval
    metadata["pv_engine"] = "pvlib.modelchain.ModelChain"
    return _result(pd.Index(["site"]), times, ac, metadata)
