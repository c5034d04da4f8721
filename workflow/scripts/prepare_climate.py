"""Rule prepare_climate: solar (GSA) and wind (GWA) atlas layers on one tile (with halo)."""

from siting import grid, io, prepare, verify
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    paths = {}
    for key, member in p.members.items():
        info = verify.check_raster(snakemake.input[key], expected_crs="EPSG:4326", member=member)
        paths[key] = info["gdal_path"]
    io.check_basis(list(paths.values()), data_basis=p.data_basis)
    log.info("tile %s: climate layers %s", snakemake.wildcards.tile, ", ".join(paths))
    bands = prepare.climate_layers(paths, transform=transform, shape=shape, crs=spec.crs)
    io.write_raster(
        snakemake.output[0],
        bands,
        transform=transform,
        crs=spec.crs,
        nodata=float("nan"),
        tags={io.DATA_BASIS_TAG: p.data_basis},
    )
