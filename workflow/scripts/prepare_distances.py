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
    for key, band in DISTANCE_LAYERS.items():
        spec_ = io.user_layer_spec(p.user_layers.get(key))
        if spec_ is None:
            tags[f"{key.upper()}_SOURCE"] = "not configured"
            distances[band] = np.full(shape, np.nan, "float32")
            continue
        # The nearest feature may lie far outside the tile: read the whole layer.
        gdf, notes = io.read_user_layer(key, spec_, crs=spec.crs, bounds=None)
        for note in notes:
            log.warning(note)
        tags[f"{key.upper()}_SOURCE"] = f"user: {spec_['path']}"
        distances[band] = prepare.distance_to_features_m(gdf, transform=transform, shape=shape)
        log.info("tile %s: %s from %d features", snakemake.wildcards.tile, band, len(gdf))
    io.write_raster(
        snakemake.output[0], distances, transform=transform, crs=spec.crs, nodata=float("nan"), tags=tags
    )
