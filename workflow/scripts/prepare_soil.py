"""Rule prepare_soil: HWSD v2 topsoil salinity on one tile (with halo), the saline-land proxy input."""

import numpy as np

from siting import grid, io, prepare, soil
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    soil.check_smu_raster(inp.raster)
    salinity = soil.read_salinity_table(inp.db)
    bands = prepare.soil_layers(
        soil.smu_gdal_path(inp.raster), salinity, transform=transform, shape=shape, crs=spec.crs
    )
    io.write_raster(
        snakemake.output[0],
        bands,
        transform=transform,
        crs=spec.crs,
        nodata=float("nan"),
        tags={io.DATA_BASIS_TAG: p.data_basis, "SOURCE": "HWSD v2.0 topsoil (D1) ELEC_COND"},
    )
    log.info(
        "tile %s: %d mapping units, salinity up to %.1f dS/m",
        snakemake.wildcards.tile,
        len(salinity),
        float(np.nanmax(bands["salinity_ds_m"], initial=0)),
    )
