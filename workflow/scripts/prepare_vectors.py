"""Rule prepare_vectors: user/proxy vector layers rasterised on one tile, distances to grid, zones."""

import numpy as np

from siting import grid, io, prepare
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    height, width = shape
    bounds = (transform.c, transform.f + height * transform.e, transform.c + width * transform.a, transform.f)
    presence, distances, tags = {}, {}, {io.DATA_BASIS_TAG: p.data_basis}
    for key in [*p.presence_layers, *p.distance_layers]:
        spec_ = io.user_layer_spec(p.user_layers.get(key))
        if spec_ is None:
            tags[f"{key.upper()}_SOURCE"] = "not configured"
            gdf = None
        else:
            # Distances need features beyond the tile: read the whole layer for those.
            gdf, notes = io.read_user_layer(
                key, spec_, crs=spec.crs, bounds=None if key in p.distance_layers else bounds
            )
            for note in notes:
                log.warning(note)
            tags[f"{key.upper()}_SOURCE"] = f"user: {spec_['path']}"
        if key in p.presence_layers:
            presence[key] = (
                np.zeros(shape, "uint8")
                if gdf is None
                else prepare.rasterize_presence(gdf, transform=transform, shape=shape)
            )
        else:
            distances[p.distance_layers[key]] = (
                np.full(shape, np.nan, "float32")
                if gdf is None
                else prepare.distance_to_features_m(gdf, transform=transform, shape=shape)
            )
    county = io.read_gpkg_layer(snakemake.input.region, "county").to_crs(spec.crs)
    county["zone"] = np.arange(1, len(county) + 1)
    zones = prepare.zone_raster(county, transform=transform, shape=shape)
    log.info("tile %s: %d region cells; layers %s", snakemake.wildcards.tile, int((zones > 0).sum()), tags)
    io.write_raster(
        snakemake.output.vectors, presence, transform=transform, crs=spec.crs, nodata=None, tags=tags
    )
    io.write_raster(
        snakemake.output.distances,
        distances,
        transform=transform,
        crs=spec.crs,
        nodata=float("nan"),
        tags=tags,
    )
    io.write_raster(
        snakemake.output.zones,
        {"county_zone": zones},
        transform=transform,
        crs=spec.crs,
        nodata=0,
        tags={**tags, "ZONE_ORDER": "1-based index of the county layer of region.gpkg (sorted by adcode)"},
    )
