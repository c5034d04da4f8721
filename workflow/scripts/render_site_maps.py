"""Rule render_site_maps: candidate sites of each technology on their own map (pv.html, wind.html)."""

from siting import io, maps
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    for tech, target in zip(p.technologies, snakemake.output, strict=True):
        sites = io.read_gpkg_layer(inp.sites, tech)
        m = maps.sites_map(
            sites,
            technology=tech,
            data_basis=p.data_basis,
            region=region,
            source_ids=p.source_ids,
            tianditu_key=p.tianditu_key,
        )
        path = maps.write_map(m, target)
        log.info("%s: %d sites, wrote %s (%.1f MB)", tech, len(sites), path, path.stat().st_size / 1e6)
