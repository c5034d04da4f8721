"""Rule render_report: the HTML report - capacity vs targets, sites, land, exclusions, provenance, config."""

import geopandas as gpd

from siting import io, report, report_inputs
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp = snakemake.params, snakemake.input
    eligibility = io.read_csv(inp.eligibility)
    sites = {tech: gpd.read_parquet(path) for tech, path in zip(p.technologies, inp.sites, strict=True)}
    base = io.read_gpkg_layer(inp.region, "base")
    path = report.write_report(
        snakemake.output[0],
        run=p.run,
        data_basis=p.data_basis,
        eligibility=report_inputs.capacity_by_base(eligibility, sites, bases=p.bases),
        target_2030_gw=p.policy["wind_pv_target_gw"]["value"] if "wind_pv_target_gw" in p.policy else None,
        land_categories=report_inputs.land_by_category(io.read_csv(inp.scores)),
        exclusions=report_inputs.exclusions_by_technology(eligibility),
        sites=sites,
        regions=report_inputs.regions_table(eligibility),
        base_names={r.base_id: (r.name_zh, r.name_en) for r in base.itertuples()},
        maps=[
            ("maps/overview.html", "总览图", "Overview"),
            ("maps/pv.html", "光伏场址", "PV sites"),
            ("maps/wind.html", "风电场址", "Wind sites"),
        ],
        source_ids=p.source_ids,
        config=p.config,
    )
    log.info("wrote %s (%.1f kB)", path, path.stat().st_size / 1e3)
