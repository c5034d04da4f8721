"""Rule render_overview_map: the province, bases, eligibility, land categories and scores on one map."""

from siting import io, maps
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    m = maps.overview_map(
        region,
        data_basis=p.data_basis,
        eligibility={tech: inp[f"{tech}_eligible"] for tech in p.technologies},
        land_categories=inp.categories,
        scores={tech: inp[f"{tech}_score"] for tech in p.technologies},
        source_ids=p.source_ids,
        tianditu_key=p.tianditu_key,
        max_px=p.max_px,
    )
    path = maps.write_map(m, snakemake.output[0])
    log.info("wrote %s (%.1f MB)", path, path.stat().st_size / 1e6)
