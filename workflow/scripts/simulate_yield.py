"""Rule simulate_yield: merge site pieces, give ids, run pvlib / windpowerlib, size and rank the sites."""

import geopandas as gpd
import pandas as pd

from siting import exports, io, site_yield, sites, sizing
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out, tech = snakemake.params, snakemake.input, snakemake.output, snakemake.wildcards.tech
    pieces = pd.concat([gpd.read_parquet(f) for f in inp.pieces], ignore_index=True)
    merged = sites.merge_pieces(
        gpd.GeoDataFrame(pieces, geometry="geometry", crs=p.crs),
        connectivity=p.sites["connectivity"],
        min_area_km2=p.sites["min_area_km2"][tech],
    )
    county = io.read_gpkg_layer(inp.region, "county")
    named = sites.assign_site_ids(merged, technology=tech, county=county, bases=p.bases)
    locations = sites.site_locations(named)
    log.info(
        "%s: %d sites from %d pieces; reading %d reference-weather series",
        tech,
        len(named),
        len(pieces),
        len(p.weather_points),
    )
    reference = site_yield.load_reference_weather(dict(zip(p.weather_points, inp.weather, strict=True)))
    table = site_yield.site_inputs(
        locations, p.weather_points, technology=tech, wind_height_m=p.wind_height_m
    )
    if tech == "pv":
        result = site_yield.solar.simulate_pv(
            reference, table, system=site_yield.pv_spec_from_config(p.solar)
        )
        hourly = result.ac_kw_per_kwp
    else:
        result = site_yield.wind.simulate_wind(
            reference, table, spec=site_yield.wind_spec_from_config(p.wind)
        )
        hourly = result.power_mw_per_mw
    sized = sizing.size_sites(
        named,
        technology=tech,
        density_mw_per_km2=p.sites["density_mw_per_km2"][tech],
        yields=result.to_frame(),
        data_basis=p.data_basis,
    )
    io.write_parquet(sized, out.sites)
    profiles = exports.site_profiles(
        sized,
        hourly,
        site_ids=result.site_ids,
        times=result.times,
        technology=tech,
        data_basis=p.data_basis,
        assumptions=result.metadata,
    )
    exports.write_profiles(profiles, out.profiles)
    exports.write_profiles(exports.base_profiles(profiles, base_order=list(p.bases)), out.profiles_bases)
    log.info(
        "%s: %.1f GW, %.1f TWh/yr on %.0f km²",
        tech,
        sized["capacity_mw"].sum() / 1e3,
        sized["annual_energy_gwh"].sum() / 1e3,
        sized["area_km2"].sum(),
    )
