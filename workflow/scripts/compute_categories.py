"""Rule compute_categories: coal-subsidence, saline, barren-hill and other land on one tile."""

from siting import categories, grid, io, layers
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    spec = grid.GridSpec(**p.grid)
    named, sources = layers.read_tile_layers(inp, proxies=p.proxies)
    zones = named["county_zone"]
    codes, origin = categories.land_categories(
        layers.category_layers(named, sources),
        resolution_m=spec.resolution_m,
        cfg=p.categories,
        valid=zones > 0,
    )
    core = grid.core_slice(spec)
    codes, zones = codes[core], zones[core]
    summary = categories.summarise_categories(
        codes, zones, zone_ids=range(1, p.n_counties + 1), cell_area_km2=spec.cell_area_km2
    )
    transform, _ = grid.tile_grid(snakemake.wildcards.tile, spec, halo=False)
    tags = {
        io.DATA_BASIS_TAG: p.data_basis,
        **{f"CATEGORY_{k.upper()}_SOURCE": v for k, v in origin.items()},
        "CODES": "0 outside, 1 coal_subsidence, 2 saline, 3 barren_hills, 4 other",
    }
    io.write_raster(
        snakemake.output.categories,
        {"land_category": codes},
        transform=transform,
        crs=spec.crs,
        nodata=0,
        tags=tags,
    )
    io.write_csv(summary, snakemake.output.summary, index=True)
    log.info("tile %s: category sources %s", snakemake.wildcards.tile, origin)
