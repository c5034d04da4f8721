"""Rule export_sites: site lists (GeoPackage, Excel-safe CSV, GeoParquet) and the targets tables."""

import geopandas as gpd

from siting import exports, io, targets
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, out = snakemake.params, snakemake.input, snakemake.output
    by_tech = {tech: gpd.read_parquet(path) for tech, path in zip(p.technologies, inp.sites, strict=True)}
    exports.write_sites_gpkg(by_tech, out.gpkg)
    allsites = exports.combine_sites(by_tech)
    exports.write_sites_csv(allsites, out.csv)
    exports.write_sites_parquet(allsites, out.parquet)
    bases = list(p.bases)
    table = targets.targets_table(allsites, policy=p.policy, base_order=bases)
    check = targets.policy_check(table, policy=p.policy)
    next_gw = targets.next_gw(allsites, capacity_gw=p.next_gw_capacity_gw, base_order=bases)
    for frame, path in ((table, out.targets), (check, out.policy), (next_gw, out.next_gw)):
        frame["data_basis"] = p.data_basis  # synthetic demo results must never pass for real ones
        io.write_csv(frame, path)
    log.info("%d sites exported (%s)", len(allsites), ", ".join(f"{k}: {len(v)}" for k, v in by_tech.items()))
