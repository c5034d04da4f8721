"""Rule compute_scores: 0-100 suitability of one technology on one tile, for every weight set."""

import numpy as np

from siting import grid, io, layers, scoring
from siting.logs import script_logging

with script_logging(snakemake) as log:
    p, inp, tech = snakemake.params, snakemake.input, snakemake.wildcards.tech
    spec = grid.GridSpec(**p.grid)
    named, _ = layers.read_tile_layers(inp, proxies=p.proxies)
    named["distance_builtup_m"] = layers.builtup_distance_m(
        named["landcover"], resolution_m=spec.resolution_m, cap_m=spec.halo_cells * spec.resolution_m
    )
    core = grid.core_slice(spec)
    core_layers = {k: v[core] for k, v in named.items()}
    eligible = io.read_raster(inp.eligible)[0]["eligible"]
    cats = io.read_raster(inp.categories)[0]["land_category"]
    bands = {"score": scoring.score_tile(core_layers, eligible, cats, technology=tech, cfg=p.scoring)}
    for name in p.scoring.get("weight_sets", {}):
        bands[f"score_{name}"] = scoring.score_tile(
            core_layers, eligible, cats, technology=tech, cfg=p.scoring, weight_set=name
        )
    summary = scoring.summarise_scores(
        bands["score"],
        eligible,
        cats,
        core_layers["county_zone"],
        zone_ids=range(1, p.n_counties + 1),
        cell_area_km2=spec.cell_area_km2,
        thresholds=p.scoring["thresholds"],
    )
    transform, _ = grid.tile_grid(snakemake.wildcards.tile, spec, halo=False)
    io.write_raster(
        snakemake.output.scores,
        bands,
        transform=transform,
        crs=spec.crs,
        nodata=float("nan"),
        tags={io.DATA_BASIS_TAG: p.data_basis, "TECHNOLOGY": tech},
    )
    io.write_csv(summary, snakemake.output.summary, index=True)
    log.info(
        "tile %s %s: %d scored cells, mean score %.1f",
        snakemake.wildcards.tile,
        tech,
        int(np.isfinite(bands["score"]).sum()),
        float(np.nanmean(bands["score"])) if np.isfinite(bands["score"]).any() else float("nan"),
    )
