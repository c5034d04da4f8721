"""Rule assemble_scores: province-wide score COGs and per-region score summaries of every technology."""

from siting import io, scoring, zones
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    summed = {}
    for tech in p.technologies:
        tiles = [f for f in inp.scores if f"/{tech}/" in f]
        io.mosaic_to_cog(
            tiles, out[f"{tech}_score"], tags={io.DATA_BASIS_TAG: p.data_basis, "TECHNOLOGY": tech}
        )
        by_zone = scoring.combine_score_summaries(
            [io.read_csv(f).set_index("zone_id") for f in inp.summaries if f"/{tech}/" in f]
        )
        columns = list(by_zone.columns)
        rolled = zones.roll_up(by_zone.reset_index(), value_columns=columns, **region)
        summed[tech] = rolled.set_index(["level", "region_id", "name_zh"])
    table = scoring.finish_score_summaries(summed)
    table.columns = [f"{tech}_{measure}" for tech, measure in table.columns]
    table = table.reset_index()
    table["data_basis"] = p.data_basis
    io.write_csv(table, out.summary)
    io.write_csv(table[table["level"] == "base"], out.bases)
    log.info("score summary: %d regions x %d columns", *table.shape)
