"""Rule prepare_landcover: ESA WorldCover classes on one tile (with halo), by mode."""

from siting import grid, io, layers, prepare, verify
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    spec = grid.GridSpec(**p.grid)
    transform, shape = grid.tile_grid(snakemake.wildcards.tile, spec)
    paths = [
        verify.check_raster(f, expected_crs="EPSG:4326", dtype="uint8")["gdal_path"]
        for f in snakemake.input.landcover
    ]
    io.check_basis(paths, data_basis=p.data_basis)
    log.info("tile %s: %d land-cover source tile(s)", snakemake.wildcards.tile, len(paths))
    bands = prepare.landcover_layer(paths, transform=transform, shape=shape, crs=spec.crs)
    io.write_raster(
        snakemake.output[0],
        bands,
        transform=transform,
        crs=spec.crs,
        nodata=layers.LANDCOVER_NODATA,
        tags={io.DATA_BASIS_TAG: p.data_basis, "SOURCE": p.source},
    )
