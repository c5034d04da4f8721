"""Rule compute_eligibility: one technology's exclusion rules on every tile, tile and province rasters."""

from siting import eligibility_stage, grid, io, zones
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    tile_paths = {tile: {g: inp[g][i] for g in p.groups} for i, tile in enumerate(p.tiles)}
    tags = {
        io.DATA_BASIS_TAG: p.data_basis,
        "TECHNOLOGY": p.technology,
        "RULES": ",".join(r["name"] for r in p.rules),
    }
    log.info(
        "%s: %d rules on %d tiles, %d thread(s)", p.technology, len(p.rules), len(p.tiles), snakemake.threads
    )
    by_zone, sources = eligibility_stage.run_stage(
        tile_paths,
        p.rules,
        spec=grid.GridSpec(**p.grid),
        proxies=p.proxies,
        n_counties=p.n_counties,
        tile_outputs=dict(
            zip(p.tiles, zip(out.tile_eligible, out.tile_excluded_by, strict=True), strict=True)
        ),
        eligible_path=out.eligible,
        excluded_by_path=out.excluded_by,
        tags=tags,
        threads=snakemake.threads,
    )
    for key, source in sources.items():
        log.info("layer %s: %s", key, source)
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    by_zone = by_zone.reset_index()
    table = zones.roll_up(by_zone, value_columns=[c for c in by_zone.columns if "_km2" in c], **region)
    table["eligible_share"] = (table["eligible_km2"] / table["total_km2"]).where(table["total_km2"] > 0)
    table.insert(0, "technology", p.technology)
    table["data_basis"] = p.data_basis
    io.write_csv(table, out.summary)
    io.write_csv(eligibility_stage.rules_table(p.rules), out.rules)
    prov = table[table["level"] == "province"].iloc[0]
    log.info(
        "%s: %.0f km² eligible of %.0f km² (%.1f %%)",
        p.technology,
        prov["eligible_km2"],
        prov["total_km2"],
        100 * prov["eligible_share"],
    )
