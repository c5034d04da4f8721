"""Hourly weather per site: read / write NASA POWER, scale a reference series to an atlas mean.

The pipeline holds a few dozen *reference* hourly series (NASA POWER / ERA5 points, or synthetic
ones in the demo) and thousands of sites. Each site takes the hourly *shape* of its reference and
is scaled to its own long-term atlas mean: Global Solar Atlas GHI for PV, Global Wind Atlas mean
speed (optionally Weibull A/k) for wind. Everything that works on many sites takes
``(n_sites, n_hours)`` numpy arrays, so 10,000 sites are a handful of array operations.

Conventions
-----------
- Time index: UTC, hourly, labelled at the **start** of each interval (NASA POWER hourly, as pvlib's
  :func:`pvlib.iotools.get_nasa_power` documents). Sun positions for interval averages are taken
  at mid-interval, see ``interval`` in :func:`solar_position_sites`.
- Columns of a weather frame: ``ghi``, ``dni``, ``dhi`` [W/m²], ``temp_air`` [°C],
  ``wind_speed_10m``, ``wind_speed_50m`` [m/s]. ``frame.attrs`` carries ``latitude``,
  ``longitude``, ``elevation_m`` when known.

Only :func:`read_nasa_power_hourly` and :func:`write_nasa_power_hourly` touch paths.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import pvlib
from pvlib import spa
from pvlib.iotools.nasa_power import VARIABLE_MAP as _PVLIB_NASA_POWER_MAP
from windpowerlib import tools as wpl_tools

from siting.errors import InputError, ModelError

__all__ = [
    "LAPSE_RATE_K_PER_M",
    "MAX_GAP_HOURS",
    "NASA_POWER_PARAMETERS",
    "WEATHER_COLUMNS",
    "air_density_kg_m3",
    "finite_or_raise",
    "interval_offset",
    "read_nasa_power_hourly",
    "reference_arrays",
    "scale_irradiance",
    "scale_irradiance_sites",
    "scale_temperature",
    "scale_wind",
    "scale_wind_sites",
    "solar_position_sites",
    "surface_pressure_pa",
    "wind_speed_at_height",
    "write_nasa_power_hourly",
]

#: NASA POWER hourly parameter → our column name. Irradiance names follow pvlib's own map
#: (:data:`pvlib.iotools.nasa_power.VARIABLE_MAP`); pvlib maps WS10M to plain ``wind_speed``, we
#: keep the height in the name because two heights are read.
NASA_POWER_PARAMETERS: dict[str, str] = {
    "ALLSKY_SFC_SW_DWN": _PVLIB_NASA_POWER_MAP["ALLSKY_SFC_SW_DWN"],  # ghi
    "ALLSKY_SFC_SW_DNI": _PVLIB_NASA_POWER_MAP["ALLSKY_SFC_SW_DNI"],  # dni
    "ALLSKY_SFC_SW_DIFF": _PVLIB_NASA_POWER_MAP["ALLSKY_SFC_SW_DIFF"],  # dhi
    "T2M": _PVLIB_NASA_POWER_MAP["T2M"],  # temp_air
    "WS10M": "wind_speed_10m",
    "WS50M": "wind_speed_50m",
}
WEATHER_COLUMNS: tuple[str, ...] = tuple(NASA_POWER_PARAMETERS.values())

_NASA_POWER_UNITS = {
    "ALLSKY_SFC_SW_DWN": ("Wh/m^2", "All Sky Surface Shortwave Downward Irradiance"),
    "ALLSKY_SFC_SW_DNI": ("Wh/m^2", "All Sky Surface Shortwave Downward Direct Normal Irradiance"),
    "ALLSKY_SFC_SW_DIFF": ("Wh/m^2", "All Sky Surface Shortwave Diffuse Irradiance"),
    "T2M": ("C", "Temperature at 2 Meters"),
    "WS10M": ("m/s", "Wind Speed at 10 Meters"),
    "WS50M": ("m/s", "Wind Speed at 50 Meters"),
}
_NASA_POWER_FILL_VALUE = -999.0
_IRRADIANCE_COLUMNS = ("ghi", "dni", "dhi")

#: Longest run of missing hours that is interpolated [h]; longer gaps are an error.
MAX_GAP_HOURS = 3

#: Specific gas constant of dry air [J/(kg K)] (same value windpowerlib uses).
R_DRY_AIR_J_KG_K = 287.058
#: Temperature lapse rate of the standard atmosphere [K/m].
LAPSE_RATE_K_PER_M = 0.0065

Interval = Literal["left", "right", "instant"]


# --------------------------------------------------------------------------------------------
# NASA POWER files
# --------------------------------------------------------------------------------------------
def read_nasa_power_hourly(path: str | Path) -> pd.DataFrame:
    """Read a saved NASA POWER hourly point API response (JSON).

    The file is the unmodified body of a request such as
    ``https://power.larc.nasa.gov/api/temporal/hourly/point?parameters=ALLSKY_SFC_SW_DWN,
    ALLSKY_SFC_SW_DNI,ALLSKY_SFC_SW_DIFF,T2M,WS10M,WS50M&community=RE&longitude=..&latitude=..
    &start=YYYYMMDD&end=YYYYMMDD&format=JSON&time-standard=UTC``: a GeoJSON Feature with
    ``geometry.coordinates`` ``[lon, lat, elevation]``, ``properties.parameter.{NAME}.
    {YYYYMMDDHH: value}`` and ``header.fill_value`` (−999).

    pvlib parses the same structure only inside its HTTP client
    (:func:`pvlib.iotools.get_nasa_power`, no reader for files); this function applies the same
    steps (index ``%Y%m%d%H`` in UTC, fill value → NaN, pvlib's variable names) to a file.

    Parameters
    ----------
    path : str or Path
        The JSON file.

    Returns
    -------
    pandas.DataFrame
        Hourly, UTC, index at the start of each interval, columns ``ghi``, ``dni``, ``dhi``
        [W/m²], ``temp_air`` [°C], ``wind_speed_10m``, ``wind_speed_50m`` [m/s]. Missing values
        (fill value) in runs of at most :data:`MAX_GAP_HOURS` hours are interpolated linearly;
        negative irradiance is set to 0. ``attrs`` holds ``latitude``, ``longitude``,
        ``elevation_m`` [m] and ``source``.

    Raises
    ------
    InputError
        The file is missing, is not a NASA POWER hourly response, lacks a parameter, or has a
        gap longer than :data:`MAX_GAP_HOURS` hours.
    """
    path = Path(path)
    try:
        with path.open(encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        raise InputError(f"NASA POWER file {path} does not exist; run the retrieve rule.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"NASA POWER file {path} is not valid JSON ({err}); delete it and download it again."
        ) from None
    try:
        hourly = data["properties"]["parameter"]
        lon, lat, elevation = (float(v) for v in data["geometry"]["coordinates"][:3])
        fill_value = float(data.get("header", {}).get("fill_value", _NASA_POWER_FILL_VALUE))
    except (KeyError, TypeError, ValueError) as err:
        raise InputError(
            f"{path} is not a NASA POWER hourly point response (missing {err}); expected a GeoJSON"
            " Feature with properties.parameter and geometry.coordinates [lon, lat, elevation]."
        ) from None
    missing = [name for name in NASA_POWER_PARAMETERS if name not in hourly]
    if missing:
        raise InputError(
            f"{path} lacks NASA POWER parameter(s) {missing}; request "
            f"parameters={','.join(NASA_POWER_PARAMETERS)}."
        )
    df = pd.DataFrame({name: hourly[name] for name in NASA_POWER_PARAMETERS})
    try:
        df.index = pd.to_datetime(df.index, format="%Y%m%d%H").tz_localize("UTC")
    except ValueError as err:
        raise InputError(f"{path}: timestamps are not YYYYMMDDHH ({err}).") from None
    df = df.sort_index().astype(float).replace(fill_value, np.nan)
    df = df.rename(columns=NASA_POWER_PARAMETERS)
    full = pd.date_range(df.index[0], df.index[-1], freq="h")
    df = df.reindex(full)
    df.index.name = "time"
    df = _fill_short_gaps(df, path=path)
    df[list(_IRRADIANCE_COLUMNS)] = df[list(_IRRADIANCE_COLUMNS)].clip(lower=0.0)
    df.attrs = {
        "latitude": lat,
        "longitude": lon,
        "elevation_m": elevation,
        "source": "NASA POWER hourly (community RE)",
    }
    return df


def _fill_short_gaps(df: pd.DataFrame, *, path: Path) -> pd.DataFrame:
    """Interpolate NaN runs of at most MAX_GAP_HOURS; raise InputError on longer runs."""
    for column in df.columns:
        isna = df[column].isna().to_numpy()
        if not isna.any():
            continue
        run_id = np.cumsum(~isna)
        run_lengths = pd.Series(isna).groupby(run_id).sum().to_numpy()
        if run_lengths.max() > MAX_GAP_HOURS:
            first = df.index[isna][0]
            raise InputError(
                f"{path}: {column} has a gap of {int(run_lengths.max())} h (first missing hour"
                f" {first:%Y-%m-%d %H:00} UTC); at most {MAX_GAP_HOURS} h are interpolated. "
                "Download the period again or choose another reference point."
            )
    # Inside: linear in time; at the ends (≤ MAX_GAP_HOURS by the check above): nearest value.
    return df.interpolate(method="time", limit_area="inside").ffill().bfill()


def write_nasa_power_hourly(
    df: pd.DataFrame, lat: float, lon: float, elevation_m: float, path: str | Path
) -> None:
    """Write hourly weather in the JSON structure of the NASA POWER hourly point API.

    The inverse of :func:`read_nasa_power_hourly` (used by the demo to write synthetic files in
    the real format). NaN values are written as the fill value −999.

    Parameters
    ----------
    df : pandas.DataFrame
        Hourly, UTC (or naive UTC) index, columns ``ghi``, ``dni``, ``dhi`` [W/m²],
        ``temp_air`` [°C], ``wind_speed_10m``, ``wind_speed_50m`` [m/s].
    lat, lon : float
        Point coordinates [°].
    elevation_m : float
        Point elevation [m].
    path : str or Path
        The JSON file to write (parent folders are created).

    Raises
    ------
    InputError
        A column is missing.
    """
    missing = [c for c in WEATHER_COLUMNS if c not in df.columns]
    if missing:
        raise InputError(f"cannot write NASA POWER JSON: columns {missing} are missing.")
    index = pd.DatetimeIndex(df.index)
    index = index.tz_localize("UTC") if index.tz is None else index.tz_convert("UTC")
    keys = index.strftime("%Y%m%d%H")
    parameter = {}
    for name, column in NASA_POWER_PARAMETERS.items():
        values = df[column].to_numpy(dtype=float)
        values = np.where(np.isfinite(values), np.round(values, 2), _NASA_POWER_FILL_VALUE)
        parameter[name] = dict(zip(keys, values.tolist(), strict=True))
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [float(lon), float(lat), float(elevation_m)]},
        "properties": {"parameter": parameter},
        "header": {
            "title": "NASA/POWER Source Native Resolution Hourly Data",
            "api": {"version": "v2", "name": "POWER Hourly API"},
            "sources": ["SYN1DEG", "MERRA2"],
            "fill_value": _NASA_POWER_FILL_VALUE,
            "time_standard": "UTC",
            "start": index[0].strftime("%Y%m%d"),
            "end": index[-1].strftime("%Y%m%d"),
        },
        "messages": [],
        "parameters": {
            name: {"units": units, "longname": longname}
            for name, (units, longname) in _NASA_POWER_UNITS.items()
        },
        "times": {"data": 0.0, "process": 0.0},
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(body), encoding="utf-8")


# --------------------------------------------------------------------------------------------
# Atmosphere
# --------------------------------------------------------------------------------------------
def surface_pressure_pa(elevation_m: np.ndarray | float) -> np.ndarray | float:
    """Mean surface pressure from elevation with the standard-atmosphere barometric formula.

    Parameters
    ----------
    elevation_m : array-like
        Elevation above sea level [m].

    Returns
    -------
    array-like
        Pressure [Pa] (:func:`pvlib.atmosphere.alt2pres`).

    References
    ----------
    .. [1] ISO 2533:1975, Standard Atmosphere (the ICAO standard atmosphere).
    """
    return pvlib.atmosphere.alt2pres(elevation_m)


def air_density_kg_m3(elevation_m: np.ndarray | float, temp_air_c: np.ndarray | float) -> np.ndarray | float:
    """Air density from elevation and air temperature.

    Pressure comes from the standard-atmosphere barometric formula at ``elevation_m``
    (:func:`surface_pressure_pa`), density from the ideal gas law for dry air,
    ``rho = p / (R_d T)`` with ``R_d`` = 287.058 J/(kg K).

    Parameters
    ----------
    elevation_m : array-like
        Height above sea level of the air [m].
    temp_air_c : array-like
        Air temperature at that height [°C]; broadcast against ``elevation_m``.

    Returns
    -------
    array-like
        Density [kg/m³]; 1.225 at sea level and 15 °C.

    References
    ----------
    .. [1] ISO 2533:1975, Standard Atmosphere.
    """
    pressure = surface_pressure_pa(np.asarray(elevation_m, dtype=float))
    return pressure / (R_DRY_AIR_J_KG_K * (np.asarray(temp_air_c, dtype=float) + 273.15))


def scale_temperature(
    temp_air_c: np.ndarray | pd.Series,
    *,
    elevation_m: np.ndarray | float,
    reference_elevation_m: np.ndarray | float,
    lapse_rate_k_per_m: float = LAPSE_RATE_K_PER_M,
) -> np.ndarray | pd.Series:
    """Move a reference air temperature to a site elevation with a constant lapse rate.

    Parameters
    ----------
    temp_air_c : array-like
        Reference temperature [°C], shape ``(n_hours,)`` or ``(n_sites, n_hours)``.
    elevation_m : array-like
        Site elevation [m], scalar or ``(n_sites, 1)``.
    reference_elevation_m : array-like
        Elevation of the reference series [m].
    lapse_rate_k_per_m : float, default 0.0065
        Cooling with height [K/m] (standard atmosphere).

    Returns
    -------
    array-like
        Temperature at the site [°C].
    """
    offset = -lapse_rate_k_per_m * (
        np.asarray(elevation_m, dtype=float) - np.asarray(reference_elevation_m, dtype=float)
    )
    return temp_air_c + offset


# --------------------------------------------------------------------------------------------
# Sun position for many sites
# --------------------------------------------------------------------------------------------
def interval_offset(times: pd.DatetimeIndex, interval: Interval) -> pd.Timedelta:
    """Shift from a time label to the instant that represents its interval.

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Regular time index.
    interval : {"left", "right", "instant"}
        ``"left"``: labels are interval starts (NASA POWER) → +½ step; ``"right"``: interval
        ends (TMY3) → −½ step; ``"instant"``: labels are the instants.

    Returns
    -------
    pandas.Timedelta
    """
    if interval == "instant":
        return pd.Timedelta(0)
    if len(times) < 2:
        step = pd.Timedelta(hours=1)
    else:
        step = pd.Timedelta(times[1] - times[0])
    if interval == "left":
        return step / 2
    if interval == "right":
        return -step / 2
    raise ValueError(f"interval must be 'left', 'right' or 'instant', not {interval!r}")


def solar_position_sites(
    times: pd.DatetimeIndex,
    latitude: np.ndarray,
    longitude: np.ndarray,
    *,
    elevation_m: np.ndarray | float = 0.0,
    temp_air_c: np.ndarray | float = 12.0,
    delta_t_s: float = 67.0,
) -> dict[str, np.ndarray]:
    """Sun position for many sites at once with NREL's SPA (pvlib's ``nrel_numpy``).

    The geocentric part of SPA (the expensive series for the Sun's longitude, nutation,
    obliquity, sidereal time) depends on time only and is computed once for ``n_hours``; the
    topocentric part (parallax, hour angle, refraction) is broadcast over ``(n_sites, n_hours)``.
    The result equals :func:`pvlib.solarposition.get_solarposition` per site within 1e-3° (same
    SPA equations and defaults: pressure from elevation, refraction 0.5667°; the per-element
    part runs in float32 with trigonometric identities, which is ~10× faster).

    Parameters
    ----------
    times : pandas.DatetimeIndex
        Instants (tz-aware) at which the position is wanted, ``n_hours`` long.
    latitude, longitude : array-like
        Site coordinates [°], shape ``(n_sites,)``.
    elevation_m : array-like, default 0
        Site elevation [m], scalar or ``(n_sites,)``.
    temp_air_c : array-like, default 12
        Air temperature for refraction [°C], scalar, ``(n_sites,)`` or ``(n_sites, n_hours)``.
    delta_t_s : float, default 67.0
        TT − UT1 [s] (pvlib's default).

    Returns
    -------
    dict of numpy.ndarray
        ``apparent_zenith``, ``zenith``, ``azimuth`` [°], each ``(n_sites, n_hours)`` float32.

    References
    ----------
    .. [1] Reda, I., Andreas, A. (2004). Solar position algorithm for solar radiation
       applications. Solar Energy 76(5), 577–589.
    """
    unixtime = pvlib.solarposition._datetime_to_unixtime(pd.DatetimeIndex(times))
    lat = np.asarray(latitude, dtype=float).reshape(-1, 1)
    lon = np.asarray(longitude, dtype=float).reshape(-1, 1)
    elev = np.broadcast_to(np.asarray(elevation_m, dtype=float).reshape(-1, 1), lat.shape)
    temp = np.asarray(temp_air_c, dtype=float)
    if temp.ndim == 1:
        temp = temp.reshape(-1, 1)
    pressure_mbar = pvlib.atmosphere.alt2pres(elev) / 100.0
    sidereal, alpha, delta, xi = _geocentric_sun(unixtime.tobytes(), delta_t_s)
    # Topocentric part, (n_sites, 1) against (n_hours,): SPA eqs. 38-46 of [1] as in
    # pvlib.spa.parallax_sun_right_ascension ... topocentric_azimuth_angle, rewritten with
    # trigonometric identities so that sin/cos are only taken per hour or per site, and
    # evaluated per element in float32 (agreement with pvlib.spa within 1e-3°, see tests).
    f32 = np.float32
    u = spa.uterm(lat)
    x = spa.xterm(u, lat, elev).astype(f32)
    y = spa.yterm(u, lat, elev).astype(f32)
    sin_lat, cos_lat = np.sin(np.radians(lat)).astype(f32), np.cos(np.radians(lat)).astype(f32)
    sin_lon, cos_lon = np.sin(np.radians(lon)).astype(f32), np.cos(np.radians(lon)).astype(f32)
    sin_xi = np.sin(np.radians(xi)).astype(f32)
    sin_delta = np.sin(np.radians(delta)).astype(f32)
    cos_delta = np.cos(np.radians(delta)).astype(f32)
    # H = v + lon - alpha (eq. 11) by the addition theorem.
    hour_angle_0 = np.radians(spa.local_hour_angle(sidereal, 0.0, alpha))
    sin_h0, cos_h0 = np.sin(hour_angle_0).astype(f32), np.cos(hour_angle_0).astype(f32)
    sin_h = sin_h0 * cos_lon + cos_h0 * sin_lon
    cos_h = cos_h0 * cos_lon - sin_h0 * sin_lon
    x_sin_xi = x * sin_xi
    num = -x_sin_xi * sin_h  # tan(delta_alpha) = num / den   (eq. 38)
    den = cos_delta - x_sin_xi * cos_h
    r = np.sqrt(num * num + den * den)
    cos_da, sin_da = den / r, num / r
    a = (sin_delta - y * sin_xi) * cos_da  # tan(delta') = a / den   (eq. 39)
    r2 = np.sqrt(a * a + den * den)
    sin_dp, cos_dp = a / r2, den / r2
    cos_hp = cos_h * cos_da + sin_h * sin_da  # H' = H - delta_alpha   (eq. 40)
    sin_hp = sin_h * cos_da - cos_h * sin_da
    to_deg = f32(180.0 / np.pi)  # np.degrees and % are slow per element; multiply instead
    e0 = to_deg * np.arcsin(np.clip(sin_lat * sin_dp + cos_lat * cos_dp * cos_hp, -1, 1))
    delta_e = spa.atmospheric_refraction_correction(
        pressure_mbar.astype(f32), temp.astype(f32), e0, f32(0.5667)
    )
    gamma = to_deg * np.arctan2(sin_hp, cos_hp * sin_lat - (sin_dp / cos_dp) * cos_lat)
    azimuth = gamma + f32(180.0)  # in (0, 360]; SPA's "% 360" only changes 360 to 0
    azimuth[azimuth >= 360.0] = 0.0
    return {"apparent_zenith": f32(90.0) - (e0 + delta_e), "zenith": f32(90.0) - e0, "azimuth": azimuth}


@functools.lru_cache(maxsize=4)
def _geocentric_sun(
    unixtime_bytes: bytes, delta_t_s: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Time-only part of SPA (as :func:`pvlib.spa.solar_position_numpy`), cached per time axis.

    Returns apparent sidereal time, geocentric right ascension and declination, equatorial
    horizontal parallax [°], each ``(n_hours,)``.
    """
    unixtime = np.frombuffer(unixtime_bytes, dtype=np.float64)
    jd = spa.julian_day(unixtime)
    jde = spa.julian_ephemeris_day(jd, delta_t_s)
    jc = spa.julian_century(jd)
    jce = spa.julian_ephemeris_century(jde)
    jme = spa.julian_ephemeris_millennium(jce)
    radius = spa.heliocentric_radius_vector(jme)
    longitude_helio = spa.heliocentric_longitude(jme)
    latitude_helio = spa.heliocentric_latitude(jme)
    theta = spa.geocentric_longitude(longitude_helio)
    beta = spa.geocentric_latitude(latitude_helio)
    x0 = spa.mean_elongation(jce)
    x1 = spa.mean_anomaly_sun(jce)
    x2 = spa.mean_anomaly_moon(jce)
    x3 = spa.moon_argument_latitude(jce)
    x4 = spa.moon_ascending_longitude(jce)
    nutation = np.empty((2, len(x0)))
    spa.longitude_obliquity_nutation(jce, x0, x1, x2, x3, x4, nutation)
    delta_psi, delta_epsilon = nutation
    epsilon = spa.true_ecliptic_obliquity(spa.mean_ecliptic_obliquity(jme), delta_epsilon)
    lamd = spa.apparent_sun_longitude(theta, delta_psi, spa.aberration_correction(radius))
    sidereal = spa.apparent_sidereal_time(spa.mean_sidereal_time(jd, jc), delta_psi, epsilon)
    alpha = spa.geocentric_sun_right_ascension(lamd, epsilon, beta)
    delta = spa.geocentric_sun_declination(lamd, epsilon, beta)
    xi = spa.equatorial_horizontal_parallax(radius)
    return sidereal, alpha, delta, xi


# --------------------------------------------------------------------------------------------
# Irradiance scaling
# --------------------------------------------------------------------------------------------
def scale_irradiance_sites(
    ghi: np.ndarray,
    ghi_kwh_m2_day: np.ndarray,
    *,
    times: pd.DatetimeIndex,
    apparent_zenith: np.ndarray,
    zenith: np.ndarray,
    elevation_m: np.ndarray | float = 0.0,
    clearsky_factor: float = 1.1,
    aod700: float = 0.1,
    precipitable_water_cm: float = 1.0,
) -> dict[str, np.ndarray]:
    """Scale hourly GHI shapes to atlas means and split them into DNI and DHI (many sites).

    Method, per site ``s``:

    1. ``GHI_s(t) = min(k_s · GHI_ref(t), L_s(t))`` with the limit
       ``L_s = clearsky_factor × GHI_clear,s``, where ``GHI_clear`` is pvlib's simplified Solis
       clear sky for a clean, dry atmosphere (AOD700 = 0.1, PW = 1 cm, site pressure) — an upper
       envelope of clear-sky irradiance; the default factor 1.1 leaves room for cloud
       enhancement. ``k_s`` is solved by Newton iteration so that the annual mean daily GHI is
       exactly ``ghi_kwh_m2_day`` (GSA ``LTAy_AvgDailyTotals``).
    2. DNI and DHI are re-derived from the scaled GHI with the Erbs-Driesse decomposition
       (:func:`pvlib.irradiance.erbs_driesse`), a continuous reformulation of Erbs et al. that
       avoids Erbs' kinks. Scaling DNI and DHI by ``k_s`` instead would keep the reference's
       diffuse fraction although the site is clearer or cloudier than the reference.

    Parameters
    ----------
    ghi : numpy.ndarray
        Reference GHI shape [W/m²], ``(n_sites, n_hours)`` (or ``(n_hours,)`` for one site).
        Hourly means labelled so that ``apparent_zenith`` is their representative sun position.
    ghi_kwh_m2_day : array-like
        Target annual mean of the daily GHI total [kWh/m²/day], ``(n_sites,)``.
    times : pandas.DatetimeIndex
        The instants of ``apparent_zenith`` (for extraterrestrial irradiance), ``n_hours``.
    apparent_zenith, zenith : numpy.ndarray
        Sun position [°], ``(n_sites, n_hours)``, e.g. from :func:`solar_position_sites`.
    elevation_m : array-like, default 0
        Site elevation [m] for the clear-sky pressure.
    clearsky_factor : float, default 1.1
        Upper limit of GHI as a multiple of the clean-atmosphere clear sky [-].
    aod700, precipitable_water_cm : float
        Clean-atmosphere assumptions of the limit (AOD at 700 nm [-], water column [cm]).

    Returns
    -------
    dict of numpy.ndarray
        ``ghi``, ``dni``, ``dhi`` [W/m²] (float64, shape of ``ghi``) and ``scale`` (``k_s``).

    Raises
    ------
    ModelError
        A target cannot be reached below the physical limit, or the reference has no sun.

    References
    ----------
    .. [1] Ineichen, P. (2008). A broadband simplified version of the Solis clear sky model.
       Solar Energy 82(8), 758–762.
    .. [2] Erbs, D. G., Klein, S. A., Duffie, J. A. (1982). Estimation of the diffuse radiation
       fraction for hourly, daily and monthly-average global radiation. Solar Energy 28(4),
       293–302.
    .. [3] Driesse, A., Jensen, A., Perez, R. (2024). A continuous form of the Perez diffuse sky
       model for forward and reverse transposition. Solar Energy 267, 112093.
    """
    one_site = np.ndim(ghi) == 1
    ghi_ref = np.atleast_2d(np.asarray(ghi, dtype=float))
    app_zen = np.atleast_2d(apparent_zenith)
    zen = np.atleast_2d(zenith)
    n_sites, n_hours = ghi_ref.shape
    target = np.broadcast_to(np.asarray(ghi_kwh_m2_day, dtype=float), (n_sites,)) * 1000.0 / 24.0
    if np.any(~np.isfinite(target)) or np.any(target < 0):
        raise ModelError("ghi_kwh_m2_day must be finite and ≥ 0 for every site.")
    day = app_zen < 90.0
    dni_extra = np.asarray(pvlib.irradiance.get_extra_radiation(pd.DatetimeIndex(times)))
    dni_extra_2d = np.broadcast_to(dni_extra, (n_sites, n_hours))
    pressure = np.broadcast_to(
        pvlib.atmosphere.alt2pres(np.asarray(elevation_m, dtype=float)).reshape(-1, 1),
        (n_sites, 1),
    )
    limit = np.zeros((n_sites, n_hours))
    clear = pvlib.clearsky.simplified_solis(
        90.0 - app_zen[day],
        aod700=aod700,
        precipitable_water=precipitable_water_cm,
        pressure=np.broadcast_to(pressure, (n_sites, n_hours))[day],
        dni_extra=dni_extra_2d[day],
    )
    limit[day] = clearsky_factor * np.nan_to_num(clear["ghi"], nan=0.0)
    ghi_ref = np.where(day, np.maximum(ghi_ref, 0.0), 0.0)
    scale = _solve_clipped_scale(ghi_ref, limit, target)
    ghi_site = np.minimum(scale[:, None] * ghi_ref, limit)
    split = pvlib.irradiance.erbs_driesse(ghi_site[day], zen[day], dni_extra=dni_extra_2d[day])
    dni_site = np.zeros_like(ghi_site)
    dhi_site = np.zeros_like(ghi_site)
    dni_site[day] = np.nan_to_num(split["dni"], nan=0.0)
    dhi_site[day] = np.nan_to_num(split["dhi"], nan=0.0)
    out = {"ghi": ghi_site, "dni": dni_site, "dhi": dhi_site, "scale": scale}
    if one_site:
        out = {k: v[0] for k, v in out.items()}
    return out


def _solve_clipped_scale(
    ghi_ref: np.ndarray, limit: np.ndarray, target_w_m2: np.ndarray, *, max_iter: int = 50
) -> np.ndarray:
    """Solve mean(min(k·g, L)) = target for k per row (Newton on a concave piecewise-linear f)."""
    mean_ref = ghi_ref.mean(axis=1)
    reachable = np.where(ghi_ref > 0, limit, 0.0).mean(axis=1)
    bad = (mean_ref <= 0) & (target_w_m2 > 0)
    if np.any(bad):
        raise ModelError(
            f"{int(bad.sum())} site(s) have a reference series without sunshine; check the "
            "reference weather and its time zone (expected UTC)."
        )
    too_high = target_w_m2 > reachable * (1 - 1e-9)
    if np.any(too_high):
        i = int(np.argmax(too_high))
        raise ModelError(
            f"atlas GHI {target_w_m2[i] * 0.024:.2f} kWh/m²/day cannot be reached below the "
            f"clear-sky limit ({reachable[i] * 0.024:.2f}) for {int(too_high.sum())} site(s);"
            " check the GHI raster units (kWh/m²/day) and the site-to-reference assignment."
        )
    k = np.divide(target_w_m2, mean_ref, out=np.zeros_like(target_w_m2), where=mean_ref > 0)
    for _ in range(max_iter):
        scaled = k[:, None] * ghi_ref
        unclipped = scaled < limit
        f = np.where(unclipped, scaled, limit).mean(axis=1)
        slope = np.where(unclipped, ghi_ref, 0.0).mean(axis=1)
        err = target_w_m2 - f
        if np.all(np.abs(err) <= 1e-7 * np.maximum(target_w_m2, 1.0)):
            break
        k = k + np.divide(err, slope, out=np.zeros_like(err), where=slope > 0)
    return k


def scale_irradiance(
    weather: pd.DataFrame,
    ghi_kwh_m2_day: float,
    *,
    latitude: float,
    longitude: float,
    elevation_m: float = 0.0,
    interval: Interval = "left",
    clearsky_factor: float = 1.1,
) -> pd.DataFrame:
    """Scale one weather frame's irradiance to an atlas mean daily GHI.

    See :func:`scale_irradiance_sites` for the method (clipped linear scaling of GHI to a
    clear-sky envelope, then Erbs-Driesse decomposition into DNI and DHI).

    Parameters
    ----------
    weather : pandas.DataFrame
        Hourly weather with ``ghi`` [W/m²] (other columns are kept), tz-aware index.
    ghi_kwh_m2_day : float
        Target annual mean daily GHI [kWh/m²/day] (GSA ``LTAy_AvgDailyTotals``).
    latitude, longitude : float
        Site [°].
    elevation_m : float, default 0
        Site elevation [m].
    interval : {"left", "right", "instant"}, default "left"
        What the time labels mean, see :func:`interval_offset`.
    clearsky_factor : float, default 1.1
        Upper limit as a multiple of the clean-atmosphere clear sky [-].

    Returns
    -------
    pandas.DataFrame
        A copy of ``weather`` with ``ghi``, ``dni``, ``dhi`` replaced [W/m²].

    Examples
    --------
    >>> site = scale_irradiance(ref, 4.2, latitude=39.9, longitude=113.1, elevation_m=1200)
    >>> round(site["ghi"].mean() * 24 / 1000, 3)  # doctest: +SKIP
    4.2
    """
    times = pd.DatetimeIndex(weather.index) + interval_offset(weather.index, interval)
    sun = solar_position_sites(
        times,
        np.array([latitude]),
        np.array([longitude]),
        elevation_m=elevation_m,
        temp_air_c=weather["temp_air"].to_numpy()[None, :] if "temp_air" in weather else 12.0,
    )
    out = scale_irradiance_sites(
        weather["ghi"].to_numpy(dtype=float)[None, :],
        np.array([ghi_kwh_m2_day]),
        times=times,
        apparent_zenith=sun["apparent_zenith"],
        zenith=sun["zenith"],
        elevation_m=elevation_m,
        clearsky_factor=clearsky_factor,
    )
    scaled = weather.copy()
    for column in _IRRADIANCE_COLUMNS:
        scaled[column] = out[column][0]
    scaled.attrs = {**weather.attrs, "ghi_scale": float(out["scale"][0])}
    return scaled


# --------------------------------------------------------------------------------------------
# Wind scaling
# --------------------------------------------------------------------------------------------
def wind_speed_at_height(weather: pd.DataFrame, height_m: float) -> pd.Series:
    """Wind speed at a height from the 10 m and 50 m series (hourly log-law fit).

    Uses :func:`windpowerlib.tools.logarithmic_interpolation_extrapolation`: each hour, speed is
    linear in ln(height) through the two measured heights, so the shear varies hour by hour
    (stable nights, mixed afternoons). Negative extrapolations are set to 0.

    Parameters
    ----------
    weather : pandas.DataFrame
        Columns ``wind_speed_10m``, ``wind_speed_50m`` [m/s].
    height_m : float
        Target height above ground [m].

    Returns
    -------
    pandas.Series
        Wind speed at ``height_m`` [m/s].
    """
    if height_m == 10:
        return weather["wind_speed_10m"].rename("wind_speed")
    if height_m == 50:
        return weather["wind_speed_50m"].rename("wind_speed")
    by_height = pd.DataFrame(
        {10: weather["wind_speed_10m"], 50: weather["wind_speed_50m"]}, index=weather.index
    )
    speed = wpl_tools.logarithmic_interpolation_extrapolation(by_height, height_m)
    return speed.clip(lower=0.0).rename("wind_speed")


def scale_wind_sites(
    wind_speed: np.ndarray,
    mean_speed_m_s: np.ndarray,
    *,
    weibull_a_m_s: np.ndarray | None = None,
    weibull_k: np.ndarray | None = None,
) -> np.ndarray:
    """Scale reference wind-speed series to atlas statistics at the same height (many sites).

    Two methods:

    - **mean** (no Weibull given): ``v_s(t) = v_ref(t) · U_s / mean(v_ref)``. Keeps the
      reference's timing and relative distribution.
    - **Weibull quantile mapping** (``weibull_a_m_s`` and ``weibull_k`` given): each hour keeps
      its rank in the reference series, ``u = (rank − ½)/n``, and takes the Weibull quantile
      ``v = A (−ln(1 − u))^(1/k)``; the series then has the atlas distribution (what the power
      curve cares about) and the reference's timing. Then, if ``mean_speed_m_s`` is given, a
      final linear factor makes the mean exactly the atlas mean (GWA's mean and A/k are fitted
      separately and differ by a few percent).

    Parameters
    ----------
    wind_speed : numpy.ndarray
        Reference speed at the atlas height [m/s], ``(n_sites, n_hours)`` or ``(n_hours,)``.
    mean_speed_m_s : array-like or None
        Atlas mean speed at that height [m/s], ``(n_sites,)``.
    weibull_a_m_s, weibull_k : array-like, optional
        Atlas Weibull scale [m/s] and shape [-], ``(n_sites,)``.

    Returns
    -------
    numpy.ndarray
        Scaled speed [m/s], float32, ``(n_sites, n_hours)`` (``(n_hours,)`` for 1-D input).

    References
    ----------
    .. [1] Davis, N. N. et al. (2023). The Global Wind Atlas: a high-resolution dataset of
       climatologies and associated web-based application. BAMS 104(8), E1507–E1525.
    """
    one_site = np.ndim(wind_speed) == 1
    v = np.atleast_2d(np.asarray(wind_speed, dtype=np.float32))
    v = np.maximum(v, 0.0)
    n_sites, n_hours = v.shape
    if (weibull_a_m_s is None) != (weibull_k is None):
        raise ModelError("give both weibull_a_m_s and weibull_k, or neither.")
    if weibull_a_m_s is not None:
        a = np.broadcast_to(np.asarray(weibull_a_m_s, dtype=np.float32), (n_sites,))[:, None]
        k = np.broadcast_to(np.asarray(weibull_k, dtype=np.float32), (n_sites,))[:, None]
        if np.any(~(a > 0)) or np.any(~(k > 0)):
            raise ModelError("Weibull A and k must be positive for every site.")
        ranks = pd.DataFrame(v.T).rank(method="average").to_numpy(dtype=np.float64).T
        u = (ranks - 0.5) / n_hours
        v = (a * np.power(-np.log1p(-u), 1.0 / k)).astype(np.float32)
    if mean_speed_m_s is not None:
        target = np.broadcast_to(np.asarray(mean_speed_m_s, dtype=np.float64), (n_sites,))
        if np.any(~np.isfinite(target)) or np.any(target < 0):
            raise ModelError("mean_speed_m_s must be finite and ≥ 0 for every site.")
        mean = v.mean(axis=1, dtype=np.float64)
        if np.any((mean <= 0) & (target > 0)):
            raise ModelError("a reference wind series is all calm; it cannot be scaled.")
        factor = np.divide(target, mean, out=np.zeros_like(target), where=mean > 0)
        v = v * factor.astype(np.float32)[:, None]
    return v[0] if one_site else v


def scale_wind(
    weather: pd.DataFrame,
    mean_speed_m_s: float | None,
    *,
    height_m: float,
    weibull_a_m_s: float | None = None,
    weibull_k: float | None = None,
) -> pd.Series:
    """Wind speed at an atlas height scaled to the atlas statistics (one site).

    The reference speed at ``height_m`` comes from :func:`wind_speed_at_height`; it is scaled
    with :func:`scale_wind_sites` (mean scaling, or Weibull quantile mapping then mean).

    Parameters
    ----------
    weather : pandas.DataFrame
        Reference weather with ``wind_speed_10m`` and ``wind_speed_50m`` [m/s].
    mean_speed_m_s : float or None
        Atlas (GWA) mean speed at ``height_m`` [m/s]; ``None`` only with Weibull A/k.
    height_m : float
        Height of the atlas layer above ground [m] (GWA: 10, 50, 100, 150, 200).
    weibull_a_m_s, weibull_k : float, optional
        Atlas Weibull scale [m/s] and shape [-] at ``height_m``.

    Returns
    -------
    pandas.Series
        Hourly speed at ``height_m`` [m/s] named ``wind_speed``, ``attrs["height_m"]`` set.
    """
    if mean_speed_m_s is None and weibull_a_m_s is None:
        raise ModelError("scale_wind needs mean_speed_m_s, or weibull_a_m_s and weibull_k.")
    reference = wind_speed_at_height(weather, height_m).to_numpy(dtype=np.float32)
    scaled = scale_wind_sites(
        reference,
        None if mean_speed_m_s is None else np.array([mean_speed_m_s]),
        weibull_a_m_s=None if weibull_a_m_s is None else np.array([weibull_a_m_s]),
        weibull_k=None if weibull_k is None else np.array([weibull_k]),
    )
    out = pd.Series(scaled.astype(float), index=weather.index, name="wind_speed")
    out.attrs = {"height_m": float(height_m)}
    return out


def reference_arrays(
    reference_weather: Mapping[str, pd.DataFrame], columns: tuple[str, ...]
) -> tuple[pd.DatetimeIndex, list[str], dict[str, np.ndarray]]:
    """Stack reference weather frames into ``(n_references, n_hours)`` arrays.

    Parameters
    ----------
    reference_weather : mapping of str to pandas.DataFrame
        Reference frames keyed by weather id; all must share one time index.
    columns : tuple of str
        Columns to stack.

    Returns
    -------
    times : pandas.DatetimeIndex
    ids : list of str
    arrays : dict of numpy.ndarray
        One ``(n_references, n_hours)`` float64 array per column.

    Raises
    ------
    InputError
        No references, differing time indexes, missing columns or NaN values.
    """
    if not reference_weather:
        raise InputError("no reference weather series were given.")
    ids = list(reference_weather)
    times = pd.DatetimeIndex(reference_weather[ids[0]].index)
    arrays = {}
    for column in columns:
        rows = []
        for ref_id in ids:
            frame = reference_weather[ref_id]
            if not times.equals(pd.DatetimeIndex(frame.index)):
                raise InputError(
                    f"reference weather {ref_id!r} has a different time index than {ids[0]!r};"
                    " all references must cover the same hours."
                )
            if column not in frame:
                raise InputError(f"reference weather {ref_id!r} lacks column {column!r}.")
            values = frame[column].to_numpy(dtype=float)
            if not np.all(np.isfinite(values)):
                raise InputError(f"reference weather {ref_id!r} has NaN in {column!r}.")
            rows.append(values)
        arrays[column] = np.vstack(rows)
    return times, ids, arrays


def finite_or_raise(values: np.ndarray, *, what: str, site_ids: pd.Index | None = None) -> None:
    """Raise :class:`ModelError` if ``values`` (``(n_sites, ...)``) contain NaN or inf."""
    bad = ~np.isfinite(values)
    if bad.any():
        rows = np.unique(np.nonzero(bad)[0])
        names = list(site_ids[rows[:5]]) if site_ids is not None else rows[:5].tolist()
        raise ModelError(
            f"{what} is NaN/inf for {rows.size} site(s), e.g. {names}; check the weather inputs "
            "of these sites (irradiance, temperature, wind) for gaps or impossible values."
        )
