"""Rule compute_eligibility: one technology's exclusion rules on one tile (with halo)."""

from siting import eligibility, grid, io, layers
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    spec = grid.GridSpec(**p.grid)
    rules = [eligibility.ExclusionRule.from_config(r) for r in p.rules]
    named, sources, _ = layers.read_tile_layers(inp, proxies=p.proxies)
    zones = named.pop("county_zone")
    for key, source in sources.items():
        log.info("layer %s: %s", key, source)
    eligible, excluded_by, summary = eligibility.evaluate_tile(
        named,
        rules,
        zones=zones,
        zone_ids=range(1, p.n_counties + 1),
        resolution_m=spec.resolution_m,
        core=grid.core_slice(spec),
        nodata={"landcover": 0},
    )
    transform, _ = grid.tile_grid(snakemake.wildcards.tile, spec, halo=False)
    tags = {
        io.DATA_BASIS_TAG: p.data_basis,
        "RULES": ",".join(r.name for r in rules),
        **{f"LAYER_{k.upper()}": v for k, v in sources.items()},
    }
    io.write_raster(
        snakemake.output.eligible,
        {"eligible": eligible},
        transform=transform,
        crs=spec.crs,
        nodata=255,
        tags=tags,
    )
    io.write_raster(
        snakemake.output.excluded_by,
        {"excluded_by": excluded_by},
        transform=transform,
        crs=spec.crs,
        nodata=None,
        tags=tags,
    )
    io.write_csv(summary, snakemake.output.summary, index=True)
    log.info(
        "tile %s: %.1f km² eligible of %.1f km²",
        snakemake.wildcards.tile,
        summary["eligible_km2"].sum(),
        summary["total_km2"].sum(),
    )
