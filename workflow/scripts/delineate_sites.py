"""Rule delineate_sites: contiguous eligible, well-scored land of one technology on one tile."""

import numpy as np

from siting import grid, io, sites, wind
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, tech, tile = snakemake.params, snakemake.input, snakemake.wildcards.tech, snakemake.wildcards.tile
    spec = grid.GridSpec(**p.grid)
    core = grid.core_slice(spec)
    transform, _ = grid.tile_grid(tile, spec, halo=False)
    terrain, climate, distances = (io.read_raster(f)[0] for f in (inp.terrain, inp.climate, inp.distances))
    landcover = io.read_raster(inp.landcover)[0]["landcover"][core]
    stats = {
        "slope_deg": terrain["slope_deg"][core],
        "elevation_m": terrain["elevation_m"][core],
        "distance_grid_m": np.fmin(distances["distance_substation_m"], distances["distance_line_m"])[core],
    }
    if tech == "pv":
        stats["ghi_kwh_m2_day"] = climate["ghi_kwh_m2_day"][core]
    else:
        for name in ("wind_speed_m_s", "weibull_a_m_s", "weibull_k"):
            stats[name] = climate[name][core]
        known = landcover > 0  # 0 = no land cover (outside the source)
        roughness = wind.roughness_from_worldcover(np.where(known, landcover, 30))
        stats["roughness_length_m"] = np.where(known, roughness, np.nan).astype("float32")
    pieces = sites.delineate_tile(
        io.read_raster(inp.eligible)[0]["eligible"],
        io.read_raster(inp.scores)[0]["score"],
        io.read_raster(inp.categories)[0]["land_category"],
        io.read_raster(inp.zones)[0]["county_zone"][core],
        transform=transform,
        cell_area_km2=spec.cell_area_km2,
        crs=spec.crs,
        stats=stats,
        score_floor=p.sites["score_floor"][tech],
        connectivity=p.sites["connectivity"],
        split_cell_m=p.split_cell_m,
        tile_id=tile,
    )
    io.write_parquet(pieces, snakemake.output[0])
    log.info("tile %s %s: %d site pieces, %.1f km²", tile, tech, len(pieces), pieces["area_km2"].sum())
