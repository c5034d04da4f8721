"""Rule assemble_categories: province-wide land-category COG and area per category and region."""

from siting import categories, io, zones
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    io.mosaic_to_cog(inp.categories, out.categories, tags={io.DATA_BASIS_TAG: p.data_basis})
    by_zone = categories.combine_category_summaries(
        [io.read_csv(f).set_index("zone_id") for f in inp.summaries]
    )
    region = {name: io.read_gpkg_layer(inp.region, name) for name in ("province", "city", "county", "base")}
    area_columns = [c for c in by_zone.columns if c.startswith(("area_km2", "total_km2"))]
    table = zones.roll_up(by_zone.reset_index(), value_columns=area_columns, **region)
    for column in area_columns:
        if column.startswith("area_km2_"):
            table[column.replace("area_km2_", "share_")] = table[column] / table["total_km2"].where(
                table["total_km2"] > 0
            )
    table["data_basis"] = p.data_basis
    io.write_csv(table, out.summary)
    log.info("categories (province): %s", table.iloc[0][area_columns].round(0).to_dict())
