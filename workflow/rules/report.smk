# Report: self-contained Folium maps and the HTML report.


rule render_overview_map:
    input:
        region=rules.build_region.output.region,
        pv_eligible=f"{OUT}/eligibility/pv_eligible.tif",
        wind_eligible=f"{OUT}/eligibility/wind_eligible.tif",
        categories=rules.assemble_categories.output.categories,
        pv_score=rules.assemble_scores.output.pv_score,
        wind_score=rules.assemble_scores.output.wind_score,
    output:
        f"{OUT}/maps/overview.html",
    log:
        f"logs/{RUN}/render_overview_map.log",
    benchmark:
        f"benchmarks/results/{RUN}/render_overview_map.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=3000,
    params:
        technologies=TECHNOLOGIES,
        data_basis=DATA_BASIS,
        source_ids=SOURCE_IDS,
        tianditu_key=config["maps"]["tianditu_key"],
        max_px=config["maps"]["max_px"],
    script:
        "../scripts/render_overview_map.py"


rule render_site_maps:
    input:
        region=rules.build_region.output.region,
        sites=rules.export_sites.output.gpkg,
    output:
        [f"{OUT}/maps/{tech}.html" for tech in TECHNOLOGIES],
    log:
        f"logs/{RUN}/render_site_maps.log",
    benchmark:
        f"benchmarks/results/{RUN}/render_site_maps.tsv"
    conda:
        CONDA_ENV
    resources:
        mem_mb=3000,
    params:
        technologies=TECHNOLOGIES,
        data_basis=DATA_BASIS,
        source_ids=SOURCE_IDS,
        tianditu_key=config["maps"]["tianditu_key"],
    script:
        "../scripts/render_site_maps.py"


rule render_report:
    input:
        region=rules.build_region.output.region,
        eligibility=rules.summarise_eligibility.output[0],
        scores=rules.assemble_scores.output.summary,
        sites=expand(f"{OUT}/sites/{{tech}}.parquet", tech=TECHNOLOGIES),
        maps=[f"{OUT}/maps/overview.html", *rules.render_site_maps.output],
    output:
        f"{OUT}/report.html",
    log:
        f"logs/{RUN}/render_report.log",
    benchmark:
        f"benchmarks/results/{RUN}/render_report.tsv"
    conda:
        CONDA_ENV
    params:
        run=RUN,
        technologies=TECHNOLOGIES,
        bases=BASE_COUNTIES,
        policy=config["targets"]["policy"],
        data_basis=DATA_BASIS,
        source_ids=SOURCE_IDS,
        config=config,
    script:
        "../scripts/render_report.py"


rule compare_runs:
    input:
        sites_a="results/{a}/sites/sites.csv",
        sites_b="results/{b}/sites/sites.csv",
        eligibility_a="results/{a}/eligibility/summary.csv",
        eligibility_b="results/{b}/eligibility/summary.csv",
    output:
        "results/compare/{a}_vs_{b}.csv",
    log:
        "logs/compare/{a}_vs_{b}.log",
    benchmark:
        "benchmarks/results/compare/{a}_vs_{b}.tsv"
    wildcard_constraints:
        a="[A-Za-z0-9_-]+",
        b="[A-Za-z0-9_-]+",
    conda:
        CONDA_ENV
    params:
        bases=BASE_COUNTIES,
    script:
        "../scripts/compare_runs.py"
