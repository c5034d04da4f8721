# Scoring: land categories per tile, 0-100 scores per technology and tile, summaries and sensitivity.


rule compute_categories:
    input:
        **tile_layer_files(),
    output:
        categories=f"{OUT}/categories/tiles/{{tile}}.tif",
        summary=f"{OUT}/categories/tiles/{{tile}}_summary.csv",
    log:
        f"logs/{RUN}/compute_categories/{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/compute_categories/{{tile}}.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=1500,
    params:
        grid=config["grid"],
        proxies=config["proxies"],
        categories=config["categories"],
        n_counties=len(_region["county"]),
        data_basis=DATA_BASIS,
    script:
        "../scripts/compute_categories.py"


rule compute_scores:
    input:
        **tile_layer_files(),
        eligible=f"{OUT}/eligibility/tiles/{{tech}}/{{tile}}_eligible.tif",
        categories=rules.compute_categories.output.categories,
    output:
        scores=f"{OUT}/scores/tiles/{{tech}}/{{tile}}.tif",
        summary=f"{OUT}/scores/tiles/{{tech}}/{{tile}}_summary.csv",
    log:
        f"logs/{RUN}/compute_scores/{{tech}}_{{tile}}.log",
    benchmark:
        f"benchmarks/results/{RUN}/compute_scores/{{tech}}_{{tile}}.tsv"
    wildcard_constraints:
        tech="pv|wind",
    conda:
        CONDA_ENV
    resources:
        mem_mb=2000,
    params:
        grid=config["grid"],
        proxies=config["proxies"],
        scoring=config["scoring"],
        n_counties=len(_region["county"]),
        data_basis=DATA_BASIS,
    script:
        "../scripts/compute_scores.py"


rule assemble_categories:
    input:
        categories=tile_files(f"{OUT}/categories/tiles/{{tile}}.tif"),
        summaries=tile_files(f"{OUT}/categories/tiles/{{tile}}_summary.csv"),
        region=rules.build_region.output.region,
    output:
        categories=f"{OUT}/categories/land_categories.tif",
        summary=f"{OUT}/summary/categories.csv",
    log:
        f"logs/{RUN}/assemble_categories.log",
    benchmark:
        f"benchmarks/results/{RUN}/assemble_categories.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=3000,
    params:
        data_basis=DATA_BASIS,
    script:
        "../scripts/assemble_categories.py"


rule assemble_scores:
    input:
        scores=all_tech_tile_files(f"{OUT}/scores/tiles/{{tech}}/{{tile}}.tif"),
        summaries=all_tech_tile_files(
            f"{OUT}/scores/tiles/{{tech}}/{{tile}}_summary.csv"
        ),
        region=rules.build_region.output.region,
    output:
        pv_score=f"{OUT}/scores/pv_score.tif",
        wind_score=f"{OUT}/scores/wind_score.tif",
        summary=f"{OUT}/summary/scores.csv",
        bases=f"{OUT}/summary/bases.csv",
    log:
        f"logs/{RUN}/assemble_scores.log",
    benchmark:
        f"benchmarks/results/{RUN}/assemble_scores.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=3000,
    params:
        technologies=TECHNOLOGIES,
        data_basis=DATA_BASIS,
    script:
        "../scripts/assemble_scores.py"


rule compare_weight_sets:
    input:
        all_tech_tile_files(f"{OUT}/scores/tiles/{{tech}}/{{tile}}.tif"),
    output:
        f"{OUT}/summary/sensitivity.csv",
    log:
        f"logs/{RUN}/compare_weight_sets.log",
    benchmark:
        f"benchmarks/results/{RUN}/compare_weight_sets.tsv"
    conda:
        CONDA_ENV
    params:
        technologies=TECHNOLOGIES,
        weight_sets=list(config["scoring"]["weight_sets"]),
        top_share=config["scoring"]["top_share"],
        cell_area_km2=GRID.cell_area_km2,
        data_basis=DATA_BASIS,
    script:
        "../scripts/compare_weight_sets.py"
