"""Rule build_region: province, city, county and base polygons with adcodes and areas."""

from siting import io, region
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    layers = region.build_region(
        p.province,
        counties=p.counties,
        bases=region.bases_from_config(p.bases),
        basis_note=p.bases_note,
        equal_area_crs=p.crs,
    )
    for name, gdf in layers.items():
        log.info("%s: %d features, %.1f km²", name, len(gdf), gdf["area_km2"].sum())
    io.write_gpkg_layers(layers, snakemake.output.region)
