"""Rule compare_weight_sets: how much of the top-ranked area stays top-ranked under other weights."""

import pandas as pd

from siting import io, scoring
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p = snakemake.params
    tables = []
    for tech in p.technologies:
        tiles = [f for f in snakemake.input if f"/{tech}/" in f]
        names = ["score", *[f"score_{n}" for n in p.weight_sets]]
        histograms = None
        for path in tiles:  # first pass: additive histograms -> region-wide thresholds
            bands = io.read_raster(path, names)[0]
            h = scoring.sensitivity_histograms(bands)
            histograms = h if histograms is None else {k: histograms[k] + h[k] for k in h}
        thresholds = scoring.sensitivity_thresholds(histograms, top_share=p.top_share)
        counts = {k: (0, 0) for k in names}
        for path in tiles:  # second pass: top cells per set and overlap with the reference
            c = scoring.sensitivity_counts(io.read_raster(path, names)[0], thresholds, reference="score")
            counts = {k: (counts[k][0] + c[k][0], counts[k][1] + c[k][1]) for k in names}
        table = scoring.sensitivity_table(
            counts, thresholds, cell_area_km2=p.cell_area_km2, reference="score"
        )
        table.index = ["reference" if n == "score" else n.removeprefix("score_") for n in table.index]
        table.index.name = "weight_set"
        table.insert(0, "technology", tech)
        tables.append(table.reset_index())
    out = pd.concat(tables, ignore_index=True)
    out["top_share"] = p.top_share
    out["data_basis"] = p.data_basis
    io.write_csv(out, snakemake.output[0])
    log.info("\n%s", out.to_string())
