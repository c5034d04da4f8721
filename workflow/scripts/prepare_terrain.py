"""Rule prepare_terrain: DEM warped onto one tile (with halo), slope, aspect and ruggedness."""

from siting import grid, io, prepare, verify
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    dem = [verify.check_raster(f, expected_crs="EPSG:4326")["gdal_path"] for f in snakemake.input.dem]
    io.check_basis(dem, data_basis=p.data_basis)
    log.info("tile %s: %d DEM source tile(s), %s cells", snakemake.wildcards.tile, len(dem), shape)
    bands = prepare.terrain_layers(dem, transform=transform, shape=shape, crs=spec.crs)
    io.write_raster(
        snakemake.output[0],
        bands,
        transform=transform,
        crs=spec.crs,
        nodata=float("nan"),
        tags={io.DATA_BASIS_TAG: p.data_basis, "SOURCE": p.source},
    )
