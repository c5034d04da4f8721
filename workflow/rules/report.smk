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
