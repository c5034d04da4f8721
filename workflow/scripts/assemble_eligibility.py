"""Rule assemble_eligibility: province-wide COGs and the per-region exclusion summary of a technology."""

import pandas as pd

from siting import eligibility, io, zones
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    tags = {
        io.DATA_BASIS_TAG: p.data_basis,
        "TECHNOLOGY": p.technology,
        "RULES": ",".join(r["name"] for r in p.rules),
    }
    io.mosaic_to_cog(inp.eligible, out.eligible, tags=tags)
    io.mosaic_to_cog(inp.excluded_by, out.excluded_by, tags=tags)
    by_zone = eligibility.combine_exclusion_summaries(
        [io.read_csv(f).set_index("zone_id") for f in inp.summaries]
    )
    by_zone = by_zone.reset_index()
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    value_columns = [c for c in by_zone.columns if "_km2" in c]
    table = zones.roll_up(by_zone, value_columns=value_columns, **region)
    table["eligible_share"] = (table["eligible_km2"] / table["total_km2"]).where(table["total_km2"] > 0)
    table.insert(0, "technology", p.technology)
    table["data_basis"] = p.data_basis
    io.write_csv(table, out.summary)
    rules = pd.DataFrame(
        {
            "bit": range(len(p.rules)),
            "rule": [r["name"] for r in p.rules],
            "layer": [r["layer"] for r in p.rules],
            "description": [r.get("description", "") for r in p.rules],
        }
    )
    io.write_csv(rules, out.rules)
    prov = table[table["level"] == "province"].iloc[0]
    log.info(
        "%s: %.0f km² eligible of %.0f km² (%.1f %%)",
        p.technology,
        prov["eligible_km2"],
        prov["total_km2"],
        100 * prov["eligible_share"],
    )
