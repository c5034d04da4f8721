"""Rule compare_runs: what changed between two runs (scenarios) - eligible km², GW, sites gained/lost."""

from siting import io, targets
from siting.logs import script_logging

with script_logging(snakemake) as log:
    inp, w = snakemake.input, snakemake.wildcards
    sites_a, sites_b = io.read_csv(inp.sites_a), io.read_csv(inp.sites_b)
    table = targets.compare_scenarios(
        sites_a,
        sites_b,
        eligibility_a=io.read_csv(inp.eligibility_a),
        eligibility_b=io.read_csv(inp.eligibility_b),
        labels=(w.a, w.b),
        base_order=list(snakemake.params.bases),
    )
    table["data_basis"] = "; ".join(sorted(set(sites_a["data_basis"]) | set(sites_b["data_basis"])))
    io.write_csv(table, snakemake.output[0])
    changed = table.filter(like="_change").abs().sum(axis=1) > 0
    log.info("%s vs %s: %d of %d rows changed", w.a, w.b, int(changed.sum()), len(table))
