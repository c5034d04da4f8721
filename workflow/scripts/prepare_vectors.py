"""Rule prepare_vectors: user/proxy vector layers rasterised on one tile (presence), and county zones."""

import numpy as np
from rasterio.transform import array_bounds

from siting import grid, io, prepare
from siting.layers import PRESENCE_LAYERS
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    bounds = array_bounds(*shape, transform)
    presence, tags = {}, {io.DATA_BASIS_TAG: p.data_basis}
    for key, gdf, source, notes in io.read_user_layers(
        PRESENCE_LAYERS, p.user_layers, crs=spec.crs, bounds=bounds
    ):
        for note in notes:
            log.warning(note)
        tags[f"{key.upper()}_SOURCE"] = source
        presence[key] = (
            np.zeros(shape, "uint8")
            if gdf is None
            else prepare.rasterize_presence(gdf, transform=transform, shape=shape)
        )
    county = io.read_gpkg_layer(snakemake.input.region, "county").to_crs(spec.crs)
    county["zone"] = np.arange(1, len(county) + 1)
    zones = prepare.zone_raster(county, transform=transform, shape=shape)
    log.info("tile %s: %d region cells; layers %s", snakemake.wildcards.tile, int((zones > 0).sum()), tags)
    io.write_raster(
        snakemake.output.vectors, presence, transform=transform, crs=spec.crs, nodata=None, tags=tags
    )
    io.write_raster(
        snakemake.output.zones,
        {"county_zone": zones},
        transform=transform,
        crs=spec.crs,
        nodata=0,
        tags={**tags, "ZONE_ORDER": "1-based index of the county layer of region.gpkg (sorted by adcode)"},
    )
