"""Rule build_grid: the equal-area analysis grid and the tiles that touch the region."""

import shapely

from siting import grid, io
from siting.logs import script_logging

with script_logging(snakemake) as log:
    spec = grid.GridSpec(**snakemake.params.grid)
    county = io.read_gpkg_layer(snakemake.input.region, "county").to_crs(spec.crs)
    region_geom = shapely.union_all(county.geometry.values)
    tiles = grid.make_tiles(region_geom, spec)
    frame = grid.tiles_frame(tiles, spec)
    log.info(
        "%d tiles of %.0f km, %d cells each + %d halo",
        len(tiles),
        spec.tile_size_m / 1000,
        spec.tile_cells,
        spec.halo_cells,
    )
    io.write_gpkg_layers({"tiles": frame}, snakemake.output.tiles)
    io.write_json({"grid": spec.to_dict(), "tiles": [t.id for t in tiles]}, snakemake.output.spec)
