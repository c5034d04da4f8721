"""Rule prepare_distances: distance [m] from every cell of one tile to the nearest substation / line."""

import numpy as np

from siting import grid, io, prepare
from siting.layers import DISTANCE_LAYERS
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    distances, tags = {}, {io.DATA_BASIS_TAG: p.data_basis}
    # The nearest feature may lie far outside the tile: the whole layers are read (no bounds).
    for key, gdf, source, notes in io.read_user_layers(DISTANCE_LAYERS, p.user_layers, crs=spec.crs):
        for note in notes:
            log.warning(note)
        tags[f"{key.upper()}_SOURCE"] = source
        band = DISTANCE_LAYERS[key]
        if gdf is None:
            distances[band] = np.full(shape, np.nan, "float32")
            continue
        distances[band] = prepare.distance_to_features_m(gdf, transform=transform, shape=shape)
        log.info("tile %s: %s from %d features", snakemake.wildcards.tile, band, len(gdf))
    io.write_raster(
        snakemake.output[0], distances, transform=transform, crs=spec.crs, nodata=float("nan"), tags=tags
    )
